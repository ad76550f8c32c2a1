package dev.openclaw.twin.notify;

import java.time.Instant;
import java.util.Locale;

/**
 * One thing a person should hear about, or hear is over.
 *
 * @param key what the alert is about, the same for its firing and its resolution ({@code
 *     twin-offline:case}); alerts are deduplicated and rate-limited by it
 * @param twin the twin that noticed (and sends) it
 */
public record Alert(String key, State state, Severity severity, String title, String text, String twin, Instant at) {

    public enum State {
        FIRING,
        RESOLVED;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum Severity {
        INFO,
        WARNING,
        CRITICAL;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The one line a chat message starts with: what and how bad, marked resolved when it is over. */
    public String headline() {
        String mark = state == State.RESOLVED
                ? "✅ resolved"
                : switch (severity) {
                    case CRITICAL -> "🚨";
                    case WARNING -> "⚠️";
                    case INFO -> "ℹ️";
                };
        return mark + " " + title;
    }

    /** Headline, text and who sent it: the body of every plain-text notification. */
    public String message() {
        return headline() + (text.isBlank() ? "" : "\n" + text) + "\n— openclaw-twin on " + twin + ", " + at;
    }
}
