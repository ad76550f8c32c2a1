package dev.openclaw.twin.daemon;

import java.util.Locale;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;

/**
 * A JSON parse failure in words a client can act on. Jackson's messages are precise but some name
 * its own classes and settings (an unterminated object mentions {@code
 * StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION}, a nesting limit {@code
 * StreamReadConstraints.getMaxNestingDepth()}): those parts are cut, and where anything of the kind
 * is left the message falls back to the line and column alone.
 */
final class JsonProblem {

    /** ", from `StreamReadConstraints.getMaxNumberLength()`)" in constraint messages. */
    private static final Pattern CONSTRAINT_SOURCE = Pattern.compile(", from `[^`]*`\\)");

    private JsonProblem() {}

    static String describe(JacksonException e) {
        String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        for (String tail : new String[] {" (start marker at", "[Source:", " at [Source"}) {
            int at = message.indexOf(tail);
            if (at >= 0) {
                message = message.substring(0, at);
            }
        }
        message = CONSTRAINT_SOURCE.matcher(message).replaceAll(")").strip();
        String lower = message.toLowerCase(Locale.ROOT);
        if (message.isEmpty()
                || message.contains("`")
                || lower.contains("jackson")
                || lower.contains("exception")
                || lower.contains("java.")) {
            message = "";
        }
        TokenStreamLocation location = e.getLocation();
        String where = location == null || location.getLineNr() < 0
                ? ""
                : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
        return "not valid JSON" + (message.isEmpty() ? "" : ": " + message) + where;
    }
}
