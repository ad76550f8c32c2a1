package dev.openclaw.twin.cli;

import dev.openclaw.twin.config.ConfigException;
import dev.openclaw.twin.config.ConfigLoader;
import dev.openclaw.twin.config.TwinsConfig;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --config PATH}, shared by every command that reads {@code twins.yaml}. */
public final class ConfigOption {

    @Option(
            names = {"-c", "--config"},
            paramLabel = "PATH",
            description = "twins.yaml to use. Default: $TWIN_CONFIG, ./twins.yaml, "
                    + "$XDG_CONFIG_HOME/openclaw-twin/twins.yaml, /etc/openclaw-twin/twins.yaml (first found).")
    Path config;

    public Optional<Path> path() {
        return Optional.ofNullable(config);
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
