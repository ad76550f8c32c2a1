package dev.openclaw.twin.daemon;

import dev.openclaw.twin.protocol.ClaimCoordinator;
import dev.openclaw.twin.protocol.ClaimKeys;
import dev.openclaw.twin.state.Claim;
import dev.openclaw.twin.state.StateStore;
import dev.openclaw.twin.state.StoreUnavailableException;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the store's claims for {@code retention} and no longer: each round, one twin (the one whose
 * duty claim for the round wins) deletes the older ones; every twin forgets its old decisions.
 */
final class ClaimPruner {

    private static final Logger LOG = LoggerFactory.getLogger(ClaimPruner.class);
    /** The first prune waits at most this long after the start. */
    private static final Duration FIRST_AFTER = Duration.ofSeconds(10);

    private final String twin;
    private final String incarnation;
    private final StateStore store;
    private final Clock clock;
    private final ClaimCoordinator claims;
    private final DaemonMetrics metrics;
    private final Duration retention;

    ClaimPruner(
            String twin,
            String incarnation,
            StateStore store,
            Clock clock,
            ClaimCoordinator claims,
            DaemonMetrics metrics,
            Duration retention) {
        this.twin = twin;
        this.incarnation = incarnation;
        this.store = store;
        this.clock = clock;
        this.claims = claims;
        this.metrics = metrics;
        this.retention = retention;
    }

    /**
     * How often claims are pruned: every 10 minutes, or twice per retention if that is shorter
     * (tests); so pruned claims outlive the retention by half of it at most.
     */
    Duration every() {
        Duration half = retention.dividedBy(2);
        return half.compareTo(Duration.ofMinutes(10)) < 0 ? half : Duration.ofMinutes(10);
    }

    /** When the first prune runs after the start. */
    Duration firstAfter() {
        return every().compareTo(FIRST_AFTER) < 0 ? every() : FIRST_AFTER;
    }

    /** Forgets old decisions; deletes claims older than the retention from the store. */
    void prune() {
        claims.prune();
        try {
            // Claims' ages are the store's own, so a twin minutes (or a day) fast prunes nothing
            // still in use. One twin prunes per round (a duty claimed in the store): two pruning the
            // same content keys at once can leave the lower of two repeat marks (read, compare,
            // write), and a twin counting a text afresh from it would number an occurrence whose
            // claim is gone again. Rounds by this twin's clock: a skewed twin may prune beside another.
            String round = Long.toString(clock.millis() / every().toMillis());
            if (!store.createClaim(new Claim(
                    ClaimKeys.dutyKey("prune-claims", round), twin, "duty", clock.instant(), 1, incarnation))) {
                return;
            }
            int pruned = store.pruneOlderThan(retention);
            if (pruned > 0) {
                LOG.info("pruned {} claims older than {}", pruned, retention);
            }
        } catch (StoreUnavailableException e) {
            metrics.storeError();
        }
    }
}
