package dev.openclaw.twin.protocol;

import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a peer that cannot reach the store and asks this twin to leave it a message ({@code POST
 * /v1/promise}). Having promised, this twin neither takes that message over nor sends a reply to
 * it, even once the store is back; a message it decides only after promising is left to the peer
 * too ({@link GivenPromises}).
 */
final class PromiseGiver {

    private static final Logger LOG = LoggerFactory.getLogger(PromiseGiver.class);

    private final String self;
    private final MessageLedger ledger;
    private final GivenPromises given;
    private final LongSupplier nanoTime;

    PromiseGiver(String self, MessageLedger ledger, GivenPromises given, LongSupplier nanoTime) {
        this.self = self;
        this.ledger = ledger;
        this.given = given;
        this.nanoTime = nanoTime;
    }

    /**
     * This twin promises only if it cannot reach the store either ({@code reachesStore}: its last
     * heartbeat's word) and neither answered the message nor saw it answered. Two twins answering
     * one message on promises at once: the first name in alphabetical order keeps it.
     */
    PromiseAnswer promise(PeerPromises.Request request, boolean reachesStore) {
        if (request.from().equals(self)) {
            return new PromiseAnswer(false, "asked by itself");
        }
        if (reachesStore) {
            return new PromiseAnswer(false, "this twin reaches the store: messages are claimed there");
        }
        long now = nanoTime.getAsLong();
        long decidedNanos = now - request.decidedAgo().toNanos();
        // Recorded first, then checked against the messages decided here: a decide that enters the
        // ledger after the scan checks the promises after entering it, so it sees this one.
        GivenPromises.Given[] recorded = new GivenPromises.Given[1];
        Optional<String> promisedBefore =
                given.add(request.from(), request.identity(), decidedNanos, now, g -> recorded[0] = g);
        if (promisedBefore.isPresent()) {
            return new PromiseAnswer(false, "promised to " + promisedBefore.get() + " already");
        }
        List<MessageEntry> same = ledger.entries().stream()
                .filter(e -> GivenPromises.covers(request.identity(), decidedNanos, e.identity(), e.decidedNanos()))
                .toList();
        Optional<String> refusal = Optional.empty();
        for (MessageEntry entry : same) {
            synchronized (entry) {
                if (entry.sent() || entry.answeredByPeer()) {
                    refusal = Optional.of("answered already");
                } else if (entry.freeToSend()) {
                    // Asked of every live twin by this twin's view ("both of you", this machine):
                    // promising would drop its own reply, which the rules ask for.
                    refusal = Optional.of("this twin answers it too");
                } else if (entry.promisedTo() != null && !entry.promisedTo().equals(request.from())) {
                    refusal = Optional.of("promised to " + entry.promisedTo() + " already");
                } else if (entry.peersPromised() != null && self.compareTo(request.from()) < 0) {
                    refusal = Optional.of("this twin answers it without a claim");
                }
            }
            if (refusal.isPresent()) {
                given.withdraw(recorded[0]);
                return new PromiseAnswer(false, refusal.get());
            }
        }
        for (MessageEntry entry : same) {
            synchronized (entry) {
                if (entry.sent()) {
                    // Answered between the two looks: no promise (the entries already marked stay
                    // silent, which is safe; the asking twin does not answer without this promise).
                    given.withdraw(recorded[0]);
                    return new PromiseAnswer(false, "answered already");
                }
                entry.promiseTo(request.from());
            }
        }
        LOG.info(
                "promised {} to leave it {}", request.from(), request.identity().value());
        return new PromiseAnswer(true, "promised");
    }
}
