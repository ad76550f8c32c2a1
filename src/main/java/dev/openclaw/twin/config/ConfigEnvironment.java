package dev.openclaw.twin.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What a configuration is resolved against: environment variables, the home directory (for
 * {@code ~}) and the working directory (for {@code ./twins.yaml}). Injected so tests need no real
 * environment.
 */
public record ConfigEnvironment(Map<String, String> variables, Path home, Path workingDirectory) {

    public ConfigEnvironment {
        variables = Map.copyOf(variables);
    }

    public static ConfigEnvironment system() {
        return new ConfigEnvironment(
                System.getenv(),
                Path.of(System.getProperty("user.home")),
                Path.of("").toAbsolutePath());
    }

    public Optional<String> variable(String name) {
        return Optional.ofNullable(variables.get(name)).filter(v -> !v.isEmpty());
    }

    /** {@code ~} and {@code ~/x} become paths under the home directory; other text is unchanged. */
    public Path expandHome(String path) {
        if (path.equals("~")) {
            return home;
        }
        if (path.startsWith("~/")) {
            return home.resolve(path.substring(2));
        }
        return Path.of(path);
    }
}
