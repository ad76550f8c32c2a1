package dev.openclaw.twin.cli;

import java.io.PrintWriter;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Writes command reports as pretty JSON. */
final class JsonOutput {

    static final int SCHEMA_VERSION = 1;

    private static final ObjectMapper MAPPER =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private JsonOutput() {}

    static void print(PrintWriter out, Object report) {
        out.println(MAPPER.writeValueAsString(report));
        out.flush();
    }
}
