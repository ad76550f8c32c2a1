package dev.openclaw.twin.protocol;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this daemon has decided, by each message's local id, and how many times it has seen each
 * content base. Thread-safe: decides arrive on many HTTP threads at once, the watcher reads the same
 * entries. A retried decide finds its entry, so it gets the same answer and never counts twice.
 *
 * <p>Bounded in memory whatever the requests (the API is open on loopback): an entry keeps its
 * message's text only while the message is watched (a takeover hands the text to the gateway), and
 * only within {@link #MAX_WATCHED} entries and {@link #MAX_WATCHED_BYTES}; a message decided when
 * that budget is spent is not watched (it is answered, or not, as decided, but not taken over: logged
 * and counted). Entries are capped at {@link #MAX_ENTRIES} and {@link #MAX_BYTES}, counts at {@link
 * #MAX_COUNTS} and {@link #MAX_COUNT_BYTES}; beyond a cap the oldest entries no longer watched, and
 * the least recently seen counts, are forgotten (a forgotten count is healed from the store's claims
 * like a count after a restart). A real flock decides a few messages a minute: the caps are reached
 * only by a flood.
 */
final class MessageLedger {

    private static final Logger LOG = LoggerFactory.getLogger(MessageLedger.class);

    static final int MAX_ENTRIES = 10_000;
    /** Estimated heap of all entries (ids, keys, and the requests of watched ones). */
    static final long MAX_BYTES = 8L * 1024 * 1024;

    static final int MAX_WATCHED = 1_000;
    /** Estimated heap of watched entries' whole requests (their text above all). */
    static final long MAX_WATCHED_BYTES = 4L * 1024 * 1024;

    static final int MAX_COUNTS = 20_000;
    static final long MAX_COUNT_BYTES = 4L * 1024 * 1024;

    /** How often {@code base} has been seen, and when last (monotonic nanos). */
    private record Count(int next, long lastSeenNanos) {}

    private final Map<LocalMessageId, MessageEntry> entries = new ConcurrentHashMap<>();
    private final Map<String, Count> counts = new ConcurrentHashMap<>();
    private final AtomicLong countBytes = new AtomicLong();

    // Guarded by this: the eviction order and the byte budgets.
    private final ArrayDeque<MessageEntry> order = new ArrayDeque<>();
    private long bytes;
    private int watched;
    private long watchedBytes;
    private long refusedWatches;

    /**
     * The entry for {@code id}, created by {@code create} the first time only (atomically: two
     * concurrent decides of one message make one entry).
     */
    MessageEntry entry(LocalMessageId id, Function<LocalMessageId, MessageEntry> create) {
        MessageEntry[] created = new MessageEntry[1];
        MessageEntry entry = entries.computeIfAbsent(id, local -> created[0] = create.apply(local));
        if (created[0] != null) {
            admit(created[0]);
        }
        return entry;
    }

    private synchronized void admit(MessageEntry entry) {
        bytes += entry.footprint();
        order.addLast(entry);
        evict();
    }

    /**
     * Called once the entry's decide is over (answered or failed), under the entry's lock: a watched
     * entry keeps its whole request if the watch budget allows, else it is not watched; every other
     * entry keeps only what confirm needs. An entry whose decide failed is forgotten, so a retry
     * decides afresh.
     */
    synchronized void settle(MessageEntry entry) {
        if (entry.answer() == null) {
            if (entries.remove(entry.request().localId(), entry)) {
                order.remove(entry);
                bytes -= entry.footprint();
            }
            return;
        }
        long full = entry.footprint();
        if (entry.needsText() && watched < MAX_WATCHED && watchedBytes + full <= MAX_WATCHED_BYTES) {
            watched++;
            watchedBytes += full;
            entry.retain(this);
        } else {
            if (entry.needsText()) {
                entry.refuseWatch();
                if (refusedWatches++ % 1_000 == 0) {
                    LOG.warn(
                            "not watching {}: {} messages are watched already ({} refused so far)",
                            entry.request().localId(),
                            watched,
                            refusedWatches);
                }
            }
            entry.compact();
            bytes -= full - entry.footprint();
        }
        entry.settled();
        evict();
    }

    /** A retained entry stopped being watched: its request shrinks to what confirm needs. */
    synchronized void released(MessageEntry entry) {
        long full = entry.footprint();
        entry.compact();
        watched--;
        watchedBytes -= full;
        bytes -= full - entry.footprint();
    }

    /** Forgets the oldest settled, unwatched entries while a cap is exceeded. */
    private void evict() {
        Iterator<MessageEntry> oldest = order.iterator();
        while ((order.size() > MAX_ENTRIES || bytes > MAX_BYTES) && oldest.hasNext()) {
            MessageEntry entry = oldest.next();
            if (entry.isSettled() && !entry.needsText()) {
                oldest.remove();
                forget(entry);
            }
        }
    }

    private void forget(MessageEntry entry) {
        entries.remove(entry.request().localId(), entry);
        bytes -= entry.footprint();
    }

    Optional<MessageEntry> find(LocalMessageId id) {
        return Optional.ofNullable(entries.get(id));
    }

    Collection<MessageEntry> entries() {
        return entries.values();
    }

    /** Turns this daemon's count of a base into the occurrence to use; may skip ahead, or throw. */
    @FunctionalInterface
    interface OccurrenceCheck {
        /**
         * @param counted how many times this daemon has seen the base, or -1 the first time since start
         * @return the occurrence number for this message
         */
        int resolve(int counted);
    }

    /**
     * The occurrence number of the next message with content {@code base}: 0, 1, 2... in the order
     * this daemon sees them, as {@code check} corrects it. If {@code check} throws, nothing is
     * counted (so a store outage, which every twin sees, makes no twin count).
     */
    int nextOccurrence(String base, long nowNanos, OccurrenceCheck check) {
        Count count = counts.compute(base, (b, c) -> {
            Count next = new Count(check.resolve(c == null ? -1 : c.next()) + 1, nowNanos);
            if (c == null) {
                countBytes.addAndGet(countFootprint(b));
            }
            return next;
        });
        if (counts.size() > MAX_COUNTS || countBytes.get() > MAX_COUNT_BYTES) {
            evictCounts();
        }
        return count.next() - 1;
    }

    /** Forgets the least recently seen counts, down to 90% of the caps (so this runs now and then). */
    private synchronized void evictCounts() {
        if (counts.size() <= MAX_COUNTS && countBytes.get() <= MAX_COUNT_BYTES) {
            return;
        }
        List<Map.Entry<String, Count>> byAge = new ArrayList<>(counts.entrySet());
        byAge.sort(Comparator.comparingLong(e -> e.getValue().lastSeenNanos()));
        int size = counts.size();
        for (Map.Entry<String, Count> e : byAge) {
            if (size <= MAX_COUNTS * 9 / 10 && countBytes.get() <= MAX_COUNT_BYTES * 9 / 10) {
                break;
            }
            if (counts.remove(e.getKey(), e.getValue())) {
                countBytes.addAndGet(-countFootprint(e.getKey()));
                size--;
            }
        }
    }

    private static long countFootprint(String base) {
        return 2L * base.length() + 96;
    }

    /** Forgets entries decided longer than {@code keep} ago that nothing watches any more, and old counts. */
    synchronized void prune(long nowNanos, Duration keepEntries, Duration keepCounts) {
        order.removeIf(e -> {
            if (e.isSettled() && !e.needsText() && nowNanos - e.decidedNanos() > keepEntries.toNanos()) {
                forget(e);
                return true;
            }
            return false;
        });
        for (Map.Entry<String, Count> e : counts.entrySet()) {
            if (nowNanos - e.getValue().lastSeenNanos() > keepCounts.toNanos()
                    && counts.remove(e.getKey(), e.getValue())) {
                countBytes.addAndGet(-countFootprint(e.getKey()));
            }
        }
    }

    int size() {
        return entries.size();
    }

    /** Entries watched with their text kept, and the estimated bytes of all entries: for tests. */
    synchronized String usage() {
        return "entries=" + entries.size() + " bytes=" + bytes + " watched=" + watched + " watchedBytes=" + watchedBytes
                + " counts=" + counts.size() + " countBytes=" + countBytes.get();
    }

    synchronized long bytes() {
        return bytes;
    }

    synchronized int watchedCount() {
        return watched;
    }
}
