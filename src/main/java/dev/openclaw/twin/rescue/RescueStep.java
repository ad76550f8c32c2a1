package dev.openclaw.twin.rescue;

import java.time.Duration;

/**
 * One step of a rescue as it happened.
 *
 * @param detail what was found or done, for the person reading the report
 */
public record RescueStep(String name, Outcome outcome, Duration took, String detail) {

    public enum Outcome {
        OK,
        FAILED,
        SKIPPED,
        /** {@code --dry-run}: what would have been done. */
        PLANNED;

        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
