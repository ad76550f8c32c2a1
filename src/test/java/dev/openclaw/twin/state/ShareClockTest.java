package dev.openclaw.twin.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openclaw.twin.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The share's clock from probes, carried on this host's monotonic clock (both injected). */
class ShareClockTest {

    static final Instant SHARE = Instant.parse("2026-03-01T10:00:00Z");
    /** This host's wall clock, far from the share's: it must not leak into ages. */
    private final MutableClock reader = new MutableClock(Instant.parse("2026-03-01T12:34:56Z"));

    private final AtomicLong nanos = new AtomicLong(5_000_000_000L);
    private final Deque<Optional<Instant>> probes = new ArrayDeque<>();
    private int probed;

    private final ShareClock clock = new ShareClock(
            () -> {
                probed++;
                return probes.isEmpty() ? Optional.empty() : probes.poll();
            },
            reader,
            nanos::get);

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
        reader.advance(d);
    }

    @Test
    void oneProbeIsCarriedForwardOnTheMonotonicClockUntilItIsMeasuredAgain() {
        probes.add(Optional.of(SHARE));
        assertThat(clock.now()).isEqualTo(SHARE);
        advance(Duration.ofSeconds(10));
        assertThat(clock.now()).isEqualTo(SHARE.plusSeconds(10));
        assertThat(probed).isEqualTo(1);

        // The file server's clock stepped back a minute meanwhile: followed at the next measurement.
        advance(ShareClock.REMEASURE);
        probes.add(Optional.of(SHARE.plusSeconds(10).plus(ShareClock.REMEASURE).minusSeconds(60)));
        assertThat(clock.now())
                .isEqualTo(SHARE.plusSeconds(10).plus(ShareClock.REMEASURE).minusSeconds(60));
        assertThat(probed).isEqualTo(2);
    }

    @Test
    void aFailedProbeKeepsTheLastReadingAndAShareNeverReadFallsBackToThisHostsClock() {
        assertThat(clock.now()).as("never read: this host's clock").isEqualTo(reader.instant());
        advance(Duration.ofSeconds(1));
        assertThat(clock.now()).isEqualTo(reader.instant());
        assertThat(probed).as("not probed again before REMEASURE").isEqualTo(1);

        advance(ShareClock.REMEASURE);
        probes.add(Optional.of(SHARE));
        assertThat(clock.now()).isEqualTo(SHARE);
        advance(ShareClock.REMEASURE);
        // This probe fails (the share went read-only): the reading is carried on.
        assertThat(clock.now()).isEqualTo(SHARE.plus(ShareClock.REMEASURE));
        assertThat(probed).isEqualTo(3);
    }

    @Test
    void aHostThatSleptMeasuresAgainAtOnce() {
        probes.add(Optional.of(SHARE));
        assertThat(clock.now()).isEqualTo(SHARE);
        // An hour of sleep: the monotonic clock stood still, the wall clock and the share's went on.
        reader.advance(Duration.ofHours(1));
        probes.add(Optional.of(SHARE.plus(Duration.ofHours(1))));
        assertThat(clock.now()).isEqualTo(SHARE.plus(Duration.ofHours(1)));
        assertThat(probed).isEqualTo(2);
        // Small wobble between the two clocks (NTP slewing) is no reason to probe.
        nanos.addAndGet(Duration.ofSeconds(5).toNanos());
        reader.advance(Duration.ofSeconds(6));
        assertThat(clock.now()).isEqualTo(SHARE.plus(Duration.ofHours(1)).plusSeconds(5));
        assertThat(probed).isEqualTo(2);
    }
}
