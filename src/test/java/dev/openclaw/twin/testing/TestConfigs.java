package dev.openclaw.twin.testing;

import dev.openclaw.twin.config.ConfigEnvironment;
import dev.openclaw.twin.config.ConfigException;
import dev.openclaw.twin.config.ConfigLoader;
import dev.openclaw.twin.config.TwinsConfig;
import java.nio.file.Path;
import java.util.Map;

/** Parses YAML text as {@code twins.yaml} against a fixed, fake environment. */
public final class TestConfigs {

    public static final Path HOME = Path.of("/home/operator");
    public static final Path FILE = Path.of("twins.yaml");

    private TestConfigs() {}

    public static ConfigEnvironment environment(Map<String, String> variables) {
        return new ConfigEnvironment(variables, HOME, Path.of("/work/dir"));
    }

    public static TwinsConfig parse(String yaml) {
        return parse(yaml, Map.of());
    }

    public static TwinsConfig parse(String yaml, Map<String, String> variables) {
        try {
            return new ConfigLoader(environment(variables)).parse(yaml, FILE);
        } catch (ConfigException e) {
            throw new AssertionError("config should load but: " + String.join("\n", e.lines()), e);
        }
    }

    /** Every problem line of a configuration that must not load. */
    public static java.util.List<String> problems(String yaml, Map<String, String> variables) {
        try {
            new ConfigLoader(environment(variables)).parse(yaml, FILE);
        } catch (ConfigException e) {
            return e.lines();
        }
        throw new AssertionError("config should have been rejected:\n" + yaml);
    }
}
