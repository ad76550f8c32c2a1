package dev.openclaw.twin.daemon;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the daemon's periodic tasks alive and notices when one stops making progress. A scheduled
 * task that throws is never run again, so every task runs through {@link #supervise}: whatever it
 * throws (an {@link OutOfMemoryError} from a huge peer file included) is counted, logged once per
 * run of failures, and the next run goes ahead. A {@linkplain #watch watched} task that has not
 * completed for {@link #stallAfter} of its intervals, on the monotonic clock, is a problem
 * ({@code /healthz} answers 503 with it, {@code twin status} shows it).
 */
final class TaskSupervisor {

    private static final Logger LOG = LoggerFactory.getLogger(TaskSupervisor.class);
    /** A watched loop is stalled after this many intervals without completing, and never sooner than {@link #MIN_STALL}. */
    static final int STALL_INTERVALS = 3;
    /** Short loops (the 100 ms takeover tick) may pause this long (a GC, a loaded machine) before it counts. */
    static final Duration MIN_STALL = Duration.ofSeconds(5);

    private final LongSupplier nanoTime;
    private final Consumer<String> countError;
    private final Map<String, TaskState> tasks = new ConcurrentHashMap<>();

    /** What one task has done lately; its fields are written by the task's own runs. */
    private static final class TaskState {
        volatile long lastCompletedNanos;
        volatile long failingSinceNanos = -1;
        volatile int failures;
        volatile long stallNanos = -1;

        TaskState(long now) {
            this.lastCompletedNanos = now;
        }
    }

    /** @param countError called with the task's name for each failure (a metric) */
    TaskSupervisor(LongSupplier nanoTime, Consumer<String> countError) {
        this.nanoTime = nanoTime;
        this.countError = countError;
    }

    /** Reports {@code task} stalled once it has not completed for {@link #stallAfter}{@code (interval)}. */
    void watch(String task, Duration interval) {
        state(task).stallNanos = stallAfter(interval).toNanos();
    }

    static Duration stallAfter(Duration interval) {
        Duration intervals = interval.multipliedBy(STALL_INTERVALS);
        return intervals.compareTo(MIN_STALL) < 0 ? MIN_STALL : intervals;
    }

    /** {@code body} as a task that never throws. */
    Runnable supervise(String task, Runnable body) {
        TaskState state = state(task);
        return () -> {
            try {
                body.run();
            } catch (Throwable t) {
                failed(task, state, t);
                return;
            }
            long now = nanoTime.getAsLong();
            state.lastCompletedNanos = now;
            if (state.failingSinceNanos >= 0) {
                LOG.info("{} task works again after {} failed runs", task, state.failures);
                state.failingSinceNanos = -1;
                state.failures = 0;
            }
        };
    }

    private void failed(String task, TaskState state, Throwable t) {
        try {
            countError.accept(task);
            state.failures++;
            if (state.failingSinceNanos < 0) {
                state.failingSinceNanos = nanoTime.getAsLong();
                // Once per run of failures: a task that fails on every beat must not flood the log.
                LOG.error("{} task failed (it runs again; logged once until it works again)", task, t);
            }
        } catch (Throwable ignored) {
            // Out of memory even for the log line: the count and the watchdog still tell.
        }
    }

    private TaskState state(String task) {
        return tasks.computeIfAbsent(task, t -> new TaskState(nanoTime.getAsLong()));
    }

    /** One line per watched task that has not completed in time, e.g. "heartbeat loop stalled for 12 s". */
    List<String> problems() {
        long now = nanoTime.getAsLong();
        List<String> problems = new ArrayList<>();
        tasks.forEach((task, state) -> {
            long since = now - state.lastCompletedNanos;
            if (state.stallNanos >= 0 && since > state.stallNanos) {
                String how = state.failingSinceNanos >= 0 ? "failing" : "stalled";
                problems.add(task + " loop " + how + " for "
                        + Duration.ofNanos(since).toSeconds() + " s");
            }
        });
        problems.sort(null);
        return problems;
    }
}
