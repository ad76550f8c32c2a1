package dev.openclaw.twin.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document as a tree that remembers where each value was written, so that every
 * configuration problem can name its file, line and column.
 */
sealed interface YamlNode {

    /** 1-based line and column of a value or key in the source file. */
    record Location(int line, int column) {
        static final Location START = new Location(1, 1);

        @Override
        public String toString() {
            return line + ":" + column;
        }
    }

    Location location();

    /** What a user calls this kind of value in an error message. */
    String kindName();

    record Entry(String key, Location keyLocation, YamlNode value) {}

    record MapNode(Location location, Map<String, Entry> entries) implements YamlNode {
        public MapNode {
            entries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }

        @Override
        public String kindName() {
            return "a mapping";
        }
    }

    record ListNode(Location location, List<YamlNode> items) implements YamlNode {
        public ListNode {
            items = List.copyOf(items);
        }

        @Override
        public String kindName() {
            return "a list";
        }
    }

    /**
     * A scalar. For YAML null ({@code ~}, {@code null}, {@code Null}, {@code NULL} or nothing) the type
     * is {@code NULL} and {@code text} is the word as written, or null.
     */
    record ScalarNode(Location location, String text, ScalarType type) implements YamlNode {
        @Override
        public String kindName() {
            return switch (type) {
                case NULL -> "nothing";
                case BOOLEAN -> "a boolean";
                case NUMBER -> "a number";
                case STRING -> "a string";
            };
        }
    }

    enum ScalarType {
        STRING,
        NUMBER,
        BOOLEAN,
        NULL
    }
}
