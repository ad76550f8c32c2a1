package dev.openclaw.twin.daemon;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task every {@code period}, and at once when {@link #wake woken}: the takeover watcher's
 * loop, which a store that can watch its keys wakes on a change ({@code StateStore.onChange}) and
 * which still ticks on its own when nothing wakes it (a file store never does). Wakes that arrive
 * while the task runs make one more run, not one each. Runs on the thread that calls {@link #run}
 * until {@link #stop} or an interrupt.
 */
final class WakeableLoop implements Runnable {

    private final Duration period;
    private final Runnable task;
    private final Semaphore wakeups = new Semaphore(0);
    private volatile boolean stopped;

    WakeableLoop(Duration period, Runnable task) {
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("period must be positive: " + period);
        }
        this.period = period;
        this.task = task;
    }

    /** Runs the task as soon as the loop's thread is free (it may be running it now: then once more). */
    void wake() {
        if (wakeups.availablePermits() == 0) {
            wakeups.release(); // a racing second release only adds a permit the next wait drains
        }
    }

    /** Ends the loop after the run in progress, if any; the thread returns from {@link #run}. */
    void stop() {
        stopped = true;
        wakeups.release();
    }

    @Override
    public void run() {
        while (!stopped) {
            try {
                wakeups.tryAcquire(period.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            wakeups.drainPermits();
            if (stopped) {
                return;
            }
            task.run();
        }
    }
}
