package dev.openclaw.twin.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openclaw.twin.state.Heartbeat;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The tracker on a hand-driven monotonic clock: online within 3 s, offline after 20 s. */
class LivenessTrackerTest {

    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final LivenessTracker tracker =
            new LivenessTracker(nanos::get, new Liveness(Duration.ofSeconds(3), Duration.ofSeconds(20)));

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    private static Heartbeat beat(long seq, String state) {
        return new Heartbeat("case", seq, 42, "case-host", "1.0", T0, T0.plusSeconds(seq), state, null);
    }

    @Test
    void aChangingSeqIsOnlineAFrozenOneGoesStaleThenOffline() {
        tracker.observe(beat(1, Heartbeat.RUNNING));
        assertThat(tracker.stateOf("case")).as("an old file proves nothing").isEqualTo(TwinState.STALE);
        advance(Duration.ofSeconds(1));
        tracker.observe(beat(2, Heartbeat.RUNNING));
        assertThat(tracker.stateOf("case")).isEqualTo(TwinState.ONLINE);
        advance(Duration.ofSeconds(4));
        tracker.observe(beat(2, Heartbeat.RUNNING));
        assertThat(tracker.stateOf("case")).isEqualTo(TwinState.STALE);
        advance(Duration.ofSeconds(17));
        assertThat(tracker.stateOf("case")).isEqualTo(TwinState.OFFLINE);
        assertThat(tracker.sinceLastChange("case")).contains(Duration.ofSeconds(21));
    }

    @Test
    void aDirectAnswerKeepsAPeerOnlineWhileTheStoreShowsAnOldHeartbeat() {
        tracker.observe(beat(1, Heartbeat.RUNNING));
        advance(Duration.ofSeconds(30));
        assertThat(tracker.stateOf("case")).isEqualTo(TwinState.OFFLINE);

        tracker.observeDirectProbe("case", true);
        assertThat(tracker.stateOf("case")).isEqualTo(TwinState.ONLINE);
        assertThat(tracker.sinceLastChange("case")).contains(Duration.ZERO);

        advance(Duration.ofSeconds(2));
        tracker.observeDirectProbe("case", false);
        assertThat(tracker.stateOf("case")).as("within 3 s of the last answer").isEqualTo(TwinState.ONLINE);
        advance(Duration.ofSeconds(2));
        assertThat(tracker.stateOf("case"))
                .as("no answer for 4 s: back to the store's view")
                .isEqualTo(TwinState.OFFLINE);
    }

    @Test
    void aDirectAnswerVouchesForATwinTheStoreHasNeverShown() {
        assertThat(tracker.stateOf("case")).isEqualTo(TwinState.NEVER_SEEN);
        tracker.observeDirectProbe("case", false);
        assertThat(tracker.stateOf("case")).isEqualTo(TwinState.NEVER_SEEN);
        tracker.observeDirectProbe("case", true);
        assertThat(tracker.stateOf("case")).isEqualTo(TwinState.ONLINE);
    }

    @Test
    void aStoppedHeartbeatIsStoppedAtOnce() {
        tracker.observe(beat(1, Heartbeat.RUNNING));
        advance(Duration.ofSeconds(1));
        tracker.observe(beat(2, Heartbeat.RUNNING));
        tracker.observe(beat(3, Heartbeat.STOPPED));
        assertThat(tracker.stateOf("case")).isEqualTo(TwinState.STOPPED);
    }

    /** Heartbeat every 300 ms: refused probes mean a run is gone once its heartbeat missed two beats. */
    private final LivenessTracker refusing = new LivenessTracker(
            nanos::get, new Liveness(Duration.ofMillis(1600), Duration.ofSeconds(2)), Duration.ofMillis(600));

    private static Heartbeat runBeat(long seq, String incarnation) {
        return new Heartbeat(
                "case", seq, 42, "case-host", "1.0", T0, T0.plusSeconds(seq), Heartbeat.RUNNING, null, incarnation);
    }

    @Test
    void aRunWhoseAddressRefusesAndWhoseHeartbeatIsStillIsGone() {
        refusing.observe(runBeat(1, "run-1"));
        advance(Duration.ofMillis(300));
        refusing.observe(runBeat(2, "run-1"));
        // Killed: nothing listens on its port any more, no heartbeat comes.
        advance(Duration.ofMillis(300));
        refusing.observeDirectProbe("case", false);
        refusing.observeRefused("case");
        assertThat(refusing.restartedSince("case", "run-1", T0))
                .as("one refusal")
                .isFalse();
        advance(Duration.ofMillis(300));
        refusing.observeDirectProbe("case", false);
        refusing.observeRefused("case");
        assertThat(refusing.restartedSince("case", "run-1", T0))
                .as("refused twice and the heartbeat still for 600 ms")
                .isTrue();
        assertThat(refusing.stateOf("case")).as("liveness itself is unchanged").isEqualTo(TwinState.ONLINE);
    }

    @Test
    void aRunThatKeepsHeartbeatingIsNotGoneWhateverItsAddressSays() {
        // A wrong daemon_url: the peer is alive, its heartbeat changes, its probes are refused.
        refusing.observe(runBeat(1, "run-1"));
        for (int seq = 2; seq < 10; seq++) {
            advance(Duration.ofMillis(300));
            refusing.observe(runBeat(seq, "run-1"));
            refusing.observeRefused("case");
            assertThat(refusing.restartedSince("case", "run-1", T0)).isFalse();
        }
    }

    @Test
    void anAnswerEndsTheRefusalsAndANewRunIsNotJudgedByTheOldOnes() {
        refusing.observe(runBeat(1, "run-1"));
        advance(Duration.ofMillis(300));
        refusing.observe(runBeat(2, "run-1"));
        advance(Duration.ofMillis(700));
        refusing.observeRefused("case");
        refusing.observeRefused("case");
        assertThat(refusing.restartedSince("case", "run-1", T0)).isTrue();
        // The new run listens (and answers) before its first heartbeat is read.
        refusing.observeDirectProbe("case", true);
        assertThat(refusing.restartedSince("case", "run-1", T0))
                .as("a daemon answers at that address now: not known to be gone")
                .isFalse();
        refusing.observe(runBeat(1, "run-2"));
        assertThat(refusing.restartedSince("case", "run-1", T0)).as("restarted").isTrue();
        assertThat(refusing.restartedSince("case", "run-2", T0)).isFalse();
        advance(Duration.ofMillis(700));
        refusing.observeRefused("case");
        assertThat(refusing.restartedSince("case", "run-2", T0))
                .as("one refusal")
                .isFalse();
    }

    @Test
    void withoutASilenceGivenRefusalsMeanNothing() {
        tracker.observe(runBeat(1, "run-1"));
        advance(Duration.ofSeconds(5));
        tracker.observeRefused("case");
        tracker.observeRefused("case");
        tracker.observeRefused("case");
        assertThat(tracker.restartedSince("case", "run-1", T0)).isFalse();
    }
}
