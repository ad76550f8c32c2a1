package dev.openclaw.twin.doctor;

import java.time.Duration;
import java.util.List;

/**
 * Every check's result, in the order the checks were given.
 *
 * @param took how long each check ran, in the same order (the deadline for one that did not end)
 */
public record DoctorReport(String twin, List<CheckResult> results, List<Duration> took) {

    public DoctorReport {
        results = List.copyOf(results);
        took = List.copyOf(took);
        if (took.size() != results.size()) {
            throw new IllegalArgumentException("one duration per result");
        }
    }

    /** A report without timings (a check that never ran). */
    public static DoctorReport untimed(String twin, List<CheckResult> results) {
        return new DoctorReport(
                twin, results, results.stream().map(r -> Duration.ZERO).toList());
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
