package dev.openclaw.twin.protocol;

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
            String key = entry.key() != null ? entry.key() : entry.recordedKey();
            if (key == null) {
                key = counter.countedNow(entry); // counted once: a retry of this record reuses it
                entry.recordedKey(key);
            }
            if (!fence.recordSent(key, "answered-without-store")
                    && fence.read(key) instanceof ClaimState.Sent sent
                    && !sent.end().twin().equals(self)) {
                LOG.error(
                        "two answers to one message: {} answered {} while the store was down, and {} answered it too",
                        self,
                        key,
                        sent.end().twin());
                duplicates.add(new DuplicateAnswer(key, sent.end().twin()));
            }
        }
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
