package dev.openclaw.twin.testing;

import dev.openclaw.twin.cli.CliContext;
import dev.openclaw.twin.cli.Main;
import dev.openclaw.twin.config.ConfigEnvironment;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

/** One in-process run of the {@code twin} CLI with captured output, in {@code workingDirectory}. */
public record CliRun(int exitCode, String out, String err) {

    /** With the clock stopped at {@code now}. */
    public static CliRun run(Instant now, Path workingDirectory, String... args) {
        return run(Clock.fixed(now, ZoneOffset.UTC), workingDirectory, args);
    }

    public static CliRun run(Clock clock, Path workingDirectory, String... args) {
        return withInput(clock, workingDirectory, null, args);
    }

    /** With {@code input} typed at an interactive terminal ({@code null}: no terminal, no input). */
    public static CliRun withInput(Clock clock, Path workingDirectory, String input, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CliContext context =
                context(clock, workingDirectory, input, new PrintWriter(out, true), new PrintWriter(err, true));
        int code = Main.run(context, args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** A context as the runs above get, its output thrown away (for tests that only parse). */
    public static CliContext context(Instant now, Path workingDirectory) {
        PrintWriter nowhere = new PrintWriter(java.io.Writer.nullWriter());
        return context(Clock.fixed(now, ZoneOffset.UTC), workingDirectory, null, nowhere, nowhere);
    }

    private static CliContext context(
            Clock clock, Path workingDirectory, String input, PrintWriter out, PrintWriter err) {
        return new CliContext(
                clock,
                new ConfigEnvironment(Map.of(), workingDirectory.resolve("home"), workingDirectory),
                new BufferedReader(new StringReader(input == null ? "" : input)),
                out,
                err,
                input != null);
    }
}
