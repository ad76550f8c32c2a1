package dev.openclaw.twin.config;

import java.time.Duration;

/** Short human forms of durations for messages: {@code 500ms}, {@code 20s}, {@code 5m}, {@code 1h30m}. */
public final class DurationText {

    private DurationText() {}

    public static String format(Duration d) {
        long millis = d.toMillis();
        if (millis < 1000) {
            return millis + "ms";
        }
        if (millis % 1000 != 0) {
            return seconds(d) + "s";
        }
        long s = millis / 1000;
        if (s < 60 || s % 60 != 0) {
            return s + "s";
        }
        long m = s / 60;
        if (m < 60 || m % 60 != 0) {
            return m + "m";
        }
        return (m / 60) + "h";
    }

    static String seconds(Duration d) {
        long millis = d.toMillis();
        return millis % 1000 == 0 ? Long.toString(millis / 1000) : Double.toString(millis / 1000.0);
    }
}
