package dev.openclaw.twin.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds and loads {@code twins.yaml}. Lookup order (DESIGN §3): {@code --config PATH},
 * {@code $TWIN_CONFIG}, {@code ./twins.yaml}, {@code $XDG_CONFIG_HOME/openclaw-twin/twins.yaml}
 * (default {@code ~/.config}), {@code /etc/openclaw-twin/twins.yaml}.
 */
public final class ConfigLoader {

    private final ConfigEnvironment environment;

    public ConfigLoader(ConfigEnvironment environment) {
        this.environment = environment;
    }

    /** The files looked at, in order, when no {@code --config} is given. */
    public List<Path> candidates() {
        List<Path> paths = new ArrayList<>();
        environment.variable("TWIN_CONFIG").map(environment::expandHome).ifPresent(paths::add);
        paths.add(environment.workingDirectory().resolve("twins.yaml"));
        Path xdg = environment
                .variable("XDG_CONFIG_HOME")
                .map(environment::expandHome)
                .orElse(environment.home().resolve(".config"));
        paths.add(xdg.resolve("openclaw-twin").resolve("twins.yaml"));
        paths.add(Path.of("/etc/openclaw-twin/twins.yaml"));
        return paths;
    }

    /** Resolves which file to use: the explicit one, else the first candidate that exists. */
    public Path locate(Optional<Path> explicit) throws ConfigException {
        if (explicit.isPresent()) {
            Path path = explicit.get();
            if (!Files.isRegularFile(path)) {
                throw new ConfigException(path + ": no such file (given with --config)");
            }
            return path;
        }
        boolean fromEnvironment = environment.variable("TWIN_CONFIG").isPresent();
        List<Path> candidates = candidates();
        if (fromEnvironment && !Files.isRegularFile(candidates.getFirst())) {
            throw new ConfigException(candidates.getFirst() + ": no such file (given by $TWIN_CONFIG)");
        }
        return candidates.stream().filter(Files::isRegularFile).findFirst().orElseThrow(() -> {
            StringBuilder message = new StringBuilder("no twins.yaml found. Looked in:");
            candidates.forEach(c -> message.append("\n  ").append(c));
            message.append("\nCreate one with 'twin init', or pass --config PATH.");
            return new ConfigException(message.toString());
        });
    }

    public TwinsConfig load(Optional<Path> explicit) throws ConfigException {
        return load(locate(explicit));
    }

    public TwinsConfig load(Path file) throws ConfigException {
        String text;
        try {
            // Read at most 1 MB: a config is a few KB, and the YAML parser is slow on huge input.
            byte[] bytes;
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes(TextLimits.MAX_FILE_BYTES + 1);
            }
            if (bytes.length > TextLimits.MAX_FILE_BYTES) {
                String start = new String(bytes, StandardCharsets.UTF_8);
                throw new ConfigException(List.of(TextLimits.check(file.toString(), start, Files.size(file))
                        .orElseThrow()));
            }
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(file + ": not UTF-8 text");
        } catch (IOException e) {
            throw new ConfigException(
                    file + ": cannot read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
        return parse(text, file);
    }

    /** Parses and validates {@code text} as if read from {@code file}. */
    public TwinsConfig parse(String text, Path file) throws ConfigException {
        Optional<ConfigProblem> oversized = TextLimits.check(file.toString(), text, text.length());
        if (oversized.isPresent()) {
            throw new ConfigException(List.of(oversized.get()));
        }
        List<ConfigProblem> problems = new ArrayList<>();
        List<ConfigProblem> warnings = new ArrayList<>();
        String name = file.toString();
        Path base = Optional.ofNullable(file.toAbsolutePath().getParent()).orElse(environment.workingDirectory());
        ConfigSection.Context context = new ConfigSection.Context(name, base, environment, problems);
        Optional<YamlNode> root = new YamlTreeReader(name, problems).read(text);
        if (root.isEmpty()) {
            throw new ConfigException(problems);
        }
        ConfigBinder binder = new ConfigBinder(context, warnings, isReadableByOthers(file));
        Optional<TwinsConfig> config = binder.bind(root.get(), file);
        if (config.isEmpty() || !problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return config.get();
    }

    private static boolean isReadableByOthers(Path file) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            return permissions.contains(PosixFilePermission.OTHERS_READ)
                    || permissions.contains(PosixFilePermission.GROUP_READ);
        } catch (UnsupportedOperationException | IOException e) {
            return false;
        }
    }
}
