package dev.openclaw.twin.doctor;

import java.util.Optional;

/** What one check found: ✓ ok, ⚠ a warning or ✗ a failure; the last two say what fixes them. */
public sealed interface CheckResult {

    /** The check's name, as printed ({@code gateway}, {@code ssh case}). */
    String name();

    /** What was seen, one line. */
    String detail();

    /** The command or setting that fixes it; empty when all is well. */
    Optional<String> fix();

    /** {@code ok}, {@code warning} or {@code failure}: the JSON contract. */
    String status();

    record Ok(String name, String detail) implements CheckResult {
        @Override
        public Optional<String> fix() {
            return Optional.empty();
        }

        @Override
        public String status() {
            return "ok";
        }
    }

    record Warning(String name, String detail, String fixText) implements CheckResult {
        @Override
        public Optional<String> fix() {
            return Optional.of(fixText);
        }

        @Override
        public String status() {
            return "warning";
        }
    }

    record Failure(String name, String detail, String fixText) implements CheckResult {
        @Override
        public Optional<String> fix() {
            return Optional.of(fixText);
        }

        @Override
        public String status() {
            return "failure";
        }
    }

    static CheckResult ok(String name, String detail) {
        return new Ok(name, detail);
    }

    static CheckResult warning(String name, String detail, String fix) {
        return new Warning(name, detail, fix);
    }

    static CheckResult failure(String name, String detail, String fix) {
        return new Failure(name, detail, fix);
    }
}
