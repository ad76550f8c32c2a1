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
 * is followed within that. A host that slept (its monotonic clock stood still while its wall clock
 * went on) or whose wall clock stepped measures again at once. When a probe fails the last reading is carried on; a share whose clock
 * was never read (this host cannot write it) is measured against this host's clock instead, as the
 * previous version did.
 */
final class ShareClock {

    static final Duration REMEASURE = Duration.ofSeconds(30);
    /** The wall clock and the monotonic one parting by this much since a probe: measure again. */
    static final Duration PARTED = Duration.ofSeconds(2);

    private final Supplier<Optional<Instant>> probe;
    private final Clock readerClock;
    private final LongSupplier nanoTime;

    private Instant measured;
    private long measuredNanos;
    private boolean tried;
    private long triedNanos;
    private Instant triedWall;

    ShareClock(Supplier<Optional<Instant>> probe, Clock readerClock, LongSupplier nanoTime) {
        this.probe = probe;
        this.readerClock = readerClock;
        this.nanoTime = nanoTime;
    }

    synchronized Instant now() {
        long nowNanos = nanoTime.getAsLong();
        Instant wall = readerClock.instant();
        if (!tried || nowNanos - triedNanos >= REMEASURE.toNanos() || parted(wall, nowNanos)) {
            tried = true;
            triedNanos = nowNanos;
            triedWall = wall;
            Optional<Instant> read = probe.get();
            if (read.isPresent()) {
                measured = read.get();
                measuredNanos = nowNanos;
            }
        }
        if (measured == null) {
            return wall;
        }
        return measured.plusNanos(nowNanos - measuredNanos);
    }

    /** Whether this host's two clocks disagree on the time since the last probe (a sleep, a step). */
    private boolean parted(Instant wall, long nowNanos) {
        Duration byWall = Duration.between(triedWall, wall);
        Duration byMonotonic = Duration.ofNanos(nowNanos - triedNanos);
        return byWall.minus(byMonotonic).abs().compareTo(PARTED) > 0;
    }
}
