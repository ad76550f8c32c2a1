package dev.openclaw.twin.doctor;

import java.time.Duration;
import java.util.Locale;

/** An offset between two clocks in words: {@code 0.3 s ahead of}, {@code 12.0 s behind}. */
final class ClockOffset {

    private ClockOffset() {}

    /** {@code offset}: our clock minus theirs. */
    static String describe(Duration offset) {
        double seconds = Math.abs(offset.toMillis()) / 1000.0;
        if (seconds < 0.05) {
            return "in step with";
        }
        return String.format(Locale.ROOT, "%.1f s %s", seconds, offset.isNegative() ? "behind" : "ahead of");
    }
}
