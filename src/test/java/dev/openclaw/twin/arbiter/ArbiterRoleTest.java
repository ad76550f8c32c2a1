package dev.openclaw.twin.arbiter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openclaw.twin.health.TwinState;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Who arbitrates a cloud folder's claims, and when a twin may start: on an injected monotonic clock. */
class ArbiterRoleTest {

    private static final Duration FRESH = Duration.ofSeconds(2);
    private static final Duration SYNC_LAG = Duration.ofSeconds(3);
    private static final Duration GRACE = Duration.ofSeconds(5);
    private static final Optional<Duration> LONG_AGO = Optional.of(Duration.ofMinutes(10));

    private final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);
    private final Map<String, TwinState> states = new HashMap<>();
    private final Set<String> withoutStore = new HashSet<>();
    private final AtomicBoolean reachesStore = new AtomicBoolean(true);
    private ArbiterRole tars;

    @BeforeEach
    void flock() {
        states.put("tars", TwinState.ONLINE);
        states.put("case", TwinState.ONLINE);
        states.put("kipp", TwinState.ONLINE);
        tars = role("tars");
        tars.flockSeen();
    }

    private ArbiterRole role(String self) {
        return new ArbiterRole(
                self,
                () -> List.of("tars", "case", "kipp"),
                states::get,
                () -> Set.copyOf(withoutStore),
                reachesStore::get,
                nanos::get,
                FRESH,
                SYNC_LAG,
                GRACE);
    }

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    /** Time passes beyond the start-up grace, each role looking at its role every second (its heartbeat). */
    private void passGrace(ArbiterRole... roles) {
        for (long s = 0; s <= GRACE.toSeconds(); s++) {
            advance(Duration.ofSeconds(1));
            for (ArbiterRole role : roles) {
                role.flockSeen();
            }
        }
    }

    /** Both peers answer a probe sent now, naming {@code arbiter}, having arbitrated {@code ago}. */
    private void bothName(String arbiter, Optional<Duration> ago) {
        tars.answered("case", Optional.of(arbiter), nanos.get(), ago);
        tars.answered("kipp", Optional.of(arbiter), nanos.get(), ago);
    }

    @Test
    void theArbiterIsTheFirstTwinOfTheOrderWhoseDaemonIsUpAndReachesItsFolder() {
        ArbiterRole kase = role("case");
        passGrace(tars, kase);
        assertThat(tars.arbiter()).isEqualTo("tars");
        assertThat(kase.arbiter()).isEqualTo("tars");

        states.put("tars", TwinState.OFFLINE);
        assertThat(kase.arbiter()).isEqualTo("case");
        states.put("tars", TwinState.STALE); // not yet offline: still the arbiter
        assertThat(kase.arbiter()).isEqualTo("tars");

        withoutStore.add("tars");
        assertThat(kase.arbiter()).as("tars said it lost its copy").isEqualTo("case");
        reachesStore.set(false);
        assertThat(tars.arbiter()).as("tars's own copy is gone").isEqualTo("case");
    }

    @Test
    void itArbitratesOnlyOnceEveryPeerUpNamesIt() {
        assertThat(tars.serving()).isFalse();
        assertThat(tars.whyNotServing()).hasValue("tars is not yet agreed on as the arbiter by case, kipp");

        tars.answered("case", Optional.of("tars"), nanos.get(), LONG_AGO);
        assertThat(tars.serving()).as("kipp has not named tars").isFalse();

        bothName("tars", LONG_AGO);
        assertThat(tars.serving()).as("nobody arbitrated lately: at once").isTrue();
        assertThat(tars.whyNotServing()).isEmpty();
        assertThat(tars.arbitratedAgo()).isZero();
    }

    @Test
    void itWaitsTheSyncLagAfterAPeerLastArbitratedSoThatPeersClaimsHaveSyncedHere() {
        bothName("tars", Optional.of(Duration.ofSeconds(1))); // case arbitrated until a second ago
        assertThat(tars.serving()).isFalse();
        assertThat(tars.whyNotServing())
                .hasValue("tars waits 2000 ms more for a peer's claims to sync (the folder's sync lag is 3000 ms)");
        advance(Duration.ofMillis(1999));
        bothName("tars", Optional.of(Duration.ofMillis(2999)));
        assertThat(tars.serving()).isFalse();
        advance(Duration.ofMillis(1));
        assertThat(tars.serving()).isTrue();
    }

    @Test
    void aRestartedPeerCountsAsHavingArbitratedAtItsStart() {
        ArbiterRole restarted = role("case");
        advance(Duration.ofSeconds(1));
        assertThat(restarted.arbitratedAgo()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aPeerNamingAnotherArbiterOrSayingNothingStopsIt() {
        bothName("tars", LONG_AGO);
        assertThat(tars.serving()).isTrue();

        tars.answered("kipp", Optional.of("kipp"), nanos.get(), LONG_AGO);
        assertThat(tars.serving()).isFalse();
        tars.answered("kipp", Optional.empty(), nanos.get(), Optional.empty()); // an older version says nothing
        assertThat(tars.serving()).isFalse();
    }

    @Test
    void aPeerThatIsDownNeedNotAgree() {
        passGrace(tars);
        states.put("kipp", TwinState.OFFLINE);
        tars.answered("case", Optional.of("tars"), nanos.get(), LONG_AGO);
        assertThat(tars.serving()).isTrue();
    }

    @Test
    void answersAsOldAsFreshNoLongerCountSoAPausedArbiterStopsAtOnceWhenItWakes() {
        bothName("tars", LONG_AGO);
        assertThat(tars.serving()).isTrue();

        long sentBeforePause = nanos.get();
        advance(Duration.ofSeconds(10)); // SIGSTOP: meanwhile case took over as the arbiter
        // An answer to a probe sent before the pause arrives only now: it counts from when it was asked for.
        tars.answered("case", Optional.of("tars"), sentBeforePause, LONG_AGO);
        tars.answered("kipp", Optional.of("tars"), sentBeforePause, LONG_AGO);
        assertThat(tars.serving()).isFalse();

        bothName("case", Optional.of(Duration.ZERO));
        assertThat(tars.serving()).isFalse();
        tars.answered("case", Optional.of("tars"), nanos.get(), Optional.of(Duration.ZERO));
        tars.answered("kipp", Optional.of("tars"), nanos.get(), LONG_AGO);
        assertThat(tars.serving())
                .as("named again, it waits for case's claims to sync")
                .isFalse();
        advance(SYNC_LAG);
        tars.answered("case", Optional.of("tars"), nanos.get(), Optional.of(SYNC_LAG));
        tars.answered("kipp", Optional.of("tars"), nanos.get(), LONG_AGO);
        assertThat(tars.serving()).isTrue();
    }

    @Test
    void aPeerThatWokeFromAPauseDoesNotArbitrateOnItsStandingStillView() {
        // case is second in line: it would arbitrate if tars were down.
        ArbiterRole kase = role("case");
        passGrace(kase);
        advance(Duration.ofSeconds(10)); // SIGSTOP of case; on waking its view shows tars and kipp offline
        states.put("tars", TwinState.OFFLINE);
        states.put("kipp", TwinState.OFFLINE);
        assertThat(kase.serving())
                .as("woken: the peers it saw last count as up until they answer")
                .isFalse();
        assertThat(kase.arbiter()).isEqualTo("tars");
        passGrace(kase);
        assertThat(kase.arbiter()).as("still down after the grace: truly gone").isEqualTo("case");
    }

    @Test
    void beforeTheFlockIsReadNothingIsArbitrated() {
        ArbiterRole fresh = role("tars");
        states.put("case", TwinState.NEVER_SEEN);
        states.put("kipp", TwinState.NEVER_SEEN);
        assertThat(fresh.serving()).isFalse();
        fresh.flockSeen();
        assertThat(fresh.serving()).as("peers never seen may yet show up").isFalse();
        assertThat(role("case").arbiter())
                .as("case does not take tars for absent either")
                .isEqualTo("tars");
        passGrace(fresh);
        assertThat(fresh.serving()).as("no peer seen since: alone").isTrue();
    }

    @Test
    void aTwinThatIsNotTheArbiterSaysWhoIs() {
        ArbiterRole kase = role("case");
        kase.flockSeen();
        assertThat(kase.serving()).isFalse();
        assertThat(kase.whyNotServing()).hasValue("case is not the arbiter: tars is, by its view");
    }
}
