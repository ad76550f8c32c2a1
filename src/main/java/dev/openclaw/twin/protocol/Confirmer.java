package dev.openclaw.twin.protocol;

import dev.openclaw.twin.state.ArbiterUnavailableException;
import dev.openclaw.twin.state.ClaimEnd;
import dev.openclaw.twin.state.StoreUnavailableException;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/confirm}: may this twin send its reply now? Yes only if it wins its claim's end
 * marker (a peer revoking the claim races for it too), if the message needs no claim, or if every
 * peer reached promised to leave it to this twin. A confirm its gateway no longer waits for gives
 * the claim up, for another twin to answer.
 */
final class Confirmer {

    private static final Logger LOG = LoggerFactory.getLogger(Confirmer.class);

    private final String self;
    private final MessageLedger ledger;
    private final LateRequests late;
    private final ClaimFence fence;
    private final PromisedAnswers promised;
    private final ProtocolMetrics metrics;
    private final LongSupplier nanoTime;

    Confirmer(
            String self,
            MessageLedger ledger,
            LateRequests late,
            ClaimFence fence,
            PromisedAnswers promised,
            ProtocolMetrics metrics,
            LongSupplier nanoTime) {
        this.self = self;
        this.ledger = ledger;
        this.late = late;
        this.fence = fence;
        this.promised = promised;
        this.metrics = metrics;
        this.nanoTime = nanoTime;
    }

    /**
     * @param askedAt when the gateway asked; a confirm older than {@link LateRequests#STALE_CONFIRM}
     *     is refused and the claim given up, since its gateway no longer waits for the answer
     */
    boolean confirm(LocalMessageId id, Optional<Instant> askedAt) {
        return confirm(id, askedAt, false);
    }

    /** @param takeoverTurn a turn this daemon dispatched (confirmed by its session), not the gateway's own */
    private boolean confirm(LocalMessageId id, Optional<Instant> askedAt, boolean takeoverTurn) {
        Optional<MessageEntry> found = ledger.find(id);
        if (found.isEmpty()) {
            LOG.info("confirm for a message never decided here: {}", id);
            metrics.confirmed(false);
            return false;
        }
        MessageEntry entry = found.get();
        boolean stale;
        boolean send;
        CompletableFuture<Boolean> round;
        synchronized (entry) {
            // Judged once the lock is held: a confirm that waited for it may be stale by now.
            stale = late.staleConfirm(askedAt);
            entry.confirmCame();
            round = entry.peersPromised();
            if (entry.resending() && !takeoverTurn) {
                LOG.info("reply to {} refused: its message is answered by the turn resent for it", id);
                send = false;
            } else if (stale) {
                LOG.info("confirm for {} arrived late; releasing the message to whoever takes it over", id);
                if (entry.watching()) {
                    fence.release(entry, entry.heldGeneration()); // this twin too, if nobody else does
                } else {
                    fence.giveUp(entry, entry.heldGeneration());
                }
                send = false;
            } else if (entry.promisedTo() != null) {
                LOG.info("reply to {} refused: this twin promised to leave it to {}", id, entry.promisedTo());
                fence.giveUp(entry, entry.heldGeneration());
                send = false;
            } else if (round != null && entry.heldGeneration() == 0) {
                send = false; // decided below, outside the lock: the round may still be under way
            } else {
                send = entry.freeToSend() || confirmClaim(entry);
                if (send) {
                    entry.markSent();
                }
            }
        }
        if (round != null && entry.heldGeneration() == 0 && !stale) {
            send = promised.confirm(entry, round);
        } else if (round != null && !send) {
            PromisedAnswers.noRound(entry, round);
        }
        metrics.confirmed(send);
        return send;
    }

    /**
     * Confirm for a reply the gateway cannot tie to a message id: a takeover turn this daemon ran
     * through {@code /hooks/agent} in session {@code sessionKey}. That is the oldest turn handed to
     * the gateway in the session that has not confirmed yet (a session's turns reply in order), else
     * the one that confirmed last (more parts of its reply). Never a message of the session this
     * twin claimed through its own decide: that one's turn confirms by its id, and taking it for the
     * takeover would leave the taken-over claim held, for another twin to revoke and answer again.
     */
    boolean confirmSession(String sessionKey, Optional<Instant> askedAt) {
        List<MessageEntry> turns = ledger.entries().stream()
                .filter(e -> sessionKey.equals(e.request().sessionKey()))
                .filter(e -> e.turnDispatchedNanos() >= 0)
                .toList();
        Optional<MessageEntry> turn = turns.stream()
                .filter(e -> e.turnConfirmedNanos() < 0)
                .min(Comparator.comparingLong(MessageEntry::turnDispatchedNanos))
                .or(() -> turns.stream().max(Comparator.comparingLong(MessageEntry::turnConfirmedNanos)));
        if (turn.isEmpty()) {
            LOG.info("confirm for session {}: this twin ran no takeover turn in it", sessionKey);
            metrics.confirmed(false);
            return false;
        }
        turn.get().turnConfirmed(nanoTime.getAsLong());
        return confirm(turn.get().request().localId(), askedAt, true);
    }

    private boolean confirmClaim(MessageEntry entry) {
        int generation = entry.heldGeneration();
        if (generation == 0) {
            return false;
        }
        try {
            ClaimEnd end = fence.send(entry.key(), generation);
            boolean send = end.sent() && end.twin().equals(self);
            if (send) {
                entry.stopWatching();
            } else {
                entry.held(0); // not ours any more: watched like any other's claim
                LOG.info(
                        "reply to {} refused: generation {} was {} by {}",
                        entry.key(),
                        generation,
                        end.kind(),
                        end.twin());
            }
            return send;
        } catch (ArbiterUnavailableException e) {
            // A cloud folder's arbiter cannot end the claim now: the gateway drops this reply and the
            // claim is revoked once an arbiter answers. Unlike a lost store or a gateway that gave up,
            // nothing is wrong with this twin: it may take the message again (with the next
            // generation) if it watches it, as may the others; the end marker keeps it to one reply.
            metrics.storeUnavailable();
            LOG.warn("reply to {} refused: no arbiter of claims answers ({})", entry.key(), e.getMessage());
            fence.release(entry, generation);
            return false;
        } catch (StoreUnavailableException e) {
            // Whether it was revoked cannot be known: at most once wins. The gateway drops this
            // reply, so the claim is given up (once the store is back) for another twin to answer:
            // its holder is alive, so nobody else would revoke it.
            metrics.storeUnavailable();
            LOG.warn("reply to {} refused: the shared store is unavailable ({})", entry.key(), e.getMessage());
            if (entry.watching()) {
                // Its text is kept: this twin may take it again once the claim is revoked, like
                // any other (they may have given theirs up the same way).
                fence.release(entry, generation);
            } else {
                fence.giveUp(entry, generation);
            }
            return false;
        }
    }
}
