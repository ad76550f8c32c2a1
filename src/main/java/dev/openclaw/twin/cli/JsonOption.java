package dev.openclaw.twin.cli;

import picocli.CommandLine.Option;

/** {@code --json}: print the report as JSON with a {@code schemaVersion} instead of text. */
public final class JsonOption {

    @Option(names = "--json", description = "Print the report as JSON (with a schemaVersion field).")
    boolean json;

    public boolean enabled() {
        return json;
    }
}
