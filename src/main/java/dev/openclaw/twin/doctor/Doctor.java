package dev.openclaw.twin.doctor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * Runs every check at once, each on its own virtual thread, and waits for all of them until one
 * shared deadline: the slowest check, not the sum, sets how long {@code twin doctor} takes. A check
 * still running at the deadline is reported as a failure and left to be interrupted.
 */
public final class Doctor {

    private final Duration timeout;
    private final LongSupplier nanoTime;

    public Doctor(Duration timeout, LongSupplier nanoTime) {
        this.timeout = timeout;
        this.nanoTime = nanoTime;
    }

    public DoctorReport examine(String twin, List<Check> checks) {
        ExecutorService executor = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("twin-doctor-", 0).factory());
        try {
            long started = nanoTime.getAsLong();
            AtomicLongArray ended = new AtomicLongArray(checks.size());
            List<Future<CheckResult>> futures = new ArrayList<>();
            for (int i = 0; i < checks.size(); i++) {
                Check check = checks.get(i);
                int index = i;
                futures.add(executor.submit(() -> {
                    try {
                        return check.run();
                    } finally {
                        ended.set(index, nanoTime.getAsLong());
                    }
                }));
            }
            long deadline = started + timeout.toNanos();
            List<CheckResult> results = new ArrayList<>();
            List<Duration> took = new ArrayList<>();
            for (int i = 0; i < checks.size(); i++) {
                results.add(await(checks.get(i), futures.get(i), deadline));
                long end = ended.get(i);
                took.add(Duration.ofNanos((end == 0 ? deadline : end) - started));
            }
            return new DoctorReport(twin, results, took);
        } finally {
            executor.shutdownNow(); // never close(): it would wait for a check that hangs
        }
    }

    private CheckResult await(Check check, Future<CheckResult> future, long deadline) {
        try {
            long left = Math.max(0, deadline - nanoTime.getAsLong());
            return future.get(left, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            return CheckResult.failure(
                    check.name(),
                    "no answer within " + timeout.toSeconds() + " s",
                    "run 'twin doctor' again; if it stays slow, what this check asks is hanging");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            return CheckResult.failure(check.name(), "could not check: " + message, "see the message");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CheckResult.failure(check.name(), "interrupted", "run 'twin doctor' again");
        }
    }
}
