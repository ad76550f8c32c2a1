package dev.openclaw.twin.cli;

import dev.openclaw.twin.config.ConfigEnvironment;
import java.io.PrintWriter;
import java.time.Clock;

/** What every command runs against; tests pass their own clock, environment and output. */
public record CliContext(Clock clock, ConfigEnvironment environment, PrintWriter out, PrintWriter err) {

    public static CliContext system() {
        return new CliContext(
                Clock.systemUTC(),
                ConfigEnvironment.system(),
                new PrintWriter(System.out, true),
                new PrintWriter(System.err, true));
    }
}
