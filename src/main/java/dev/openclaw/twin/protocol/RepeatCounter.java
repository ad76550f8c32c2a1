package dev.openclaw.twin.protocol;

import dev.openclaw.twin.state.ArbiterUnavailableException;
import dev.openclaw.twin.state.StateStore;
import dev.openclaw.twin.state.StoreUnavailableException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Gives each decided message its claim key: the gateways' global ids where the channel has them,
 * else its text's content base and which repeat of that text it is. Every twin must number a
 * repeat alike, so this twin's count is healed against the claims in the store: one stored well
 * before the decide belongs to an earlier repeat this daemon missed.
 */
final class RepeatCounter {

    /**
     * A claim stored this long before a message is decided cannot be that message's: every twin
     * receives a message within milliseconds of the others, and a decide later than {@link
     * LateRequests#STALE_DECIDE} claims nothing. Such a claim belongs to an earlier repeat this
     * daemon missed. So a twin that missed a repeat is back in step once repeats are this far apart.
     */
    static final Duration HEAL_AGE = Duration.ofSeconds(2);

    private final StateStore store;
    private final MessageLedger ledger;
    private final LateRequests late;
    private final LongSupplier nanoTime;
    private final long createdNanos;

    RepeatCounter(StateStore store, MessageLedger ledger, LateRequests late, LongSupplier nanoTime) {
        this.store = store;
        this.ledger = ledger;
        this.late = late;
        this.nanoTime = nanoTime;
        this.createdNanos = nanoTime.getAsLong();
    }

    /**
     * The ledger entry of a message decided now. Without a key (decided without claims, and not
     * counted): a decide its gateway gave up on, or a repeated text while the store is down.
     */
    MessageEntry newEntry(DecideRequest request, long nowNanos) {
        if (ClaimKeys.hasGlobalIds(request.message())) {
            String key = ClaimKeys.globalKey(request.message());
            return new MessageEntry(
                    request,
                    late.staleDecide(request.receivedAt()) ? null : key,
                    new MessageIdentity(key, true),
                    nowNanos);
        }
        // The base hashes the whole text: computed once, for the key and the identity both.
        String base = ClaimKeys.contentBase(request.message());
        String key;
        if (late.staleDecide(request.receivedAt())) {
            key = null;
        } else {
            try {
                key = ClaimKeys.contentKey(
                        base, ledger.nextOccurrence(base, nowNanos, counted -> occurrence(base, counted)));
            } catch (UncheckedStoreException e) {
                key = null;
            }
        }
        return new MessageEntry(request, key, new MessageIdentity(base, false), nowNanos);
    }

    /**
     * The content key of a repeated text answered without the store, which could not be counted
     * when it was decided: its occurrence is counted now, so that this twin, and the peers that
     * counted it with the store (one may have decided it a moment after the store came back),
     * number the next repeat alike (simulation seed 481: the next repeat answered twice).
     */
    String countedNow(MessageEntry entry) throws StoreUnavailableException {
        String base = entry.identity().value();
        try {
            return ClaimKeys.contentKey(
                    base, ledger.nextOccurrence(base, nanoTime.getAsLong(), counted -> occurrence(base, counted)));
        } catch (UncheckedStoreException e) {
            throw (StoreUnavailableException) e.getCause();
        }
    }

    /**
     * Whether the entry's repeat occurrence lies below the store's repeat mark: its claim existed
     * and was pruned (the mark only rises past pruned occurrences), so "unclaimed" is no sign that
     * nobody answered it. A message with a global id has no mark.
     */
    boolean prunedSince(MessageEntry entry) throws StoreUnavailableException {
        if (entry.identity().global()) {
            return false;
        }
        String key = entry.key();
        int hash = key.lastIndexOf('#');
        if (hash < 0) {
            return false;
        }
        int occurrence;
        try {
            occurrence = Integer.parseInt(key.substring(hash + 1));
        } catch (NumberFormatException e) {
            return false;
        }
        return occurrence < store.repeatsPrunedBelow(entry.identity().value());
    }

    /**
     * The occurrence of {@code base} this message is, from this daemon's count, checked against the
     * claims in the store. A claim stored well before now (older than {@link #HEAL_AGE} by the
     * store's own ages) belongs to an earlier message this daemon never saw (it was down, or its
     * gateway missed it): the count skips past it. On first sight since start, claims stored before
     * the start are earlier messages too.
     */
    private int occurrence(String base, int counted) {
        try {
            Duration earlier = HEAL_AGE;
            if (counted < 0) {
                // Older than this daemon's run (a second more, for the store's timestamp granularity).
                Duration running =
                        Duration.ofNanos(nanoTime.getAsLong() - createdNanos).plusSeconds(1);
                earlier = running.compareTo(earlier) < 0 ? running : earlier;
            }
            // Occurrences below the store's mark were answered long ago (their claims are pruned).
            int occurrence = Math.max(Math.max(counted, 0), store.repeatsPrunedBelow(base));
            while (true) {
                Optional<Duration> age;
                try {
                    age = store.claimAge(ClaimKeys.contentKey(base, occurrence));
                } catch (ArbiterUnavailableException e) {
                    // A cloud folder's arbiter cannot be asked now: this daemon's own count stands
                    // (as it does for every message that is not a twin's first sight of its text).
                    return occurrence;
                }
                if (age.isEmpty() || age.get().compareTo(earlier) <= 0) {
                    return occurrence;
                }
                occurrence++;
            }
        } catch (StoreUnavailableException e) {
            throw new UncheckedStoreException(e);
        }
    }

    /** Carries a store failure out of the ledger's compute function. */
    private static final class UncheckedStoreException extends RuntimeException {
        UncheckedStoreException(StoreUnavailableException cause) {
            super(cause);
        }
    }
}
