package dev.openclaw.twin.cli;

import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The options of every command, written before or after its name ({@code twin --config t.yaml who}
 * is {@code twin who --config t.yaml}): declared once on the root command and inherited by every
 * subcommand, so whichever position the user chose, the value lands here (DESIGN §10).
 */
public final class GlobalOptions {

    @Option(
            names = {"-c", "--config"},
            paramLabel = "PATH",
            scope = ScopeType.INHERIT,
            description = "twins.yaml to use ('twin init': where to write it). Default: $TWIN_CONFIG, ./twins.yaml, "
                    + "$XDG_CONFIG_HOME/openclaw-twin/twins.yaml, /etc/openclaw-twin/twins.yaml (first found).")
    Path config;

    @Option(
            names = {"-v", "--verbose"},
            scope = ScopeType.INHERIT,
            description = "Show the details of a failure (stack trace) and the libraries' logs.")
    boolean verbose;

    public Optional<Path> config() {
        return Optional.ofNullable(config);
    }

    public boolean verbose() {
        return verbose;
    }

    /** The global options of the command line {@code spec} is part of (held by its root command). */
    static GlobalOptions of(CommandSpec spec) {
        return spec.root().mixins().values().stream()
                .map(CommandSpec::userObject)
                .filter(GlobalOptions.class::isInstance)
                .map(GlobalOptions.class::cast)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(
                        spec.qualifiedName() + " is not run from the twin command (no global options)"));
    }
}
