package dev.openclaw.twin.protocol;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * What the peers this twin reaches directly ({@code daemon_url/healthz}, asked every heartbeat)
 * last said about the shared store and who answers routine messages: the agreement a twin needs to
 * answer without a claim while it cannot reach the store (Patroni's failsafe mode: stay primary
 * without the DCS only if every member reached agrees). Gathered beforehand, because a decide
 * answers in milliseconds. A peer that does not say (an older version) does not confirm anything.
 * Thread-safe.
 */
public final class PeerAgreement {

    /** One peer's last answer. {@code storeReachable} and {@code claimant} are empty if it did not say. */
    private record Report(Optional<Boolean> storeReachable, Optional<String> claimant, long atNanos) {}

    private final LongSupplier nanoTime;
    private final Duration fresh;
    private final Map<String, Report> reports = new ConcurrentHashMap<>();
    /** Spans of time (monotonic) over which this twin told peers it cannot reach the store, newest last. */
    private record Span(long fromNanos, long toNanos) {}

    private static final int SPANS_KEPT = 32;
    private final java.util.Deque<Span> saidUnreachable = new java.util.ArrayDeque<>();

    /**
     * @param fresh an answer older than this no longer counts: that peer is not reached now
     */
    public PeerAgreement(LongSupplier nanoTime, Duration fresh) {
        this.nanoTime = nanoTime;
        this.fresh = fresh;
    }

    /** How long a peer's answer counts. */
    public Duration fresh() {
        return fresh;
    }

    /** A peer answered as itself, saying (if it says) whether it reaches the store and whom it sees answering. */
    public void answered(String peer, Optional<Boolean> storeReachable, Optional<String> claimant) {
        reports.put(peer, new Report(storeReachable, claimant, nanoTime.getAsLong()));
    }

    /** This twin answers a peer's probe: it says it {@code reaches} the store or not. */
    public void told(boolean reaches) {
        if (reaches) {
            return;
        }
        long now = nanoTime.getAsLong();
        synchronized (saidUnreachable) {
            Span last = saidUnreachable.peekLast();
            if (last != null && now - last.toNanos() <= fresh.toNanos()) {
                saidUnreachable.pollLast();
                saidUnreachable.addLast(new Span(last.fromNanos(), now));
            } else {
                saidUnreachable.addLast(new Span(now, now));
                while (saidUnreachable.size() > SPANS_KEPT) {
                    saidUnreachable.pollFirst();
                }
            }
        }
    }

    /**
     * Twins decide one message at most this far apart: a decide that reaches a daemon later than
     * 750 ms after its gateway received the message claims nothing.
     */
    static final Duration DECIDE_SKEW = Duration.ofSeconds(1);

    /**
     * Whether a peer may have answered a message decided here at {@code decidedNanos} without a
     * claim on this twin's word that it cannot reach the store. The peer decided it within {@link
     * #DECIDE_SKEW} of us, on a word at most {@link #fresh()} old, or answered it up to {@link
     * #fresh()} after its decide once our word came. Then this twin must not take that message over.
     */
    public boolean mayHaveAnsweredOnOurWord(long decidedNanos) {
        long from = decidedNanos - DECIDE_SKEW.toNanos() - fresh.toNanos();
        long to = decidedNanos + DECIDE_SKEW.toNanos() + fresh.toNanos();
        synchronized (saidUnreachable) {
            return saidUnreachable.stream().anyMatch(s -> s.toNanos() >= from && s.fromNanos() <= to);
        }
    }

    /** Whether a peer may be acting now, or on a message decided now, on our word that we cannot reach the store. */
    public boolean toldPeersStoreUnreachable() {
        return mayHaveAnsweredOnOurWord(nanoTime.getAsLong());
    }

    /**
     * Whether this twin, the claimant by its own view and unable to reach the store, may answer a
     * routine message without a claim: it reaches at least one peer, and every peer it reaches says
     * it cannot reach the store either and sees {@code self} as the claimant. Reaching nobody: no.
     */
    public boolean confirmsClaimant(String self) {
        List<Report> reached = reached();
        return !reached.isEmpty()
                && reached.stream()
                        .allMatch(r -> r.storeReachable().equals(Optional.of(false))
                                && r.claimant().equals(Optional.of(self)));
    }

    /**
     * Whether this twin, asked for by name and unable to reach the store, may answer without a
     * claim: it reaches at least one peer and none of them reaches the store (so none can take over).
     */
    public boolean noPeerReachesStore() {
        List<Report> reached = reached();
        return !reached.isEmpty()
                && reached.stream().allMatch(r -> r.storeReachable().equals(Optional.of(false)));
    }

    /** The peers reached now that say they cannot reach the store: they cannot claim, so they cannot answer. */
    public Set<String> peersWithoutStore() {
        long now = nanoTime.getAsLong();
        return reports.entrySet().stream()
                .filter(e -> now - e.getValue().atNanos() <= fresh.toNanos())
                .filter(e -> e.getValue().storeReachable().equals(Optional.of(false)))
                .map(Map.Entry::getKey)
                .collect(Collectors.toUnmodifiableSet());
    }

    private List<Report> reached() {
        long now = nanoTime.getAsLong();
        return reports.values().stream()
                .filter(r -> now - r.atNanos() <= fresh.toNanos())
                .toList();
    }
}
