package dev.openclaw.twin.cli;

import dev.openclaw.twin.config.ConfigException;
import dev.openclaw.twin.config.ConfigLoader;
import dev.openclaw.twin.config.ConfigProblem;
import dev.openclaw.twin.config.TwinsConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        name = "validate",
        header = "Check twins.yaml; on problems exit 78 naming file:line and key.",
        description = "Check twins.yaml and print every problem, one per line: file:line:col key.path: what is "
                + "wrong. Exit 0 when it is usable (warnings are printed too), 78 when it is not.")
public final class ValidateCommand implements Callable<Integer> {

    private final CliContext context;

    @Mixin
    ConfigOption config;

    @Mixin
    JsonOption json;

    public ValidateCommand(CliContext context) {
        this.context = context;
    }

    record ValidateReport(
            int schemaVersion, String file, boolean ok, List<ConfigProblem> problems, List<ConfigProblem> warnings) {}

    @Override
    public Integer call() {
        ConfigLoader loader = new ConfigLoader(context.environment());
        String file = "";
        try {
            Path located = loader.locate(config.path());
            file = located.toString();
            TwinsConfig loaded = loader.load(located);
            if (json.enabled()) {
                JsonOutput.print(
                        context.out(),
                        new ValidateReport(JsonOutput.SCHEMA_VERSION, file, true, List.of(), loaded.warnings()));
            } else {
                loaded.warnings().forEach(w -> context.out().println("warning: " + w));
                context.out()
                        .println(file + ": OK (" + loaded.twins().size() + " twins: "
                                + String.join(", ", loaded.twinNames()) + ")");
            }
            return ExitCodes.OK;
        } catch (ConfigException e) {
            if (json.enabled()) {
                List<ConfigProblem> problems = e.problems().isEmpty()
                        ? List.of(new ConfigProblem(file, 0, 0, "", e.getMessage()))
                        : e.problems();
                JsonOutput.print(
                        context.out(), new ValidateReport(JsonOutput.SCHEMA_VERSION, file, false, problems, List.of()));
            } else {
                e.lines().forEach(context.err()::println);
            }
            return ExitCodes.BAD_CONFIG;
        }
    }
}
