package dev.openclaw.twin.doctor;

import java.time.Duration;
import java.util.Locale;

/** An offset between two clocks in words: {@code 0.3 s ahead of}, {@code 12.0 s behind}. */
final class ClockOffset {

    private ClockOffset() {}

    /** {@code 1.2 s}. */
    static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", Math.abs(duration.toMillis()) / 1000.0);
    }

    /** {@code offset}: our clock minus theirs. */
    static String describe(Duration offset) {
        if (Math.abs(offset.toMillis()) < 50) {
            return "in step with";
        }
        return seconds(offset) + " " + (offset.isNegative() ? "behind" : "ahead of");
    }
}
