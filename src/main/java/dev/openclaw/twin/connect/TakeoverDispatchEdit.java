package dev.openclaw.twin.connect;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * A minimal edit of {@code coordination.takeover_dispatch.hooks_token} in a twins.yaml text: only
 * that line changes (or one line is added), so comments, order and layout stay as the person wrote
 * them. Handles the block form {@code twin init} writes (its commented {@code # hooks_token:} line
 * becomes the real one), a one-line flow mapping, a missing key and a missing section; anything
 * else is left for a person to edit.
 */
public final class TakeoverDispatchEdit {

    private static final Pattern COORDINATION = Pattern.compile("^coordination\\s*:(.*)$");
    private static final Pattern DISPATCH = Pattern.compile("^(\\s+)takeover_dispatch\\s*:(.*)$");
    private static final Pattern TOKEN = Pattern.compile("^(\\s+)hooks_token\\s*:(.*)$");
    private static final Pattern COMMENTED_TOKEN = Pattern.compile("^(\\s*)#\\s*hooks_token\\s*:.*$");
    private static final Pattern KEY = Pattern.compile("^(\\s*)([A-Za-z_][\\w-]*)\\s*:(.*)$");
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final JsonMapper JSON = new JsonMapper();

    /** Where the dispatch stands in the text. */
    public record Current(String type, Optional<String> hooksToken) {}

    private final List<String> lines;
    private final boolean trailingNewline;
    private String replacedLine;

    public TakeoverDispatchEdit(String yaml) {
        this.trailingNewline = yaml.endsWith("\n");
        this.lines = new ArrayList<>(
                Arrays.asList((trailingNewline ? yaml.substring(0, yaml.length() - 1) : yaml).split("\n", -1)));
    }

    /** The dispatch type and the hooks_token as written (before ${ENV} or file: is resolved). */
    public Current current() {
        int coordination = coordinationLine();
        if (coordination < 0) {
            return new Current("openclaw", Optional.empty());
        }
        int dispatch = dispatchLine(coordination);
        if (dispatch < 0) {
            return new Current("openclaw", Optional.empty());
        }
        String rest = valueText(lines.get(dispatch), DISPATCH);
        if (rest.startsWith("{")) {
            Map<String, Object> flow = flow(rest);
            return new Current(
                    String.valueOf(flow.getOrDefault("type", "openclaw")),
                    Optional.ofNullable(flow.get("hooks_token")).map(String::valueOf));
        }
        String type = "openclaw";
        Optional<String> token = Optional.empty();
        for (int i : children(dispatch)) {
            Matcher key = KEY.matcher(lines.get(i));
            if (key.matches() && key.group(2).equals("type")) {
                type = scalar(key.group(3));
            } else if (key.matches() && key.group(2).equals("hooks_token")) {
                token = Optional.of(scalar(key.group(3)));
            }
        }
        return new Current(type, token);
    }

    /**
     * The text with {@code hooks_token} set to {@code value} (a YAML double-quoted scalar is
     * written), or removed when {@code value} is empty.
     */
    public String withHooksToken(Optional<String> value) {
        int coordination = coordinationLine();
        if (coordination < 0) {
            if (value.isPresent()) {
                if (!lines.isEmpty() && !lines.getLast().isBlank()) {
                    lines.add("");
                }
                lines.add("coordination:");
                lines.add("  takeover_dispatch: {type: openclaw, hooks_token: " + quoted(value.get()) + "}");
            }
            return text();
        }
        int dispatch = dispatchLine(coordination);
        if (dispatch < 0) {
            if (value.isPresent()) {
                lines.add(
                        coordination + 1,
                        " ".repeat(childIndent(coordination)) + "takeover_dispatch: {type: openclaw, hooks_token: "
                                + quoted(value.get()) + "}");
            }
            return text();
        }
        String line = lines.get(dispatch);
        String rest = valueText(line, DISPATCH);
        if (rest.startsWith("{")) {
            Map<String, Object> flow = flow(rest);
            flow.remove("hooks_token");
            value.ifPresent(v -> flow.put("hooks_token", v));
            int open = line.indexOf('{');
            int close = flowEnd(line, open);
            lines.set(dispatch, line.substring(0, open) + render(flow) + line.substring(close + 1));
            return text();
        }
        List<Integer> children = children(dispatch);
        int indent = indentOf(lines.get(dispatch)) + 2;
        Integer tokenLine = null;
        Integer commented = null;
        Integer typeLine = null;
        for (int i : children) {
            Matcher key = KEY.matcher(lines.get(i));
            if (key.matches()) {
                indent = key.group(1).length();
                if (key.group(2).equals("hooks_token")) {
                    tokenLine = i;
                } else if (key.group(2).equals("type")) {
                    typeLine = i;
                }
            } else if (COMMENTED_TOKEN.matcher(lines.get(i)).matches() && commented == null) {
                commented = i;
            }
        }
        String newLine = value.map(v -> "hooks_token: " + quoted(v)).orElse(null);
        if (tokenLine != null) {
            if (newLine == null) {
                lines.remove((int) tokenLine);
            } else {
                String old = lines.get(tokenLine);
                replacedLine = old;
                lines.set(tokenLine, old.substring(0, indentOf(old)) + newLine + trailingComment(old));
            }
        } else if (newLine != null) {
            if (commented != null) {
                String old = lines.get(commented);
                replacedLine = old;
                lines.set(commented, " ".repeat(indentOf(old)) + newLine);
            } else {
                int at = typeLine != null ? typeLine + 1 : dispatch + 1;
                lines.add(at, " ".repeat(indent) + newLine);
            }
        }
        return text();
    }

    /** The line {@link #withHooksToken} replaced (a commented-out or earlier hooks_token line), if any. */
    public Optional<String> replacedLine() {
        return Optional.ofNullable(replacedLine);
    }

    /**
     * The text with the block-form {@code hooks_token} line holding {@code value} put back to
     * {@code original} (what {@link #replacedLine()} returned when it was set); other layouts are
     * returned unchanged.
     */
    public String withLineRestored(String value, String original) {
        int coordination = coordinationLine();
        int dispatch = coordination < 0 ? -1 : dispatchLine(coordination);
        if (dispatch < 0 || !valueText(lines.get(dispatch), DISPATCH).isEmpty()) {
            return text();
        }
        for (int i : children(dispatch)) {
            Matcher key = KEY.matcher(lines.get(i));
            if (key.matches()
                    && key.group(2).equals("hooks_token")
                    && scalar(key.group(3)).equals(value)) {
                lines.set(i, original);
                break;
            }
        }
        return text();
    }

    /** Whether {@link #withHooksToken} can edit this text (layouts it does not know are refused). */
    public Optional<String> unsupported() {
        int coordination = coordinationLine();
        if (coordination >= 0) {
            String rest = valueText(lines.get(coordination), COORDINATION);
            if (!rest.isEmpty()) {
                return Optional.of("'coordination:' is not a block mapping");
            }
            int dispatch = dispatchLine(coordination);
            if (dispatch >= 0) {
                String value = valueText(lines.get(dispatch), DISPATCH);
                if (value.startsWith("{") && flowEnd(value, 0) < 0) {
                    return Optional.of("takeover_dispatch spans several lines as a flow mapping");
                }
                if (!value.isEmpty() && !value.startsWith("{")) {
                    return Optional.of("takeover_dispatch is not a mapping");
                }
            }
        }
        return Optional.empty();
    }

    private String text() {
        return String.join("\n", lines) + (trailingNewline ? "\n" : "");
    }

    private int coordinationLine() {
        for (int i = 0; i < lines.size(); i++) {
            if (COORDINATION.matcher(lines.get(i)).matches()) {
                return i;
            }
        }
        return -1;
    }

    /** The lines of the block under top-level key line {@code start} (to the next top-level key). */
    private int blockEnd(int start) {
        int end = start + 1;
        while (end < lines.size()) {
            String l = lines.get(end);
            if (!l.isBlank() && !Character.isWhitespace(l.charAt(0)) && !l.startsWith("#")) {
                break;
            }
            end++;
        }
        return end;
    }

    private int childIndent(int coordination) {
        for (int i = coordination + 1; i < blockEnd(coordination); i++) {
            Matcher key = KEY.matcher(lines.get(i));
            if (key.matches() && !lines.get(i).strip().startsWith("#")) {
                return key.group(1).length();
            }
        }
        return 2;
    }

    private int dispatchLine(int coordination) {
        int indent = childIndent(coordination);
        for (int i = coordination + 1; i < blockEnd(coordination); i++) {
            Matcher m = DISPATCH.matcher(lines.get(i));
            if (m.matches() && m.group(1).length() == indent) {
                return i;
            }
        }
        return -1;
    }

    /** Comment, blank and key lines nested under the block-mapping line {@code parent}. */
    private List<Integer> children(int parent) {
        int indent = indentOf(lines.get(parent));
        List<Integer> children = new ArrayList<>();
        for (int i = parent + 1; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.isBlank()) {
                continue;
            }
            if (indentOf(l) <= indent && !l.strip().startsWith("#")) {
                break;
            }
            if (l.strip().startsWith("#") && indentOf(l) <= indent) {
                break;
            }
            children.add(i);
        }
        return children;
    }

    private static int indentOf(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        return i;
    }

    /** The value part of a {@code key: value  # comment} line, without the comment. */
    private static String valueText(String line, Pattern pattern) {
        Matcher m = pattern.matcher(line);
        if (!m.matches()) {
            return "";
        }
        String rest = m.group(m.groupCount());
        return withoutComment(rest).strip();
    }

    private static String withoutComment(String text) {
        boolean single = false;
        boolean dbl = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\'' && !dbl) {
                single = !single;
            } else if (c == '"' && !single && (i == 0 || text.charAt(i - 1) != '\\')) {
                dbl = !dbl;
            } else if (c == '#' && !single && !dbl && (i == 0 || Character.isWhitespace(text.charAt(i - 1)))) {
                return text.substring(0, i);
            }
        }
        return text;
    }

    /** The index of the '}' closing the flow mapping opened at {@code open}, quotes skipped; -1 if none. */
    private static int flowEnd(String text, int open) {
        boolean single = false;
        boolean dbl = false;
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\'' && !dbl) {
                single = !single;
            } else if (c == '"' && !single && text.charAt(i - 1) != '\\') {
                dbl = !dbl;
            } else if (!single && !dbl && c == '{') {
                depth++;
            } else if (!single && !dbl && c == '}' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    private static String trailingComment(String line) {
        String body = withoutComment(line);
        return line.substring(body.stripTrailing().length());
    }

    private static String scalar(String text) {
        String value = withoutComment(text).strip();
        try {
            Object parsed = YAML.readValue("v: " + value, Map.class).get("v");
            return parsed == null ? "" : String.valueOf(parsed);
        } catch (JacksonException e) {
            return value;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> flow(String text) {
        String value = text.substring(0, flowEnd(text, 0) + 1);
        try {
            Map<String, Object> parsed = YAML.readValue("v: " + value, Map.class);
            Object v = parsed.get("v");
            return v instanceof Map<?, ?> map ? new LinkedHashMap<>((Map<String, Object>) map) : new LinkedHashMap<>();
        } catch (JacksonException e) {
            return new LinkedHashMap<>();
        }
    }

    private static String render(Map<String, Object> flow) {
        List<String> parts = new ArrayList<>();
        flow.forEach((k, v) -> parts.add(
                k + ": " + (k.equals("type") && String.valueOf(v).matches("[a-z]+") ? v : quoted(String.valueOf(v)))));
        return "{" + String.join(", ", parts) + "}";
    }

    /** A YAML double-quoted scalar (JSON string syntax is valid YAML). */
    static String quoted(String value) {
        return JSON.writeValueAsString(value);
    }
}
