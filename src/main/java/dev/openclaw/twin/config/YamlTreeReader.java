package dev.openclaw.twin.config;

import dev.openclaw.twin.config.YamlNode.Entry;
import dev.openclaw.twin.config.YamlNode.ListNode;
import dev.openclaw.twin.config.YamlNode.Location;
import dev.openclaw.twin.config.YamlNode.MapNode;
import dev.openclaw.twin.config.YamlNode.ScalarNode;
import dev.openclaw.twin.config.YamlNode.ScalarType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads YAML text into a {@link YamlNode} tree with locations, using Jackson's YAML parser. Reports
 * syntax errors and duplicate keys as {@link ConfigProblem}s instead of throwing.
 */
final class YamlTreeReader {

    private static final YAMLMapper MAPPER = new YAMLMapper();

    /** YAML 1.2's other spellings of null, which this parser hands over as strings when unquoted. */
    private static final Set<String> NULL_WORDS = Set.of("~", "Null", "NULL");

    private final String file;
    private final List<ConfigProblem> problems;
    private List<String> lines = List.of();

    YamlTreeReader(String file, List<ConfigProblem> problems) {
        this.file = file;
        this.problems = problems;
    }

    /** The document's root, or empty when the text is empty or unreadable (a problem is recorded). */
    Optional<YamlNode> read(String text) {
        lines = text.lines().toList();
        try (JsonParser parser = MAPPER.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                problems.add(
                        new ConfigProblem(file, Location.START, "", "the file is empty (expected a 'twins:' mapping)"));
                return Optional.empty();
            }
            YamlNode root = readValue(parser, "");
            if (parser.nextToken() != null) {
                problems.add(
                        problem(parser.currentTokenLocation(), "", "more than one YAML document (only one is read)"));
            }
            return Optional.of(root);
        } catch (JacksonException e) {
            problems.add(syntaxProblem(e));
            return Optional.empty();
        }
    }

    private YamlNode readValue(JsonParser parser, String path) {
        JsonToken token = parser.currentToken();
        Location location = locationOf(parser.currentTokenLocation());
        return switch (token) {
            case START_OBJECT -> readMap(parser, path, location);
            case START_ARRAY -> readList(parser, path, location);
            case VALUE_NULL -> new ScalarNode(location, null, ScalarType.NULL);
            case VALUE_TRUE, VALUE_FALSE -> new ScalarNode(location, parser.getString(), ScalarType.BOOLEAN);
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT ->
                new ScalarNode(location, parser.getString(), ScalarType.NUMBER);
            case VALUE_STRING ->
                NULL_WORDS.contains(parser.getString()) && !isQuoted(location)
                        ? new ScalarNode(location, parser.getString(), ScalarType.NULL)
                        : new ScalarNode(location, parser.getString(), ScalarType.STRING);
            default -> {
                problems.add(new ConfigProblem(file, location, path, "unsupported YAML value (" + token + ")"));
                yield new ScalarNode(location, null, ScalarType.NULL);
            }
        };
    }

    private MapNode readMap(JsonParser parser, String path, Location location) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String key = parser.currentName();
            Location keyLocation = locationOf(parser.currentTokenLocation());
            String childPath = path.isEmpty() ? key : path + "." + key;
            parser.nextToken();
            YamlNode value = readValue(parser, childPath);
            Entry previous = entries.get(key);
            if (previous != null) {
                problems.add(new ConfigProblem(
                        file,
                        keyLocation,
                        childPath,
                        "duplicate key (first written at line "
                                + previous.keyLocation().line() + ")"));
            } else {
                entries.put(key, new Entry(key, keyLocation, value));
            }
        }
        return new MapNode(location, entries);
    }

    private ListNode readList(JsonParser parser, String path, Location location) {
        List<YamlNode> items = new ArrayList<>();
        int index = 0;
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            items.add(readValue(parser, path + "[" + index++ + "]"));
        }
        return new ListNode(location, items);
    }

    /** Whether the scalar at {@code location} is written in quotes ({@code "~"} is the string {@code ~}). */
    private boolean isQuoted(Location location) {
        if (location.line() > lines.size()) {
            return false;
        }
        String line = lines.get(location.line() - 1);
        // The parser counts columns in code points.
        int column = location.column() - 1;
        if (column >= line.codePointCount(0, line.length())) {
            return false;
        }
        char first = line.charAt(line.offsetByCodePoints(0, column));
        return first == '"' || first == '\'';
    }

    private ConfigProblem syntaxProblem(JacksonException e) {
        TokenStreamLocation where = e.getLocation();
        String message = summary(e.getOriginalMessage());
        return new ConfigProblem(
                file, where == null ? Location.START : locationOf(where), "", "YAML syntax error: " + message);
    }

    private ConfigProblem problem(TokenStreamLocation where, String path, String message) {
        return new ConfigProblem(file, locationOf(where), path, message);
    }

    private static Location locationOf(TokenStreamLocation where) {
        return new Location(Math.max(1, where.getLineNr()), Math.max(1, where.getColumnNr()));
    }

    /**
     * The parser's message without its indented excerpts: "while parsing a flow mapping; expected ','
     * or '}', but got <stream end>".
     */
    private static String summary(String message) {
        if (message == null || message.isBlank()) {
            return "unreadable";
        }
        List<String> parts = message.lines()
                .filter(line -> !line.isBlank() && !Character.isWhitespace(line.charAt(0)))
                .map(String::strip)
                .toList();
        return parts.isEmpty() ? message.strip() : String.join("; ", parts);
    }
}
