package dev.openclaw.twin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openclaw.twin.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code --config} and {@code -v/--verbose} before or after the command (DESIGN §10), for every
 * command registered under {@code twin} — found by walking the command tree, so a command added
 * later is covered without a line here.
 */
class GlobalOptionsTest {

    private static final Instant EVEN_DAY = Instant.parse("2026-02-28T12:00:00Z");

    @TempDir
    Path dir;

    /** Every command path under the root: {@code [who]}, {@code [backup]}, {@code [backup, list]}, ... */
    static Stream<List<String>> commands() {
        List<List<String>> paths = new ArrayList<>();
        walk(Main.commandLine(CliRun.context(EVEN_DAY, Path.of("."))).getCommandSpec(), List.of(), paths);
        return paths.stream();
    }

    private static void walk(CommandSpec spec, List<String> path, List<List<String>> paths) {
        for (var entry : spec.subcommands().entrySet()) {
            // Aliases are listed too: walk each command under its own name once.
            if (!entry.getKey().equals(entry.getValue().getCommandName())) {
                continue;
            }
            List<String> sub = new ArrayList<>(path);
            sub.add(entry.getKey());
            paths.add(sub);
            walk(entry.getValue().getCommandSpec(), sub, paths);
        }
    }

    @Test
    void theTreeHoldsTheCommandsAndTheirSubcommands() {
        assertThat(commands().map(p -> String.join(" ", p)))
                .contains("who", "status", "daemon", "rescue", "backup", "backup list", "alert test", "init", "version")
                .hasSizeGreaterThanOrEqualTo(20);
    }

    /** Both positions of a global option around {@code command}: before it, and after its last word. */
    private static List<List<String>> positions(List<String> command, List<String> option) {
        List<List<String>> all = new ArrayList<>();
        for (int at = 0; at <= command.size(); at++) {
            List<String> args = new ArrayList<>(command.subList(0, at));
            args.addAll(option);
            args.addAll(command.subList(at, command.size()));
            all.add(args);
        }
        return all;
    }

    @ParameterizedTest(name = "twin {0}")
    @MethodSource("commands")
    void theConfigAndVerboseOptionsLandInTheGlobalOptionsWhereverTheyAreWritten(List<String> command) {
        Path file = dir.resolve("t.yaml");
        for (List<String> option : List.of(List.of("--config", file.toString()), List.of("-c", file.toString()))) {
            for (List<String> args : positions(command, option)) {
                GlobalOptions global = parse(args);
                assertThat(global.config()).as(String.join(" ", args)).contains(file);
                assertThat(global.verbose()).isFalse();
            }
        }
        for (List<String> option : List.of(List.of("-v"), List.of("--verbose"))) {
            for (List<String> args : positions(command, option)) {
                assertThat(parse(args).verbose()).as(String.join(" ", args)).isTrue();
            }
        }
    }

    /** Parses like {@link Main#run} does; a required option or parameter left out does not matter here. */
    private GlobalOptions parse(List<String> args) {
        CommandLine commandLine = Main.commandLine(CliRun.context(EVEN_DAY, dir));
        try {
            commandLine.parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.MissingParameterException e) {
            // Thrown after every argument was matched: the options are set.
        }
        return GlobalOptions.of(commandLine.getCommandSpec());
    }

    @ParameterizedTest(name = "twin {0}")
    @MethodSource("commands")
    void everyCommandRunsTheSameWithTheConfigBeforeOrAfterIt(List<String> command) throws Exception {
        CommandSpec spec = spec(command);
        boolean readsConfig = spec.mixins().values().stream().anyMatch(m -> m.userObject() instanceof ConfigOption);
        Path missing = dir.resolve("nowhere/" + String.join("-", command) + ".yaml");
        List<String> option = List.of("--config", missing.toString());
        List<CliRun> runs = new ArrayList<>();
        for (List<String> args : positions(command, option)) {
            if (!readsConfig) {
                // It would run something (a demo): its help shows the options are accepted.
                args.add("--help");
            }
            CliRun run = CliRun.run(EVEN_DAY, dir, args.toArray(String[]::new));
            assertThat(run.err() + run.out())
                    .as(String.join(" ", args))
                    .doesNotContain("Unknown option", "Unmatched argument", "Exception");
            runs.add(run);
        }
        for (CliRun run : runs) {
            assertThat(run)
                    .as("twin " + command + ": the same wherever --config is")
                    .isEqualTo(runs.getFirst());
            if (run.exitCode() == ExitCodes.BAD_CONFIG) {
                // The file given is the one the command looked for (doctor reports it as its config check).
                assertThat(run.err() + run.out()).contains(missing.toString());
            }
        }
        if (!readsConfig) {
            assertThat(runs.getFirst().exitCode()).isZero();
        }
        assertThat(Files.exists(missing)).as("nothing written there").isFalse();
    }

    @ParameterizedTest(name = "twin {0} --help")
    @MethodSource("commands")
    void everyCommandsHelpShowsItsOwnUsageAndTheGlobalOptions(List<String> command) {
        List<String> args = new ArrayList<>(command);
        args.add("--help");
        CliRun help = CliRun.run(EVEN_DAY, dir, args.toArray(String[]::new));
        assertThat(help.exitCode()).isZero();
        assertThat(help.out())
                .contains("Usage: twin " + String.join(" ", command) + " ")
                .contains("-c, --config=PATH", "-v, --verbose");
    }

    @Test
    void theRootsUsageIsTheSynopsis() {
        assertThat(CliRun.run(EVEN_DAY, dir, "--help").out()).startsWith("Usage: twin [--config PATH] [-v] COMMAND");
    }

    private static CommandSpec spec(List<String> command) {
        CommandSpec spec =
                Main.commandLine(CliRun.context(EVEN_DAY, Path.of("."))).getCommandSpec();
        for (String name : command) {
            spec = spec.subcommands().get(name).getCommandSpec();
        }
        return spec;
    }
}
