package dev.openclaw.twin.protocol;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Asks the peers this twin reaches directly to promise that they leave one message to it: the
 * agreement a twin needs before it answers a message without a claim, because it cannot reach the
 * store. A peer promises only if it cannot reach the store either and has not answered the message
 * (or seen it answered); having promised, it never takes that message over nor sends its own reply
 * to it. So the claimant answers without a claim only on a promise from every peer reached, and a
 * peer that comes back to the store first cannot answer the message a second time.
 */
public interface PeerPromises {

    /**
     * One message to be left to {@code from}. {@code identity} is {@link MessageIdentity#of}'s
     * (a global key, or a content base that the peer matches with its messages decided around
     * {@code decidedAgo} ago: a content key's occurrence needs the store to be counted).
     */
    record Request(String from, MessageIdentity identity, Duration decidedAgo) {}

    /** What one peer answered: it promised, it refused (it reaches the store, or answered it), or nothing came. */
    enum Answer {
        PROMISED,
        REFUSED,
        NO_ANSWER
    }

    /**
     * Asks every peer; completes with each configured peer's answer, within {@link #roundTime()}.
     * Never completes exceptionally.
     */
    CompletableFuture<java.util.Map<String, Answer>> ask(Request request);

    /** How long a round takes at most: a confirm waits this long for one still under way. */
    Duration roundTime();

    /** No peer to ask: nothing is ever promised. */
    PeerPromises NONE = new PeerPromises() {
        @Override
        public CompletableFuture<java.util.Map<String, Answer>> ask(Request request) {
            return CompletableFuture.completedFuture(java.util.Map.of());
        }

        @Override
        public Duration roundTime() {
            return Duration.ZERO;
        }
    };
}
