package dev.openclaw.twin.config;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bounds on a configuration's text, checked before it is parsed: a {@code twins.yaml} is a few KB,
 * and the YAML parser takes tens of seconds over a 10 MB value, so anything far larger is refused at
 * once, naming the line (and the key written on it, never its value).
 */
final class TextLimits {

    static final int MAX_FILE_BYTES = 1024 * 1024;
    static final int MAX_LINE_CHARS = 16 * 1024;

    /** {@code  key:} at the start of a block-mapping line; the key is at most 100 characters. */
    private static final Pattern KEY_LINE = Pattern.compile("^( *)(?:- +)?([A-Za-z0-9_.-]{1,100}) *:(?:\\s|$)");

    private TextLimits() {}

    static ConfigProblem tooLarge(String file, long bytes) {
        return new ConfigProblem(
                file, 1, 1, "", "the file is larger than 1 MB (" + bytes + " bytes); a twins.yaml is a few KB");
    }

    /**
     * The first bound {@code text} breaks, if any: an over-long line (named by its key), else the
     * size. {@code text} may be only the start of a larger file of {@code totalSize}.
     */
    static Optional<ConfigProblem> check(String file, String text, long totalSize) {
        Optional<ConfigProblem> longLine = longLine(file, text);
        if (longLine.isPresent()) {
            return longLine;
        }
        return totalSize > MAX_FILE_BYTES ? Optional.of(tooLarge(file, totalSize)) : Optional.empty();
    }

    private static Optional<ConfigProblem> longLine(String file, String text) {
        // Block-mapping keys seen so far, by indentation, to name the key of an over-long line.
        Deque<Integer> indents = new ArrayDeque<>();
        Deque<String> keys = new ArrayDeque<>();
        int lineNumber = 0;
        int start = 0;
        while (start <= text.length()) {
            int end = lineEnd(text, start);
            lineNumber++;
            Matcher m = KEY_LINE.matcher(text.substring(start, Math.min(end, start + 200)));
            boolean keyed = m.find();
            if (keyed) {
                int indent = m.group(1).length();
                while (!indents.isEmpty() && indents.peek() >= indent) {
                    indents.pop();
                    keys.pop();
                }
                indents.push(indent);
                keys.push(m.group(2));
            }
            if (end - start > MAX_LINE_CHARS) {
                return Optional.of(new ConfigProblem(
                        file,
                        lineNumber,
                        1,
                        keyed ? String.join(".", keys.reversed()) : "",
                        "line " + lineNumber + " is longer than " + MAX_LINE_CHARS
                                + " characters (the value is not shown)"));
            }
            if (end >= text.length()) {
                break;
            }
            start = end + 1;
        }
        return Optional.empty();
    }

    private static int lineEnd(String text, int from) {
        int newline = text.indexOf('\n', from);
        return newline < 0 ? text.length() : newline;
    }
}
