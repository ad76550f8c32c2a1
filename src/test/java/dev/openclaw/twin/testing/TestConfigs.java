package dev.openclaw.twin.testing;

import dev.openclaw.twin.config.ConfigEnvironment;
import dev.openclaw.twin.config.ConfigException;
import dev.openclaw.twin.config.ConfigLoader;
import dev.openclaw.twin.config.TwinsConfig;
import java.io.IOException;
import java.nio.file.Files;
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

    /**
     * The seed's {@code twins.example.yaml} as shipped: from {@code shared/} beside the repository,
     * else the identical copy in the test resources.
     */
    public static Path seedExample() {
        Path shared = TwinLauncher.REPO.resolve("../shared/seed/config/twins.example.yaml");
        return Files.exists(shared) ? shared : TwinLauncher.REPO.resolve("src/test/resources/config/seed-example.yaml");
    }

    /** The seed's example with its placeholders replaced by real values. */
    public static String seedExampleWithValues() throws IOException {
        return Files.readString(seedExample())
                .replace("<AGENT_A_IP_OR_HOSTNAME>", "192.168.1.100")
                .replace("<AGENT_A_USERNAME>", "mark")
                .replace("<AGENT_B_IP_OR_HOSTNAME>", "192.168.1.101")
                .replace("<AGENT_B_USERNAME>", "mark");
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
