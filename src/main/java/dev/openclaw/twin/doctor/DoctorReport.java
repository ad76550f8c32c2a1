package dev.openclaw.twin.doctor;

import java.util.List;

/** Every check's result, in the order the checks were given. */
public record DoctorReport(String twin, List<CheckResult> results) {

    public DoctorReport {
        results = List.copyOf(results);
    }

    public long count(Class<? extends CheckResult> kind) {
        return results.stream().filter(kind::isInstance).count();
    }

    public boolean hasFailures() {
        return count(CheckResult.Failure.class) > 0;
    }

    public boolean hasWarnings() {
        return count(CheckResult.Warning.class) > 0;
    }

    /** {@code ok}, {@code warning} or {@code failure}: the worst result. */
    public String status() {
        return hasFailures() ? "failure" : hasWarnings() ? "warning" : "ok";
    }
}
