package dev.openclaw.twin.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.health.FlockSnapshot;
import dev.openclaw.twin.health.GatewayEvidence;
import dev.openclaw.twin.health.Liveness;
import dev.openclaw.twin.health.LivenessTracker;
import dev.openclaw.twin.protocol.PeerAgreement;
import dev.openclaw.twin.state.FileStateStore;
import dev.openclaw.twin.testing.MutableClock;
import dev.openclaw.twin.testing.TestConfigs;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The views decisions take of the flock, from one heartbeat's findings, on a real state directory. */
class FlockViewsTest {

    @TempDir
    Path state;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private TwinsConfig config;
    private FileStateStore store;
    private LivenessTracker tracker;
    private PeerAgreement agreement;
    private GatewayEvidence evidence;
    private FlockViews views;

    @BeforeEach
    void wire() {
        config = TestConfigs.parse("""
                twins:
                  tars: {hostname: 10.0.0.1}
                  case: {hostname: 10.0.0.2}
                shared_storage: {type: local, path: %s}
                """.formatted(state));
        store = new FileStateStore(state, "twin-primary.json");
        tracker = new LivenessTracker(nanos::get, Liveness.of(config));
        agreement = new PeerAgreement(nanos::get, Liveness.direct(config).onlineWithin());
        evidence = new GatewayEvidence("tars", URI.create("http://127.0.0.1:1"), nanos::get);
        views = new FlockViews("tars", config, store, clock, nanos::get, tracker, agreement, evidence);
    }

    /** What a heartbeat finds now, as {@link HeartbeatPublisher#beat} hands it over. */
    private void beat(boolean reachedStore) {
        FlockSnapshot snapshot = FlockSnapshot.read(store, config.twinNames());
        views.seen(new FlockViews.Beat(snapshot, snapshot.view(config, clock.instant(), tracker), reachedStore));
    }

    @Test
    void beforeTheFirstHeartbeatTheStoreCountsAsNotReachedAndTheViewIsReadFromIt() {
        assertThat(views.lastSnapshot()).isEmpty();
        assertThat(views.reachesStore()).isFalse();
        assertThat(views.publishedView().roles().order()).containsExactlyInAnyOrder("tars", "case");

        beat(true);

        assertThat(views.lastSnapshot()).isPresent();
        assertThat(views.reachesStore()).isTrue();
        beat(false);
        assertThat(views.reachesStore()).as("the beat could not write or read").isFalse();
    }

    @Test
    void aPeerWithoutTheStoreIsDownForDecisionsOnlyWhileThisTwinReachesIt() {
        tracker.observeDirectProbe("tars", true);
        tracker.observeDirectProbe("case", true);
        beat(true);
        agreement.answered("case", Optional.of(false), Optional.of("case"));

        assertThat(views.publishedView().isOnline("case")).isTrue();
        assertThat(views.view().isOnline("case"))
                .as("it cannot claim: this twin takes its role")
                .isFalse();

        beat(false);
        assertThat(views.view().isOnline("case"))
                .as("neither reaches the store")
                .isTrue();
    }

    @Test
    void thisTwinIsUpForItselfWhileItsPluginCallsThoughNotInWhatPeersCompare() {
        beat(true);
        assertThat(views.livenessView().isOnline("tars")).isFalse();

        evidence.pluginCalled();

        assertThat(views.livenessView().isOnline("tars")).isTrue();
        assertThat(views.view().isOnline("tars")).isTrue();
        assertThat(views.publishedView().isOnline("tars")).isFalse();
    }

    @Test
    void aViewOlderThanTheRefreshIsJudgedAgainFromTheSameHeartbeatsWhileTheyKeepComing() {
        tracker.observeDirectProbe("case", true);
        Duration onlineWithin = Liveness.direct(config).onlineWithin();
        advance(onlineWithin.minusMillis(50));
        beat(true);
        assertThat(views.publishedView().isOnline("case")).isTrue();

        advance(Duration.ofMillis(150)); // past the refresh, well within this twin's next beat
        assertThat(views.publishedView().isOnline("case"))
                .as("its last sign of life is too old now, though no heartbeat was read since")
                .isFalse();

        // This twin's own heartbeats stall (a hung write): its last view stands, whatever time says.
        advance(Duration.ofMinutes(10));
        tracker.observeDirectProbe("case", true);
        assertThat(views.publishedView().isOnline("case"))
                .as("no heartbeat of its own for two intervals: not judged again")
                .isFalse();
    }

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
        clock.advance(d);
    }
}
