package dev.openclaw.twin.daemon;

import dev.openclaw.twin.protocol.ClaimKeys;
import dev.openclaw.twin.state.Claim;
import dev.openclaw.twin.state.StateStore;
import dev.openclaw.twin.state.StoreUnavailableException;
import java.time.Clock;
import java.time.Duration;

/**
 * Keeps the store's claims for {@code retention} and no longer, deleting older ones once per round
 * of the flock.
 *
 * <p>On a shared directory one twin prunes per round, the one that wins the duty {@code
 * prune-claims:<round>} in the store: two pruning the same content keys at once can leave the lower
 * of two repeat marks (read, compare, write), and a twin counting a text afresh from it would number
 * an occurrence whose claim is gone again. Rounds are counted on this twin's clock, so a skewed twin
 * may prune beside another. Claims' ages are the store's own, so a twin minutes (or a day) fast prunes
 * nothing still in use.
 *
 * <p>On a cloud folder ({@code arbitrated}) claims have one writer, the arbiter, and only the arbiter
 * prunes them, on its own copy (the sync carries the deletions; {@code ArbitratedStore} prunes
 * nothing elsewhere). So there the arbiter prunes every round, with no duty: a duty won by a twin that
 * does not arbitrate pruned nothing that round, and the arbiter won it only now and then.
 */
final class ClaimPruner {

    /** The first prune waits at most this long after the start. */
    private static final Duration FIRST_AFTER = Duration.ofSeconds(10);

    private final StateStore store;
    private final boolean arbitrated;
    private final String twin;
    private final String incarnation;
    private final Clock clock;
    private final Duration retention;

    ClaimPruner(
            StateStore store, boolean arbitrated, String twin, String incarnation, Clock clock, Duration retention) {
        this.store = store;
        this.arbitrated = arbitrated;
        this.twin = twin;
        this.incarnation = incarnation;
        this.clock = clock;
        this.retention = retention;
    }

    Duration retention() {
        return retention;
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

    /** Prunes if this twin prunes this round; the number of claims deleted. */
    int prune() throws StoreUnavailableException {
        if (!arbitrated) {
            String round = Long.toString(clock.millis() / every().toMillis());
            Claim duty =
                    new Claim(ClaimKeys.dutyKey("prune-claims", round), twin, "duty", clock.instant(), 1, incarnation);
            if (!store.createClaim(duty)) {
                return 0;
            }
        }
        return store.pruneOlderThan(retention);
    }
}
