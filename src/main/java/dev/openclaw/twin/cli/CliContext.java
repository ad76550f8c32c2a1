package dev.openclaw.twin.cli;

import dev.openclaw.twin.config.ConfigEnvironment;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.time.Clock;

/**
 * What every command runs against; tests pass their own clock, environment, input and output.
 *
 * @param interactive a person is at the terminal, so commands may ask questions on {@code in}
 */
public record CliContext(
        Clock clock,
        ConfigEnvironment environment,
        BufferedReader in,
        PrintWriter out,
        PrintWriter err,
        boolean interactive) {

    public static CliContext system() {
        return new CliContext(
                Clock.systemUTC(),
                ConfigEnvironment.system(),
                new BufferedReader(new InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8)),
                new PrintWriter(System.out, true),
                new PrintWriter(System.err, true),
                System.console() != null);
    }
}
