package dev.openclaw.twin.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The checker files each decide round trip by what its daemon was doing meanwhile. */
class DecideRoundTripsTest {

    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;
    /** Every time below is relative to this, far from 0 (0 means "not ended" for a fault). */
    private static final long T0 = 1_000 * S;

    private final History history = new History(line -> {});

    @Test
    void aDecideToAPausedDaemonIsApartAndADecideToItsPeersMeanwhileIsLive() {
        history.started(new History.Start("tars", T0 - 60 * S));
        history.started(new History.Start("case", T0 - 60 * S));
        History.Fault stop = new History.Fault("SIGSTOP", "tars", T0 + 10 * S, 0);
        history.fault(stop);
        history.faultEnded(stop, T0 + 13 * S);
        send(0, T0 + 11 * S);
        decided(0, "tars", T0 + 11 * S, 2_000 * MS); // answered once resumed
        decided(0, "case", T0 + 11 * S, 4 * MS);
        send(1, T0 + 12 * S);
        history.decideFailed(1, new History.FailedDecide("tars", T0 + 12 * S, true));
        decided(1, "case", T0 + 12 * S, 6 * MS);

        DecideRoundTrips trips = DecideRoundTrips.of(history);

        assertThat(trips.paused()).containsExactly(1_000.0, 2_000.0);
        assertThat(trips.pausedTimedOut()).isEqualTo(1);
        assertThat(trips.live()).containsExactly(4.0, 6.0);
        assertThat(trips.liveByTwin()).containsOnlyKeys("case");
        assertThat(trips.starting()).isEmpty();
        assertThat(trips.slowLive()).isEmpty();
    }

    @Test
    void aDaemonsFirstThirtySecondsCountAsLiveAndAreShownApartToo() {
        history.started(new History.Start("tars", T0));
        send(0, T0 + 2 * S);
        decided(0, "tars", T0 + 2 * S, 80 * MS);
        send(1, T0 + 31 * S);
        decided(1, "tars", T0 + 31 * S, 3 * MS);

        DecideRoundTrips trips = DecideRoundTrips.of(history);

        assertThat(trips.live()).containsExactly(3.0, 80.0);
        assertThat(trips.starting()).containsExactly(80.0);
        assertThat(trips.settled()).containsExactly(3.0);
        assertThat(trips.slowLive())
                .singleElement()
                .asString()
                .contains("#0 tars", "80 ms", "2.0 s after its daemon started");
    }

    @Test
    void theStoreOrAnotherTwinFaultyLeavesADaemonLiveAndATimeoutCountsAsTheTimeout() {
        history.started(new History.Start("tars", T0 - 60 * S));
        History.Fault outage = new History.Fault("store unavailable", null, T0, 0);
        history.fault(outage);
        History.Fault mount = new History.Fault("store unavailable to one twin (mount lost)", "tars", T0, 0);
        history.fault(mount);
        History.Fault other = new History.Fault("SIGSTOP", "case", T0, 0);
        history.fault(other);
        send(0, T0 + S);
        history.decideFailed(0, new History.FailedDecide("tars", T0 + S, true));

        DecideRoundTrips trips = DecideRoundTrips.of(history);

        assertThat(trips.live()).containsExactly((double) SimulatedGateways.DECIDE_TIMEOUT.toMillis());
        assertThat(trips.liveTimedOut()).isEqualTo(1);
        assertThat(trips.slowLive())
                .singleElement()
                .asString()
                .contains("timed out", "store unavailable", "SIGSTOP case");
    }

    @Test
    void decidesToADaemonBeingKilledOrNotListeningYetAreCountedNotTimed() {
        History.Fault kill = new History.Fault("SIGKILL (acting primary)", "tars", T0, 0);
        history.fault(kill);
        history.faultEnded(kill, T0 + 3 * S);
        history.started(new History.Start("tars", T0 + 3 * S));
        send(0, T0 + S);
        history.decideFailed(0, new History.FailedDecide("tars", T0 + S, false));
        send(1, T0 + 3 * S + 200 * MS); // the new JVM is not listening yet
        history.decideFailed(1, new History.FailedDecide("tars", T0 + 3 * S + 200 * MS, false));
        History.Fault restart = new History.Fault("restart between claim and confirm", "tars", T0 + 40 * S, 0);
        history.fault(restart);
        send(2, T0 + 40 * S - 5 * MS);
        decided(2, "tars", T0 + 40 * S - 5 * MS, 7 * MS); // answered by the run being killed

        DecideRoundTrips trips = DecideRoundTrips.of(history);

        assertThat(trips.killed()).isEqualTo(2);
        assertThat(trips.refused()).isEqualTo(1);
        assertThat(trips.live()).isEmpty();
        assertThat(trips.paused()).isEmpty();
    }

    @Test
    void theReportTimesARestartMidTurnToTheMessagesAnswer() {
        send(0, T0);
        decided(0, "tars", T0, 3 * MS);
        history.restartedMidTurn(new History.MidTurnRestart(0, "tars", T0 + 10 * MS));
        history.answered(
                0,
                new History.Answer(
                        "case",
                        "takeover",
                        T0 + 10 * MS + Duration.ofMillis(2_400).toNanos()));
        send(1, T0 + S);
        history.restartedMidTurn(new History.MidTurnRestart(1, "tars", T0 + S));

        DemoReport report = DemoReport.check(history, java.util.List.of());

        assertThat(report.midTurnRestartMillis()).containsExactly(2_400.0);
        assertThat(report.midTurnRestartUnanswered()).isEqualTo(1);
        assertThat(report.table()).contains("takeover after a restart mid-turn (n=1) p50 / p99");
    }

    @Test
    void aTakeoverFromAHolderGoneDownCountsFromWhenItWentDown() {
        // In flight when its holder is killed half a second later; taken over 2.7 s after it was sent.
        send(0, T0);
        history.decided(0, new History.Decision("tars", true, "primary", 3 * MS, 1, T0));
        decided(0, "case", T0, 3 * MS);
        History.Fault kill = new History.Fault("SIGKILL (acting primary)", "tars", T0 + 500 * MS, 0);
        history.fault(kill);
        history.faultEnded(kill, T0 + 4 * S);
        history.dispatched(0, new History.Dispatch("case", 2, T0 + 2_700 * MS));
        // Its holder was down (paused) before it was sent: counted from its sending.
        History.Fault pause = new History.Fault("SIGSTOP", "case", T0 + 5 * S, T0 + 8 * S);
        history.fault(pause);
        send(1, T0 + 6 * S);
        history.decided(1, new History.Decision("case", true, "primary", 3 * MS, 1, T0 + 6 * S));
        history.dispatched(1, new History.Dispatch("tars", 2, T0 + 8 * S));

        DemoReport report = DemoReport.check(history, java.util.List.of());

        assertThat(report.revocationMillis()).containsExactly(2_000.0, 2_200.0);
        assertThat(report.revocationFromSentMillis()).containsExactly(2_000.0, 2_700.0);
    }

    private void send(int index, long at) {
        history.sent(new History.Sent(index, "routine", "question " + index, at));
    }

    private void decided(int index, String twin, long askedAt, long latency) {
        history.decided(index, new History.Decision(twin, false, "standby", latency, latency / MS, askedAt));
    }
}
