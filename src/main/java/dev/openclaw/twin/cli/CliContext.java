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

    /** Asks {@code question} with {@code [y/N]}; true only for an answer starting with y. */
    public boolean confirm(String question) throws java.io.IOException {
        out.print(question + " [y/N] ");
        out.flush();
        String answer = in.readLine();
        return answer != null
                && answer.strip().toLowerCase(java.util.Locale.ROOT).startsWith("y");
    }

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
