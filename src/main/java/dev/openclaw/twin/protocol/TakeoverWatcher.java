package dev.openclaw.twin.protocol;

import dev.openclaw.twin.coordination.FlockView;
import dev.openclaw.twin.coordination.Reason;
import dev.openclaw.twin.state.Claim;
import dev.openclaw.twin.state.ClaimState;
import dev.openclaw.twin.state.StoreUnavailableException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks after the messages this twin watches until somebody has answered them: claims one nobody
 * claimed after its rank × takeover_delay, revokes a claim whose holder is down or has restarted
 * and takes it over with the next generation, and, once the store is back after an outage, records
 * what was answered without it and revokes what was given up meanwhile. A twin that is not live by
 * its own view, or cannot reach the store, takes nothing over.
 */
final class TakeoverWatcher {

    private static final Logger LOG = LoggerFactory.getLogger(TakeoverWatcher.class);

    /** A message nobody has answered after this long is no longer watched. */
    static final Duration WATCH_LIMIT = Duration.ofMinutes(10);
    /**
     * A turn of this twin's gateway that has not confirmed this long after it began is taken for
     * lost: taking its message over again starts a new turn.
     */
    static final Duration TURN_LIMIT = Duration.ofMinutes(5);

    private final String self;
    private final MessageLedger ledger;
    private final Supplier<FlockView> view;
    private final ClaimFence fence;
    private final RepeatCounter counter;
    private final TurnStarter turns;
    private final PromisedAnswers promised;
    private final OutageJournal journal;
    private final ProtocolMetrics metrics;
    private final LongSupplier nanoTime;

    TakeoverWatcher(
            String self,
            MessageLedger ledger,
            Supplier<FlockView> view,
            ClaimFence fence,
            RepeatCounter counter,
            TurnStarter turns,
            PromisedAnswers promised,
            OutageJournal journal,
            ProtocolMetrics metrics,
            LongSupplier nanoTime) {
        this.self = self;
        this.ledger = ledger;
        this.view = view;
        this.fence = fence;
        this.counter = counter;
        this.turns = turns;
        this.promised = promised;
        this.journal = journal;
        this.metrics = metrics;
        this.nanoTime = nanoTime;
    }

    /** Looks after every watched message once: takeovers and revocations. Called every ~100 ms. */
    void tick() {
        long now = nanoTime.getAsLong();
        FlockView flock = view.get();
        promised.answerOnAgreement(now);
        try {
            journal.reconcile();
            fence.finishGivingUp();
        } catch (StoreUnavailableException e) {
            return; // still down: nothing can be claimed, the next tick tries again
        }
        for (MessageEntry entry : ledger.entries()) {
            if (!entry.watching()) {
                continue;
            }
            if (now - entry.decidedNanos() > WATCH_LIMIT.toNanos()) {
                entry.stopWatching();
                LOG.warn("gave up watching {}: nobody answered it within {}", entry.key(), WATCH_LIMIT);
                continue;
            }
            synchronized (entry) {
                try {
                    step(entry, flock, now);
                } catch (StoreUnavailableException e) {
                    return; // the next tick tries again
                }
            }
        }
    }

    private void step(MessageEntry entry, FlockView flock, long now) throws StoreUnavailableException {
        boolean live = flock.isOnline(self);
        if (entry.promisedTo() != null || entry.sent()) {
            entry.stopWatching(); // left to a peer as promised, or answered here
            return;
        }
        CompletableFuture<Boolean> round = entry.peersPromised();
        if (round != null && !(round.isDone() && !round.getNow(false))) {
            return; // answered here on the peers' promises, or it may be: not taken over as well
        }
        if (entry.heldGeneration() > 0 && entry.turnInFlight(now, TURN_LIMIT)) {
            return; // ours, its turn under way: nothing to look at in the store
        }
        ClaimState state = fence.read(entry.key());
        switch (state) {
            case ClaimState.Sent s -> {
                if (!s.end().twin().equals(self)) {
                    entry.markAnsweredByPeer();
                }
                entry.stopWatching();
            }
            case ClaimState.Unclaimed u -> {
                if (live && now >= entry.takeoverAtNanos()) {
                    if (entry.sawClaim() || counter.prunedSince(entry)) {
                        // Claimed once and pruned while it waited here (a takeover backlog longer
                        // than the claims' retention): taken again it would be answered twice. Seen
                        // claimed here, or below the repeat mark (on a cloud folder the mark comes
                        // by the sync, after the arbiter's deletion is visible).
                        LOG.info("stopped watching {}: its claim was pruned meanwhile", entry.key());
                        entry.stopWatching();
                        return;
                    }
                    take(entry, 1, now);
                }
            }
            case ClaimState.Held held -> {
                entry.claimSeen();
                Claim claim = held.claim();
                if (live
                        && fence.madeByThisRun(claim)
                        && entry.heldGeneration() < claim.generation()
                        && !entry.gaveUp()) {
                    // Ours without our knowing: a cloud folder's arbiter created it but its answer
                    // was lost. Its create is idempotent for its creator, so claiming again takes it.
                    take(entry, claim.generation(), now);
                    return;
                }
                Optional<String> abandoned = fence.abandoned(claim, flock);
                if (live && abandoned.isPresent() && fence.revoke(entry.key(), claim.generation())) {
                    LOG.info(
                            "revoked {} generation {} from {} ({})",
                            entry.key(),
                            claim.generation(),
                            claim.twin(),
                            abandoned.get());
                    take(entry, claim.generation() + 1, now);
                }
            }
            case ClaimState.Revoked revoked -> {
                entry.claimSeen();
                if (live && !entry.gaveUp()) {
                    take(entry, revoked.claim().generation() + 1, now);
                }
            }
            case ClaimState.Unreadable u -> {}
        }
    }

    private void take(MessageEntry entry, int generation, long now) throws StoreUnavailableException {
        if (!fence.claim(entry, Reason.TAKEOVER, generation)) {
            return;
        }
        metrics.takeover(now - entry.decidedNanos());
        if (entry.turnInFlight(now, TURN_LIMIT)) {
            LOG.info(
                    "took over {} (generation {}); the turn already running here confirms it", entry.key(), generation);
            return;
        }
        LOG.info("took over {} (generation {})", entry.key(), generation);
        turns.takeover(entry, generation, now, () -> fence.giveUp(entry, generation));
    }
}
