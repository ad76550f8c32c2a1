package dev.openclaw.twin.protocol;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The promises this twin gave its peers (see {@link PeerPromises}), so that a message it decides
 * only after promising to leave it to a peer is left to that peer too (a twin's gateway may receive
 * a message a little after the others). Bounded and kept as long as a message is watched.
 * Thread-safe.
 */
final class GivenPromises {

    static final int MAX_KEPT = 1024;

    /** @param decidedNanos when the asking peer decided it, on this twin's monotonic clock */
    record Given(String to, MessageIdentity identity, long decidedNanos, long atNanos) {}

    private final Deque<Given> given = new ArrayDeque<>();
    private final Duration keep;

    GivenPromises(Duration keep) {
        this.keep = keep;
    }

    /**
     * Records a promise to {@code to}, unless this twin promised the same message to another twin:
     * then that twin's name. Recorded before the promise is checked against the messages decided
     * here, so a decide running meanwhile sees one or the other ({@link #withdraw} if it fails).
     */
    synchronized java.util.Optional<String> add(
            String to,
            MessageIdentity identity,
            long decidedNanos,
            long nowNanos,
            java.util.function.Consumer<Given> added) {
        java.util.Optional<String> other = promisedTo(identity, decidedNanos).filter(peer -> !peer.equals(to));
        if (other.isPresent()) {
            return other;
        }
        Given g = new Given(to, identity, decidedNanos, nowNanos);
        given.addLast(g);
        while (given.size() > MAX_KEPT || oldestExpired(nowNanos)) {
            given.pollFirst();
        }
        added.accept(g);
        return java.util.Optional.empty();
    }

    /** Takes back a promise {@link #add} recorded that this twin could not keep after all. */
    synchronized void withdraw(Given g) {
        given.remove(g);
    }

    private boolean oldestExpired(long nowNanos) {
        Given oldest = given.peekFirst();
        return oldest != null && nowNanos - oldest.atNanos() > keep.toNanos();
    }

    /** The peer this twin promised to leave the message to, if it did. */
    synchronized java.util.Optional<String> promisedTo(MessageIdentity identity, long decidedNanos) {
        return given.stream()
                .filter(g -> covers(g.identity(), g.decidedNanos(), identity, decidedNanos))
                .map(Given::to)
                .findFirst();
    }

    /**
     * Whether a promise for {@code promised}, decided by the peer at {@code promisedNanos}, is about
     * the message this twin knows as {@code identity}, decided at {@code decidedNanos}: the same
     * global key, or the same content base decided within {@link PeerAgreement#DECIDE_SKEW} (two
     * twins' decides of one message are never further apart; a repeat of the text that much later is
     * another message).
     */
    static boolean covers(MessageIdentity promised, long promisedNanos, MessageIdentity identity, long decidedNanos) {
        if (!promised.equals(identity)) {
            return false;
        }
        return promised.global() || Math.abs(promisedNanos - decidedNanos) <= PeerAgreement.DECIDE_SKEW.toNanos();
    }
}
