package dev.openclaw.twin.state;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Now on a file share's clock, for ages of the stamps it put on files. One probe (a file written
 * and its stamp read back) is carried forward on this host's monotonic clock for {@link
 * #REMEASURE}, so a run of ages costs one write, not one each, and a file server whose clock steps
 * is followed within that. When a probe fails the last reading is carried on; a share whose clock
 * was never read (this host cannot write it) is measured against this host's clock instead, as the
 * previous version did.
 */
final class ShareClock {

    static final Duration REMEASURE = Duration.ofSeconds(30);

    private final Supplier<Optional<Instant>> probe;
    private final Clock readerClock;
    private final LongSupplier nanoTime;

    private Instant measured;
    private long measuredNanos;
    private boolean tried;
    private long triedNanos;

    ShareClock(Supplier<Optional<Instant>> probe, Clock readerClock, LongSupplier nanoTime) {
        this.probe = probe;
        this.readerClock = readerClock;
        this.nanoTime = nanoTime;
    }

    synchronized Instant now() {
        long nowNanos = nanoTime.getAsLong();
        if (!tried || nowNanos - triedNanos >= REMEASURE.toNanos()) {
            tried = true;
            triedNanos = nowNanos;
            Optional<Instant> read = probe.get();
            if (read.isPresent()) {
                measured = read.get();
                measuredNanos = nowNanos;
            }
        }
        if (measured == null) {
            return readerClock.instant();
        }
        return measured.plusNanos(nowNanos - measuredNanos);
    }
}
