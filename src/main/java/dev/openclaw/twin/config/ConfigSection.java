package dev.openclaw.twin.config;

import dev.openclaw.twin.config.YamlNode.Entry;
import dev.openclaw.twin.config.YamlNode.ListNode;
import dev.openclaw.twin.config.YamlNode.Location;
import dev.openclaw.twin.config.YamlNode.MapNode;
import dev.openclaw.twin.config.YamlNode.ScalarNode;
import dev.openclaw.twin.config.YamlNode.ScalarType;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Typed, validating access to one mapping of the configuration. Every read that fails records a
 * {@link ConfigProblem} at the offending value and returns empty or the default, so that one pass
 * finds every problem in the file.
 */
final class ConfigSection {

    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
    private static final Pattern PLACEHOLDER = Pattern.compile("<[^<>\\s][^<>]*>");
    /** A value from ${ENV} is bounded like one written in the file (whose lines are at most 16 KB). */
    private static final int MAX_VALUE_CHARS = 64 * 1024;

    private static final Pattern SIZE = Pattern.compile("(?i)\\s*(\\d{1,12})\\s*(b|kb|k|mb|m|gb|g)?\\s*");
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)");

    /** What all sections of one file share: where problems go and what values are resolved against. */
    record Context(String file, Path baseDirectory, ConfigEnvironment environment, List<ConfigProblem> problems) {}

    private final Context context;
    private final String path;
    private final Location where;
    private final Map<String, Entry> entries;

    private ConfigSection(Context context, String path, Location where, Map<String, Entry> entries) {
        this.context = context;
        this.path = path;
        this.where = where;
        this.entries = entries;
    }

    /** A section over {@code node}; keys not in {@code allowedKeys} are reported as unknown. */
    static ConfigSection of(
            Context context, String path, Location where, MapNode node, Collection<String> allowedKeys) {
        ConfigSection section = new ConfigSection(context, path, where, node.entries());
        section.rejectUnknownKeys(allowedKeys);
        return section;
    }

    /** A section with no keys, standing in for one that is absent so defaults apply. */
    static ConfigSection absent(Context context, String path, Location where) {
        return new ConfigSection(context, path, where, Map.of());
    }

    private void rejectUnknownKeys(Collection<String> allowedKeys) {
        for (Entry entry : entries.values()) {
            if (!allowedKeys.contains(entry.key())) {
                String hint = KeySuggester.closest(entry.key(), allowedKeys)
                        .map(k -> "did you mean '" + k + "'? ")
                        .orElse("");
                context.problems()
                        .add(new ConfigProblem(
                                context.file(),
                                entry.keyLocation(),
                                childPath(entry.key()),
                                "unknown key (" + hint + "allowed: " + String.join(", ", allowedKeys) + ")"));
            }
        }
    }

    boolean has(String key) {
        Entry entry = entries.get(key);
        return entry != null && !isNull(entry.value());
    }

    /** Whether {@code key} is given; if not, records that it is required. */
    boolean require(String key) {
        if (has(key)) {
            return true;
        }
        missing(key);
        return false;
    }

    boolean isList(String key) {
        Entry entry = entries.get(key);
        return entry != null && entry.value() instanceof ListNode;
    }

    Collection<Entry> entries() {
        return entries.values();
    }

    String childPath(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** Where the value of {@code key} is written, or where this section starts when it is absent. */
    Location locationOf(String key) {
        Entry entry = entries.get(key);
        return entry == null ? where : entry.value().location();
    }

    Location keyLocationOf(String key) {
        Entry entry = entries.get(key);
        return entry == null ? where : entry.keyLocation();
    }

    void error(String key, String message) {
        error(locationOf(key), childPath(key), message);
    }

    void error(Location location, String keyPath, String message) {
        context.problems().add(new ConfigProblem(context.file(), location, keyPath, message));
    }

    // ---- sections and lists -------------------------------------------------------------------

    /** The nested mapping under {@code key}, its keys checked against {@code allowedKeys}. */
    Optional<ConfigSection> section(String key, Collection<String> allowedKeys) {
        return mapping(key, "a mapping of keys to values")
                .map(entry -> of(context, childPath(key), entry.keyLocation(), (MapNode) entry.value(), allowedKeys));
    }

    /** The nested mapping under {@code key} whose keys are names chosen by the user (e.g. twins). */
    Optional<ConfigSection> namedSection(String key) {
        return mapping(key, "a mapping of names to settings")
                .map(entry -> new ConfigSection(
                        context, childPath(key), entry.keyLocation(), ((MapNode) entry.value()).entries()));
    }

    /** The entry of {@code key} if its value is a mapping; reports any other kind of value. */
    private Optional<Entry> mapping(String key, String expected) {
        Entry entry = entries.get(key);
        if (entry == null || isNull(entry.value())) {
            return Optional.empty();
        }
        if (entry.value() instanceof MapNode) {
            return Optional.of(entry);
        }
        wrongType(key, entry.value(), expected);
        return Optional.empty();
    }

    ConfigSection sectionOrAbsent(String key, Collection<String> allowedKeys) {
        return section(key, allowedKeys).orElseGet(() -> absent(context, childPath(key), keyLocationOf(key)));
    }

    /** Each item of the list under {@code key}, converted; items that fail are reported and skipped. */
    <T> List<T> list(String key, ItemReader<T> reader) {
        Entry entry = entries.get(key);
        if (entry == null || isNull(entry.value())) {
            return List.of();
        }
        if (!(entry.value() instanceof ListNode list)) {
            wrongType(key, entry.value(), "a list, e.g. [a, b]");
            return List.of();
        }
        List<T> result = new ArrayList<>();
        for (int i = 0; i < list.items().size(); i++) {
            YamlNode item = list.items().get(i);
            String itemPath = childPath(key) + "[" + i + "]";
            if (!(item instanceof ScalarNode scalar) || scalar.type() == ScalarType.NULL) {
                error(item.location(), itemPath, "expected a single value, got " + item.kindName());
                continue;
            }
            Optional<String> text = expand(scalar, itemPath);
            text.flatMap(t -> reader.read(t, scalar.location(), itemPath)).ifPresent(result::add);
        }
        return result;
    }

    /** The list of mappings under {@code key}, each checked against {@code allowedKeys}. */
    List<ConfigSection> sections(String key, Collection<String> allowedKeys) {
        Entry entry = entries.get(key);
        if (entry == null || isNull(entry.value())) {
            return List.of();
        }
        if (!(entry.value() instanceof ListNode list)) {
            wrongType(key, entry.value(), "a list of mappings, e.g. [{path: notes}]");
            return List.of();
        }
        List<ConfigSection> result = new ArrayList<>();
        for (int i = 0; i < list.items().size(); i++) {
            YamlNode item = list.items().get(i);
            String itemPath = childPath(key) + "[" + i + "]";
            if (item instanceof MapNode map) {
                result.add(of(context, itemPath, item.location(), map, allowedKeys));
            } else {
                error(item.location(), itemPath, "expected a mapping, got " + item.kindName());
            }
        }
        return result;
    }

    /** A size written as {@code 500}, {@code 64KB}, {@code 10MB} or {@code 1GB} (powers of 1024), at most {@code max}. */
    long bytes(String key, long defaultValue, long max) {
        return string(key)
                .flatMap(text -> {
                    Matcher m = SIZE.matcher(text);
                    if (!m.matches()) {
                        error(key, "'" + text + "' is not a size (allowed: 500, 64KB, 10MB, 1GB)");
                        return Optional.empty();
                    }
                    long n = Long.parseLong(m.group(1));
                    String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
                    long factor = switch (unit.charAt(0)) {
                        case 'k' -> 1024L;
                        case 'm' -> 1024L * 1024;
                        case 'g' -> 1024L * 1024 * 1024;
                        default -> 1L;
                    };
                    if (n > max / factor) {
                        error(key, "'" + text + "' is too large (at most " + (max >> 20) + "MB)");
                        return Optional.empty();
                    }
                    return Optional.of(n * factor);
                })
                .orElse(defaultValue);
    }

    List<String> strings(String key) {
        return list(key, (text, location, itemPath) -> Optional.of(text));
    }

    /** Converts one list item; reports its own problems via {@link #error(Location, String, String)}. */
    @FunctionalInterface
    interface ItemReader<T> {
        Optional<T> read(String text, Location location, String itemPath);
    }

    // ---- scalars ------------------------------------------------------------------------------

    /** The scalar text of {@code key} with {@code ${VAR}} expanded; empty when absent or invalid. */
    Optional<String> string(String key) {
        Entry entry = entries.get(key);
        if (entry == null || isNull(entry.value())) {
            return Optional.empty();
        }
        if (!(entry.value() instanceof ScalarNode scalar)) {
            wrongType(key, entry.value(), "a single value");
            return Optional.empty();
        }
        return expand(scalar, childPath(key));
    }

    String string(String key, String defaultValue) {
        return string(key).orElse(defaultValue);
    }

    Optional<String> requiredString(String key) {
        return require(key) ? string(key) : Optional.empty();
    }

    void missing(String key) {
        context.problems()
                .add(new ConfigProblem(context.file(), where, childPath(key), "missing (this key is required)"));
    }

    int integer(String key, int defaultValue, int min, int max) {
        return string(key).flatMap(text -> parseInteger(key, text, min, max)).orElse(defaultValue);
    }

    private Optional<Integer> parseInteger(String key, String text, int min, int max) {
        try {
            int value = Integer.parseInt(text.strip());
            if (value < min || value > max) {
                error(key, value + " is out of range (allowed: " + min + ".." + max + ")");
                return Optional.empty();
            }
            return Optional.of(value);
        } catch (NumberFormatException e) {
            error(key, "'" + text + "' is not a whole number (allowed: " + min + ".." + max + ")");
            return Optional.empty();
        }
    }

    boolean bool(String key, boolean defaultValue) {
        return string(key)
                .flatMap(text -> switch (text.strip().toLowerCase(Locale.ROOT)) {
                    case "true" -> Optional.of(true);
                    case "false" -> Optional.of(false);
                    default -> {
                        error(key, "'" + text + "' is not a boolean (allowed: true, false)");
                        yield Optional.<Boolean>empty();
                    }
                })
                .orElse(defaultValue);
    }

    Optional<Boolean> optionalBool(String key) {
        return has(key) ? Optional.of(bool(key, false)) : Optional.empty();
    }

    /** A duration written as {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 1d} or ISO-8601 {@code PT5M}. */
    Duration duration(String key, Duration defaultValue, Duration min, Duration max) {
        return string(key).flatMap(text -> parseDuration(key, text, min, max)).orElse(defaultValue);
    }

    /** Like {@link #duration}, where {@code 0} (any unit) also means "off". */
    Duration durationOrOff(String key, Duration defaultValue, Duration min, Duration max) {
        return string(key)
                .flatMap(text -> {
                    Optional<Duration> off = parseDurationText(text.strip()).filter(Duration::isZero);
                    return off.isPresent() ? off : parseDuration(key, text, min, max);
                })
                .orElse(defaultValue);
    }

    private Optional<Duration> parseDuration(String key, String text, Duration min, Duration max) {
        String allowed = "allowed: 500ms, 30s, 5m, 1h, 1d or ISO-8601 such as PT5M";
        Optional<Duration> parsed = parseDurationText(text.strip());
        if (parsed.isEmpty()) {
            error(key, "'" + text + "' is not a duration (" + allowed + ")");
            return Optional.empty();
        }
        if (parsed.get().compareTo(min) < 0) {
            error(key, "'" + text + "' is too short (allowed: " + range(min, max) + ")");
            return Optional.empty();
        }
        if (parsed.get().compareTo(max) > 0) {
            error(key, "'" + text + "' is too long (allowed: " + range(min, max) + ")");
            return Optional.empty();
        }
        return parsed;
    }

    private static String range(Duration min, Duration max) {
        return DurationText.format(min) + " to " + DurationText.format(max);
    }

    static Optional<Duration> parseDurationText(String text) {
        Matcher m = SHORT_DURATION.matcher(text);
        if (m.matches()) {
            double amount = Double.parseDouble(m.group(1));
            double millis = switch (m.group(2)) {
                case "ms" -> amount;
                case "s" -> amount * 1_000;
                case "m" -> amount * 60_000;
                case "h" -> amount * 3_600_000;
                default -> amount * 86_400_000;
            };
            return Optional.of(Duration.ofMillis(Math.round(millis)));
        }
        try {
            return Optional.of(Duration.parse(text.toUpperCase(Locale.ROOT)));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** A number of seconds ({@code 2}, {@code 0.5}) under a key whose name says the unit. */
    Duration seconds(String key, Duration defaultValue, Duration min, Duration max) {
        return string(key)
                .flatMap(text -> {
                    try {
                        double seconds = Double.parseDouble(text.strip());
                        Duration value = Duration.ofMillis(Math.round(seconds * 1000));
                        if (Double.isNaN(seconds) || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                            error(
                                    key,
                                    text + " is out of range (allowed: " + DurationText.seconds(min) + ".."
                                            + DurationText.seconds(max) + ")");
                            return Optional.empty();
                        }
                        return Optional.of(value);
                    } catch (NumberFormatException e) {
                        error(key, "'" + text + "' is not a number of seconds");
                        return Optional.empty();
                    }
                })
                .orElse(defaultValue);
    }

    /** One of {@code allowed}'s names (compared case-insensitively), as the value it maps to. */
    <E> Optional<E> choice(String key, Map<String, E> allowed) {
        return string(key).flatMap(text -> {
            E value = allowed.get(text.strip().toLowerCase(Locale.ROOT));
            if (value == null) {
                error(key, "'" + text + "' is not allowed (allowed: " + String.join(", ", allowed.keySet()) + ")");
            }
            return Optional.ofNullable(value);
        });
    }

    /** Each enum constant by the name a configuration file uses for it, in declaration order. */
    static <E extends Enum<E>> Map<String, E> byConfigName(E[] values, Function<E, String> configName) {
        Map<String, E> byName = new LinkedHashMap<>();
        for (E value : values) {
            byName.put(configName.apply(value), value);
        }
        return byName;
    }

    /** An http(s) URL; a bad one is shown in the message only when it is written in the file as is. */
    Optional<URI> url(String key) {
        boolean writtenAsIs =
                rawText(key).filter(raw -> !ENV_REFERENCE.matcher(raw).find()).isPresent();
        return string(key).flatMap(text -> parseUrl(text, locationOf(key), childPath(key), writtenAsIs));
    }

    /**
     * {@code text} as an http(s) URL, or a problem. With {@code showValue} false the message never
     * contains the text: it may be a secret (a webhook URL carries its token) or come from the
     * environment or a file, and a malformed one must not land in a terminal or a log.
     */
    Optional<URI> parseUrl(String text, Location location, String keyPath, boolean showValue) {
        String what = showValue ? "'" + text + "' is not" : "is not";
        String hidden = showValue ? "" : "; the value is not shown: it may hold a secret";
        try {
            URI uri = new URI(text.strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https"))) {
                error(location, keyPath, what + " an http(s) URL (e.g. http://127.0.0.1:7420" + hidden + ")");
                return Optional.empty();
            }
            if (uri.getHost() == null) {
                error(location, keyPath, what + " an http(s) URL (it has no host name" + hidden + ")");
                return Optional.empty();
            }
            return Optional.of(uri);
        } catch (URISyntaxException e) {
            String at = e.getIndex() >= 0 ? " at index " + e.getIndex() : "";
            error(location, keyPath, what + " a valid URL (" + e.getReason() + at + hidden + ")");
            return Optional.empty();
        }
    }

    /** A local path with {@code ~} expanded; relative paths are relative to the config file's folder. */
    Optional<Path> localPath(String key) {
        return pathText(key).map(this::resolveLocal);
    }

    /**
     * The text of a path-valued key. A bare {@code ~} is YAML's null, but under a path key people
     * mean the home directory, as in {@code ~/workspace}: it is read so, never as "not set".
     */
    Optional<String> pathText(String key) {
        Entry entry = entries.get(key);
        if (entry != null
                && entry.value() instanceof ScalarNode scalar
                && isNull(scalar)
                && "~".equals(scalar.text())) {
            return Optional.of("~");
        }
        return string(key);
    }

    private Path resolveLocal(String text) {
        return context.baseDirectory().resolve(context.environment().expandHome(text.strip()));
    }

    /**
     * A secret: written inline, as {@code ${ENV_VAR}}, or as {@code file:/path} (the file's content,
     * trimmed). Reports whether it was written inline so a world-readable file can be warned about.
     * Its value is never put in a message.
     */
    Optional<Secret> secret(String key, List<String> inlineSecretKeys) {
        Optional<String> raw = rawText(key);
        return string(key)
                .flatMap(text -> {
                    if (text.startsWith("file:")) {
                        return readSecretFile(key, text.substring("file:".length()));
                    }
                    if (raw.isPresent() && !ENV_REFERENCE.matcher(raw.get()).find()) {
                        inlineSecretKeys.add(childPath(key));
                    }
                    return Optional.of(text);
                })
                .filter(value -> isPrintable(key, value))
                .map(Secret::new);
    }

    private Optional<String> readSecretFile(String key, String pathText) {
        try {
            return Optional.of(SecretFile.read(resolveLocal(pathText)));
        } catch (SecretFile.Unusable e) {
            error(key, e.getMessage());
            return Optional.empty();
        }
    }

    /** Tokens go into HTTP headers and URLs: a line break or control character would break (and leak) there. */
    private boolean isPrintable(String key, String value) {
        if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            error(key, "contains a line break or control character (the value is not shown)");
            return false;
        }
        return true;
    }

    private Optional<String> rawText(String key) {
        Entry entry = entries.get(key);
        return entry != null && entry.value() instanceof ScalarNode scalar
                ? Optional.ofNullable(scalar.text())
                : Optional.empty();
    }

    /** Expands {@code ${VAR}} and {@code ${VAR:-default}}; an unset variable is a problem. */
    private Optional<String> expand(ScalarNode scalar, String keyPath) {
        String text = scalar.text();
        if (scalar.type() == ScalarType.STRING
                && PLACEHOLDER.matcher(text.strip()).matches()) {
            error(
                    scalar.location(),
                    keyPath,
                    "'" + text + "' is still the example's placeholder (write the real value)");
            return Optional.empty();
        }
        Matcher m = ENV_REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder();
        List<String> unset = new ArrayList<>();
        while (m.find()) {
            String name = m.group(1);
            Optional<String> value = context.environment().variable(name).or(() -> Optional.ofNullable(m.group(2)));
            if (value.isEmpty()) {
                unset.add(name);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value.orElse("")));
        }
        m.appendTail(out);
        if (!unset.isEmpty()) {
            error(
                    scalar.location(),
                    keyPath,
                    "environment variable " + String.join(", ", unset)
                            + (unset.size() == 1 ? " is" : " are") + " not set (export it, or write ${"
                            + unset.getFirst() + ":-default})");
            return Optional.empty();
        }
        String expanded = out.toString();
        if (expanded.length() > MAX_VALUE_CHARS) {
            error(scalar.location(), keyPath, "expands to more than 64 KB (the value is not shown)");
            return Optional.empty();
        }
        if (expanded.isBlank()) {
            error(scalar.location(), keyPath, "is empty (remove the key to use the default)");
            return Optional.empty();
        }
        return Optional.of(expanded);
    }

    private void wrongType(String key, YamlNode value, String expected) {
        error(key, "expected " + expected + ", got " + value.kindName());
    }

    private static boolean isNull(YamlNode node) {
        return node instanceof ScalarNode scalar && scalar.type() == ScalarType.NULL;
    }
}
