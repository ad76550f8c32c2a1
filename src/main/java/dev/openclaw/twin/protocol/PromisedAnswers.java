package dev.openclaw.twin.protocol;

import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This twin's answers without the store: it may answer a message without a claim only once every
 * peer it reaches has promised to leave it that message ({@link PeerPromises}, judged by {@link
 * PeerAgreement}). The round of promises starts at the decide and the confirm waits for it; a
 * message decide left silent for want of the peers' word is answered through a turn of its own
 * if the word comes in time.
 */
final class PromisedAnswers {

    private static final Logger LOG = LoggerFactory.getLogger(PromisedAnswers.class);

    private final String self;
    private final PeerPromises promises;
    private final PeerAgreement agreement;
    private final TurnStarter turns;
    private final OutageJournal journal;
    private final LongSupplier nanoTime;

    /**
     * A message this twin would answer without a claim but could not yet: its peers' word had not
     * come (an outage's first heartbeat). {@code routine}: it needs {@link
     * PeerAgreement#confirmsClaimant}, else (asked for by name) {@link PeerAgreement#noPeerReachesStore}.
     */
    private record AwaitingAgreement(MessageEntry entry, boolean routine) {}

    private final Queue<AwaitingAgreement> awaitingAgreement = new ConcurrentLinkedQueue<>();

    PromisedAnswers(
            String self,
            PeerPromises promises,
            PeerAgreement agreement,
            TurnStarter turns,
            OutageJournal journal,
            LongSupplier nanoTime) {
        this.self = self;
        this.promises = promises;
        this.agreement = agreement;
        this.turns = turns;
        this.journal = journal;
        this.nanoTime = nanoTime;
    }

    /**
     * Starts the round of the peers' promises that this twin's reply to {@code entry} waits for at
     * its confirm; it completes true if every peer reached promised (see {@link PeerAgreement}).
     */
    CompletableFuture<Boolean> ask(MessageEntry entry) {
        Duration decidedAgo = Duration.ofNanos(Math.max(0, nanoTime.getAsLong() - entry.decidedNanos()));
        CompletableFuture<Map<String, PeerPromises.Answer>> asked =
                promises.ask(new PeerPromises.Request(self, entry.identity(), decidedAgo));
        if (!promises.roundTime().isZero()) {
            asked = asked.orTimeout(promises.roundTime().toMillis(), TimeUnit.MILLISECONDS);
        }
        CompletableFuture<Boolean> round =
                asked.thenApply(agreement::promisedByEveryPeerReached).exceptionally(failure -> false);
        entry.answerOnPromises(round);
        return round;
    }

    /** Keeps {@code entry}'s text (within the ledger's watch budget) until the peers' word comes or is too late. */
    void awaitAgreement(MessageEntry entry, boolean routine) {
        entry.awaitAgreement();
        awaitingAgreement.add(new AwaitingAgreement(entry, routine));
    }

    /**
     * Answers, through a takeover turn of its own gateway, the messages that decide left silent for
     * want of the peers' agreement, if it has come since: within {@link PeerAgreement#fresh()} of
     * the decide, the window in which each peer that said it cannot reach the store takes no such
     * message over. Runs whether or not the store is reachable.
     */
    void answerOnAgreement(long now) {
        for (var it = awaitingAgreement.iterator(); it.hasNext(); ) {
            AwaitingAgreement waiting = it.next();
            MessageEntry entry = waiting.entry();
            if (!entry.awaitingAgreement()) {
                it.remove(); // the watch budget was spent: its text is gone
                continue;
            }
            if (now - entry.decidedNanos() > agreement.fresh().toNanos()) {
                it.remove(); // the twins that reach the store have it, or nobody can answer it
                entry.stopAwaitingAgreement();
                continue;
            }
            boolean agreed = waiting.routine() ? agreement.confirmsClaimant(self) : agreement.noPeerReachesStore();
            if (!agreed) {
                continue;
            }
            it.remove();
            DecideRequest request;
            CompletableFuture<Boolean> round;
            synchronized (entry) {
                request = entry.request(); // whole until it stops awaiting (then only what confirm needs)
                entry.stopAwaitingAgreement();
                if (entry.freeToSend()
                        || entry.heldGeneration() > 0
                        || entry.promisedTo() != null
                        || entry.peersPromised() != null) {
                    continue;
                }
                round = ask(entry);
            }
            round.thenAccept(promised -> {
                if (promised) {
                    runWithoutClaim(entry, request);
                }
            });
        }
    }

    /** Runs the turn of a message the peers promised to leave to this twin, without a claim. */
    private void runWithoutClaim(MessageEntry entry, DecideRequest request) {
        synchronized (entry) {
            if (entry.promisedTo() != null || entry.heldGeneration() > 0) {
                return; // it promised it to a peer meanwhile, or claimed it since the store came back
            }
            LOG.warn(
                    "shared store unavailable: answering {} without a claim, as every peer reached promised",
                    request.localId());
            turns.withoutClaim(entry, request);
        }
    }

    /**
     * Confirm of a message this twin answers without a claim: once every peer reached has promised
     * to leave it to this twin (the round started at the decide; a confirm waits for one under way).
     * The answer is recorded in the store once it is back ({@link OutageJournal}).
     */
    boolean confirm(MessageEntry entry, CompletableFuture<Boolean> round) {
        boolean promised;
        try {
            promised = promises.roundTime().isZero()
                    ? round.getNow(false)
                    : round.get(promises.roundTime().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            promised = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            promised = false;
        }
        synchronized (entry) {
            if (!promised || entry.promisedTo() != null) {
                LOG.info(
                        "reply to {} refused: not every peer reached promised to leave it to this twin",
                        entry.request().localId());
                noRound(entry, round);
                return false;
            }
            if (!entry.sent()) {
                entry.markSent();
                journal.answeredWithoutStore(entry);
            }
            return true;
        }
    }

    /**
     * This twin's reply on the peers' promises did not go out: the message is taken over by claim
     * once the store is back (by this twin too: peers that promised leave it to this twin), even if
     * the round completes true later.
     */
    static void noRound(MessageEntry entry, CompletableFuture<Boolean> round) {
        synchronized (entry) {
            if (entry.peersPromised() == round) {
                entry.answerOnPromises(CompletableFuture.completedFuture(false));
            }
        }
    }
}
