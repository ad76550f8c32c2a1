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
 * last said about the shared store and who answers routine messages, and how to read a round of
 * their promises ({@link PeerPromises}): the agreement a twin needs to answer without a claim while
 * it cannot reach the store (Patroni's failsafe mode: stay primary without the DCS only if every
 * member reached agrees). The reports are a cheap first look gathered beforehand, because a decide
 * answers in milliseconds; the promises, asked per message, are what makes the answer safe. A peer
 * that does not say (an older version) confirms nothing. Thread-safe.
 */
public final class PeerAgreement {

    /** One peer's last answer. {@code storeReachable} and {@code claimant} are empty if it did not say. */
    private record Report(Optional<Boolean> storeReachable, Optional<String> claimant, long atNanos) {}

    private final LongSupplier nanoTime;
    private final Duration fresh;
    private final Map<String, Report> reports = new ConcurrentHashMap<>();
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

    /**
     * Twins decide one message at most this far apart: a decide that reaches a daemon later than
     * 750 ms after its gateway received the message claims nothing.
     */
    static final Duration DECIDE_SKEW = Duration.ofSeconds(1);

    /**
     * Whether a round of {@link PeerPromises} lets this twin answer without a claim: at least one
     * peer promised, none refused, and every peer that answered a probe within {@link #fresh()}
     * promised (one whose answer was lost may take the message over once it reaches the store). A
     * peer that has not answered lately is not reached (dead, or cut off: with the store's outage,
     * two faults at once, README).
     */
    public boolean promisedByEveryPeerReached(Map<String, PeerPromises.Answer> answers) {
        long now = nanoTime.getAsLong();
        boolean promised = false;
        for (Map.Entry<String, PeerPromises.Answer> answer : answers.entrySet()) {
            switch (answer.getValue()) {
                case PROMISED -> promised = true;
                case REFUSED -> {
                    return false;
                }
                case NO_ANSWER -> {
                    Report last = reports.get(answer.getKey());
                    if (last != null && now - last.atNanos() <= fresh.toNanos()) {
                        return false; // reached a moment ago: its answer may just be lost
                    }
                }
            }
        }
        return promised;
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
