package dev.openclaw.twin.connect;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Locale;

/**
 * What {@code twin connect} did (or, with {@code --dry-run}, would do), one step at a time.
 *
 * @param mode {@code connect} or {@code undo}
 * @param changes how many steps changed something (or would)
 */
public record ConnectReport(
        int schemaVersion, String twin, String mode, boolean dryRun, boolean ok, int changes, List<Step> steps) {

    public ConnectReport {
        steps = List.copyOf(steps);
    }

    public enum Status {
        /** Already as it should be: nothing done. */
        OK("✓"),
        /** Changed now. */
        CHANGED("✓"),
        /** Would change (dry run). */
        WOULD("·"),
        /** Works, but something needs a person. */
        WARN("⚠"),
        FAILED("✗");

        private final String symbol;

        Status(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }

        /** As JSON shows it: {@code ok}, {@code changed}, {@code would}, {@code warn}, {@code failed}. */
        @JsonValue
        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param command the {@code openclaw} argument vector run (or to run), empty when none
     * @param input what was written to its stdin, secrets replaced by placeholders
     */
    public record Step(String name, Status status, String detail, List<String> command, String input) {
        public Step {
            command = List.copyOf(command);
        }

        public static Step of(String name, Status status, String detail) {
            return new Step(name, status, detail, List.of(), null);
        }
    }
}
