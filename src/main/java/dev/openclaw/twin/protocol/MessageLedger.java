package dev.openclaw.twin.protocol;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * What this daemon has decided, by each message's local id, and how many times it has seen each
 * content base. Thread-safe: decides arrive on many HTTP threads at once, the watcher reads the same
 * entries. A retried decide finds its entry, so it gets the same answer and never counts twice.
 */
final class MessageLedger {

    /** How often {@code base} has been seen, and when last (monotonic nanos). */
    private record Count(int next, long lastSeenNanos) {}

    private final Map<LocalMessageId, MessageEntry> entries = new ConcurrentHashMap<>();
    private final Map<String, Count> counts = new ConcurrentHashMap<>();

    /**
     * The entry for {@code id}, created by {@code create} the first time only (atomically: two
     * concurrent decides of one message make one entry).
     */
    MessageEntry entry(LocalMessageId id, Function<LocalMessageId, MessageEntry> create) {
        return entries.computeIfAbsent(id, create);
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
        Count count = counts.compute(base, (b, c) -> new Count(check.resolve(c == null ? -1 : c.next()) + 1, nowNanos));
        return count.next() - 1;
    }

    /** Forgets entries decided longer than {@code keep} ago that nothing watches any more, and old counts. */
    void prune(long nowNanos, Duration keepEntries, Duration keepCounts) {
        entries.values().removeIf(e -> !e.watching() && nowNanos - e.decidedNanos() > keepEntries.toNanos());
        counts.values().removeIf(c -> nowNanos - c.lastSeenNanos() > keepCounts.toNanos());
    }

    int size() {
        return entries.size();
    }
}
