package dev.openclaw.twin.cli;

import dev.openclaw.twin.config.ConfigEnvironment;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

/** One in-process run of the {@code twin} CLI with a fixed clock and captured output. */
record CliRun(int exitCode, String out, String err) {

    static CliRun run(Instant now, Path workingDirectory, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CliContext context = new CliContext(
                Clock.fixed(now, ZoneOffset.UTC),
                new ConfigEnvironment(Map.of(), workingDirectory.resolve("home"), workingDirectory),
                new PrintWriter(out, true),
                new PrintWriter(err, true));
        int code = Main.run(context, args);
        return new CliRun(code, out.toString(), err.toString());
    }
}
