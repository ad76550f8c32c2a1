package dev.openclaw.twin.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openclaw.twin.coordination.Overrides;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
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

    /** Makes everything in the store look written {@code by} earlier, as time passing would. */
    abstract void passTime(StateStore store, Duration by) throws Exception;

    /** Whether the store calls {@link StateStore#onChange} listeners (a file directory cannot). */
    abstract boolean watches();

    /** Ages are the store's own: within this of the truth (a file server stamps whole seconds, some two). */
    static final Duration AGE_SLACK = Duration.ofSeconds(30);

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

    // ---- ages, retention, incarnations, change notification ----

    @Test
    void aClaimsAgeIsTheStoresAndAnUnclaimedKeyHasNone() throws Exception {
        StateStore store = store();
        assertThat(store.claimAge("k")).isEmpty();
        store.createClaim(claim("k", "tars", 1));
        assertThat(store.claimAge("k"))
                .hasValueSatisfying(age -> assertThat(age).isLessThan(AGE_SLACK));

        passTime(store, Duration.ofHours(2));
        // Its claimedAt (the holder's clock, T0 in 2026-03) plays no part.
        assertThat(store.claimAge("k"))
                .hasValueSatisfying(age -> assertThat(age)
                        .isBetween(Duration.ofHours(2), Duration.ofHours(2).plus(AGE_SLACK)));
        // A later generation does not make the key younger: the age is generation 1's.
        store.endClaim("k", 1, new ClaimEnd(ClaimEnd.REVOKED, "case", T0));
        store.createClaim(claim("k", "case", 2));
        assertThat(store.claimAge("k"))
                .hasValueSatisfying(age -> assertThat(age).isGreaterThanOrEqualTo(Duration.ofHours(2)));
    }

    @Test
    void aHeartbeatsAgeIsHowLongAgoItLastChanged() throws Exception {
        StateStore store = store();
        assertThat(store.heartbeatAges()).isEmpty();
        store.writeHeartbeat(heartbeat("tars", 1));
        store.writeHeartbeat(heartbeat("case", 1));
        passTime(store, Duration.ofMinutes(10));
        store.writeHeartbeat(heartbeat("tars", 2));

        Map<String, Duration> ages = store.heartbeatAges();
        assertThat(ages).containsOnlyKeys("tars", "case");
        assertThat(ages.get("tars")).isLessThan(AGE_SLACK);
        assertThat(ages.get("case"))
                .isBetween(Duration.ofMinutes(10), Duration.ofMinutes(10).plus(AGE_SLACK));
    }

    @Test
    void pruningKeepsWhatIsYoungerThanTheRetentionAndDropsOlderKeysWhole() throws Exception {
        StateStore store = store();
        store.createClaim(claim("old", "tars", 1));
        store.endClaim("old", 1, new ClaimEnd(ClaimEnd.SENT, "tars", T0));
        store.createClaim(claim("content:abc#4", "tars", 1));
        passTime(store, Duration.ofHours(2));
        store.createClaim(claim("recent", "tars", 1));
        // An old key whose newest generation is recent is recent.
        store.createClaim(claim("retried", "tars", 1));
        passTime(store, Duration.ofHours(2));
        store.endClaim("retried", 1, new ClaimEnd(ClaimEnd.REVOKED, "case", T0));
        store.createClaim(claim("retried", "case", 2));

        assertThat(store.pruneOlderThan(Duration.ofDays(1))).isZero();
        assertThat(store.pruneOlderThan(Duration.ofHours(3))).isEqualTo(2);
        assertThat(store.readClaim("old")).isEqualTo(new ClaimState.Unclaimed());
        assertThat(store.claimAge("old")).isEmpty();
        assertThat(store.readClaim("recent")).isInstanceOf(ClaimState.Held.class);
        assertThat(store.readClaim("retried")).isEqualTo(new ClaimState.Held(claim("retried", "case", 2)));
        // The pruned content key's base counts on past it.
        assertThat(store.repeatsPrunedBelow("content:abc")).isEqualTo(5);
        assertThat(store.createClaim(claim("old", "case", 1))).isTrue();
    }

    @Test
    void incarnationsAreKeptInClaimsAndHeartbeats() throws Exception {
        StateStore store = store();
        Claim claim = new Claim("k", "tars", "primary", T0, 1, "run-7");
        store.createClaim(claim);
        assertThat(store.readClaim("k")).isEqualTo(new ClaimState.Held(claim));
        Heartbeat beat = new Heartbeat("tars", 3, 42, "host", "1.0", T0, T0, Heartbeat.RUNNING, null, "run-7");
        store.writeHeartbeat(beat);
        assertThat(store.readHeartbeats().get("tars").present()).contains(beat);
        // Records of a version before incarnations read back without one.
        store.createClaim(claim("old-version", "tars", 1));
        assertThat(((ClaimState.Held) store.readClaim("old-version")).claim().incarnation())
                .isNull();
    }

    @Test
    void aStoreThatWatchesTellsItsListenersOfChangesAndOneThatCannotNeverCalls() throws Exception {
        StateStore store = store();
        AtomicInteger calls = new AtomicInteger();
        store.onChange(calls::incrementAndGet);
        store.createClaim(claim("k", "tars", 1));
        store.endClaim("k", 1, new ClaimEnd(ClaimEnd.SENT, "tars", T0));
        store.writeHeartbeat(heartbeat("tars", 1));
        if (watches()) {
            org.awaitility.Awaitility.await()
                    .untilAsserted(() -> assertThat(calls).hasPositiveValue());
        } else {
            assertThat(calls).hasValue(0);
        }
    }
}
