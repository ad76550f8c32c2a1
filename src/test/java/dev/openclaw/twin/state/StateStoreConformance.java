package dev.openclaw.twin.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openclaw.twin.coordination.Overrides;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What every {@link StateStore} backend must do; each backend's test extends this. */
abstract class StateStoreConformance {

    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    /** A fresh, empty, reachable store. */
    abstract StateStore store();

    /** Makes {@code twin}'s heartbeat unreadable garbage, as a crash or a bad hand edit would. */
    abstract void corruptHeartbeat(StateStore store, String twin) throws Exception;

    static Heartbeat heartbeat(String twin, long seq) {
        return new Heartbeat(twin, seq, 42, "host", "1.0", T0, T0.plusSeconds(seq), Heartbeat.RUNNING, null);
    }

    @Test
    void anEmptyStoreHasNothingAndSaysSo() throws Exception {
        StateStore store = store();
        assertThat(store.readHeartbeats()).isEmpty();
        assertThat(store.readPrimaryState()).isInstanceOf(StoreRead.Absent.class);
        assertThat(store.readOverrides()).isInstanceOf(StoreRead.Absent.class);
    }

    @Test
    void heartbeatsRoundTripAndTheLatestWins() throws Exception {
        StateStore store = store();
        store.writeHeartbeat(heartbeat("tars", 1));
        store.writeHeartbeat(heartbeat("case", 7));
        store.writeHeartbeat(heartbeat("tars", 2));
        Map<String, StoreRead<Heartbeat>> read = store.readHeartbeats();
        assertThat(read.keySet()).containsExactly("case", "tars");
        assertThat(read.get("tars").present()).contains(heartbeat("tars", 2));
        assertThat(read.get("case").present().orElseThrow().seq()).isEqualTo(7);
    }

    @Test
    void aCorruptHeartbeatIsReportedBesideTheGoodOnes() throws Exception {
        StateStore store = store();
        store.writeHeartbeat(heartbeat("tars", 1));
        store.writeHeartbeat(heartbeat("case", 1));
        corruptHeartbeat(store, "case");
        Map<String, StoreRead<Heartbeat>> read = store.readHeartbeats();
        assertThat(read.get("tars")).isInstanceOf(StoreRead.Present.class);
        assertThat(read.get("case")).isInstanceOf(StoreRead.Corrupt.class);
    }

    @Test
    void primaryStateAndOverridesRoundTrip() throws Exception {
        StateStore store = store();
        PrimaryState state = new PrimaryState(
                "2026-03-01", "tars", "case", false, T0, List.of("tars", "case"), "UTC", "odd-even", null, 1);
        store.writePrimaryState(state);
        assertThat(store.readPrimaryState().present()).contains(state);

        Overrides only = new Overrides(
                false,
                Optional.of("case"),
                Optional.empty(),
                Optional.of(T0.plusSeconds(3600)),
                Optional.of("mark"),
                Optional.of(T0));
        store.writeOverrides(only);
        assertThat(store.readOverrides().present()).contains(only);
    }

    @Test
    void eventsAreAppended() throws Exception {
        StateStore store = store();
        store.appendEvent("tars", T0, "peer-state", Map.of("peer", "case", "state", "offline"));
        store.appendEvent("tars", T0.plusSeconds(1), "peer-state", Map.of("peer", "case", "state", "online"));
        // Appending must not disturb anything else in the store.
        assertThat(store.readHeartbeats()).isEmpty();
    }
}
