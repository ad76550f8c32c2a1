package dev.openclaw.twin.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openclaw.twin.coordination.Overrides;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What every {@link StateStore} backend must do; each backend's test extends this, once per way it
 * can make claims atomic (the file store: by hard link and by exclusive create, see {@code
 * FileStateStoreTest.OverHardLinks} and {@code OverExclusiveCreate}).
 */
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

    // ---- claims ----

    static Claim claim(String key, String twin, int generation) {
        return new Claim(key, twin, "primary", T0, generation);
    }

    @Test
    void aClaimIsCreatedOnceAndReadBack() throws Exception {
        StateStore store = store();
        String key = "irc:#flock:human:abc:0";
        assertThat(store.readClaim(key)).isEqualTo(new ClaimState.Unclaimed());
        assertThat(store.createClaim(claim(key, "tars", 1))).isTrue();
        assertThat(store.createClaim(claim(key, "case", 1))).isFalse();
        assertThat(store.readClaim(key)).isEqualTo(new ClaimState.Held(claim(key, "tars", 1)));
        assertThat(store.readClaim("discord:1:2")).isEqualTo(new ClaimState.Unclaimed());
    }

    @Test
    void theFirstEndStandsAndARevokedClaimPassesToTheNextGeneration() throws Exception {
        StateStore store = store();
        String key = "discord:42:1001";
        store.createClaim(claim(key, "tars", 1));
        ClaimEnd revoked = new ClaimEnd(ClaimEnd.REVOKED, "case", T0.plusSeconds(5));
        assertThat(store.endClaim(key, 1, revoked)).isEqualTo(revoked);
        // The paused holder wakes up and tries to confirm: too late.
        assertThat(store.endClaim(key, 1, new ClaimEnd(ClaimEnd.SENT, "tars", T0.plusSeconds(6))))
                .isEqualTo(revoked);
        ClaimState afterRevoke = store.readClaim(key);
        assertThat(afterRevoke).isEqualTo(new ClaimState.Revoked(claim(key, "tars", 1), revoked));
        assertThat(afterRevoke.nextGeneration()).isEqualTo(2);

        assertThat(store.createClaim(claim(key, "case", 2))).isTrue();
        assertThat(store.readClaim(key)).isEqualTo(new ClaimState.Held(claim(key, "case", 2)));
        ClaimEnd sent = new ClaimEnd(ClaimEnd.SENT, "case", T0.plusSeconds(9));
        assertThat(store.endClaim(key, 2, sent)).isEqualTo(sent);
        assertThat(store.readClaim(key)).isEqualTo(new ClaimState.Sent(claim(key, "case", 2), sent));
    }

    @Test
    void concurrentClaimsAndEndsHaveExactlyOneWinner() throws Exception {
        StateStore store = store();
        int contenders = 16;
        for (int round = 0; round < 20; round++) {
            String key = "race:" + round;
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(contenders);
            List<java.util.concurrent.Future<Boolean>> claims = new java.util.ArrayList<>();
            List<java.util.concurrent.Future<ClaimEnd>> ends = new java.util.ArrayList<>();
            try (var pool = java.util.concurrent.Executors.newFixedThreadPool(contenders)) {
                for (int i = 0; i < contenders; i++) {
                    String twin = "t" + i;
                    claims.add(pool.submit(() -> {
                        start.await();
                        return store.createClaim(claim(key, twin, 1));
                    }));
                }
                long winners = 0;
                for (var f : claims) {
                    winners += f.get() ? 1 : 0;
                }
                assertThat(winners).as("round " + round).isEqualTo(1);
                for (int i = 0; i < contenders; i++) {
                    ClaimEnd end = new ClaimEnd(i % 2 == 0 ? ClaimEnd.SENT : ClaimEnd.REVOKED, "t" + i, T0);
                    ends.add(pool.submit(() -> store.endClaim(key, 1, end)));
                }
                ClaimEnd first = ends.getFirst().get();
                for (var f : ends) {
                    assertThat(f.get()).isEqualTo(first);
                }
            }
        }
    }

    @Test
    void oldClaimsArePrunedWholeAndRecentOnesKept() throws Exception {
        StateStore store = store();
        store.createClaim(claim("old", "tars", 1));
        store.endClaim("old", 1, new ClaimEnd(ClaimEnd.SENT, "tars", T0));
        store.createClaim(claim("recent", "tars", 1));
        assertThat(store.pruneClaims(Instant.now().minusSeconds(3600))).isZero();
        assertThat(store.pruneClaims(Instant.now().plusSeconds(3600))).isEqualTo(2);
        assertThat(store.readClaim("old")).isEqualTo(new ClaimState.Unclaimed());
        assertThat(store.createClaim(claim("old", "case", 1))).isTrue();
    }
}
