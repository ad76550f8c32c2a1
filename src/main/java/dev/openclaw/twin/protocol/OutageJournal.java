package dev.openclaw.twin.protocol;

import dev.openclaw.twin.state.ClaimEnd;
import dev.openclaw.twin.state.ClaimState;
import dev.openclaw.twin.state.StoreUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The messages this twin answered without a claim while it could not reach the store, on its
 * peers' promises: recorded in the store as claimed and sent by it once the store is back, so
 * the twins count and watch them as any other. Where another twin's answer is recorded already,
 * both answered: a duplicate, the thing this product exists to prevent, so it is reported.
 */
final class OutageJournal {

    private static final Logger LOG = LoggerFactory.getLogger(OutageJournal.class);

    private static final String ANSWERED_WITHOUT_STORE = "answered-without-store";
    private static final int RECORD_PASSES = 4;

    private final String self;
    private final ClaimFence fence;
    private final RepeatCounter counter;
    private final Queue<MessageEntry> answeredWithoutStore = new ConcurrentLinkedQueue<>();
    private final AtomicInteger answeredWithoutStoreCount = new AtomicInteger();
    private final Queue<DuplicateAnswer> duplicates = new ConcurrentLinkedQueue<>();

    OutageJournal(String self, ClaimFence fence, RepeatCounter counter) {
        this.self = self;
        this.fence = fence;
        this.counter = counter;
    }

    /**
     * This twin sent a reply without a claim: recorded once the store is back. A message without a
     * key is counted then; one answered by several twins on purpose ("both of you") never is.
     */
    void answeredWithoutStore(MessageEntry entry) {
        // Bounded like the ledger: past the cap an answer is not recorded (a duplicate could go unreported).
        if (answeredWithoutStoreCount.get() < MessageLedger.MAX_ENTRIES) {
            answeredWithoutStoreCount.incrementAndGet();
            answeredWithoutStore.add(entry);
        }
    }

    /** Records each message answered without the store; stops at the first store failure. */
    void reconcile() throws StoreUnavailableException {
        for (MessageEntry entry;
                (entry = answeredWithoutStore.peek()) != null;
                answeredWithoutStore.poll(), answeredWithoutStoreCount.decrementAndGet()) {
            if (entry.key() != null && entry.identity().global()) {
                record(entry.key());
                continue;
            }
            if (entry.key() != null) {
                // A content key counted at the decide (the share readable, not writable) may still
                // name an earlier repeat this twin missed (healing skips only claims 2 s old).
                recordCountedNow(entry.key());
                continue;
            }
            String key = entry.recordedKey();
            if (key == null) {
                key = counter.countedNow(entry); // counted once: a retry of this record reuses it
                entry.recordedKey(key);
            }
            recordCountedNow(key);
        }
    }

    /**
     * A text known by its content and count: the count may be another repeat's that a peer claimed
     * with the store (simulation seed 5039: one counted only now), so only a free first generation
     * is taken and a peer's claim is left alone.
     */
    private void recordCountedNow(String key) throws StoreUnavailableException {
        if (!fence.recordSent(key, ANSWERED_WITHOUT_STORE, 1)
                && fence.read(key) instanceof ClaimState.Sent sent
                && !sent.end().twin().equals(self)) {
            duplicate(key, sent.end().twin());
        }
    }

    /**
     * Records this twin's answer to {@code key}, the message's global id (the same message at every
     * twin), in whatever generation stands: a peer that claimed
     * the message meanwhile (one this twin could not reach) and has not confirmed yet finds its
     * generation ended as sent by this twin, so its reply does not go out too; one given up is not
     * taken over again. A peer's reply that went out already is a duplicate, reported.
     */
    private void record(String key) throws StoreUnavailableException {
        int generation = 1;
        // Bounded: each pass, some twin moved the claim on between the look and the write.
        for (int pass = 0; pass < RECORD_PASSES; pass++) {
            if (fence.recordSent(key, ANSWERED_WITHOUT_STORE, generation)) {
                return;
            }
            switch (fence.read(key)) {
                case ClaimState.Sent sent -> {
                    if (!sent.end().twin().equals(self)) {
                        duplicate(key, sent.end().twin());
                    }
                    return;
                }
                case ClaimState.Held held -> {
                    ClaimEnd end = fence.send(key, held.claim().generation());
                    if (end.sent()) {
                        if (!end.twin().equals(self)) {
                            duplicate(key, end.twin());
                        }
                        return;
                    }
                    generation = held.claim().generation() + 1; // revoked first: recorded in the next
                }
                case ClaimState.Revoked revoked -> generation = revoked.claim().generation() + 1;
                case ClaimState.Unclaimed unclaimed -> generation = 1;
                case ClaimState.Unreadable unreadable -> {
                    return; // a damaged claim file: nothing to record it in (reported by the store)
                }
            }
        }
        LOG.warn("could not record {} as answered by {}: its claim kept changing", key, self);
    }

    private void duplicate(String key, String other) {
        LOG.error(
                "two answers to one message: {} answered {} while the store was down, and {} answered it too",
                self,
                key,
                other);
        duplicates.add(new DuplicateAnswer(key, other));
    }

    /** The duplicate answers found since the last call (for alerts). */
    List<DuplicateAnswer> drainDuplicates() {
        List<DuplicateAnswer> found = new ArrayList<>();
        for (DuplicateAnswer d; (d = duplicates.poll()) != null; ) {
            found.add(d);
        }
        return found;
    }
}
