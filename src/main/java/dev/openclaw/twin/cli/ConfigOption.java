package dev.openclaw.twin.cli;

import dev.openclaw.twin.config.ConfigException;
import dev.openclaw.twin.config.ConfigLoader;
import dev.openclaw.twin.config.TwinsConfig;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code twins.yaml} of a command that reads one. A mixin: {@code --config PATH} itself is a
 * {@link GlobalOptions global option}, accepted before or after the command's name.
 */
@Command
public final class ConfigOption {

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** The file given with {@code --config}, wherever it was written on the command line. */
    public Optional<Path> path() {
        return GlobalOptions.of(command).config();
    }

    /** Loads and validates the configuration; a bad one ends the command with 78 ('twin validate' shows warnings). */
    public TwinsConfig load(CliContext context) {
        try {
            return new ConfigLoader(context.environment()).load(path());
        } catch (ConfigException e) {
            throw new ConfigFailure(e);
        }
    }

    /** {@code name} if it is a twin of {@code config}; otherwise a usage error naming the twins. */
    public static String requireTwin(TwinsConfig config, String name) {
        try {
            return config.twin(name).name();
        } catch (IllegalArgumentException e) {
            throw new TwinException(ExitCodes.USAGE, "--twin: " + e.getMessage());
        }
    }

    /** Carries a {@link ConfigException} out of a command so {@link Main} prints every problem and exits 78. */
    public static final class ConfigFailure extends RuntimeException {
        private final ConfigException cause;

        ConfigFailure(ConfigException cause) {
            super(cause.getMessage(), cause);
            this.cause = cause;
        }

        public ConfigException problems() {
            return cause;
        }
    }
}
