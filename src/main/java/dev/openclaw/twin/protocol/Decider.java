package dev.openclaw.twin.protocol;

import dev.openclaw.twin.coordination.Evaluation;
import dev.openclaw.twin.coordination.FlockView;
import dev.openclaw.twin.coordination.Reason;
import dev.openclaw.twin.coordination.ResponseRules;
import dev.openclaw.twin.state.ArbiterUnavailableException;
import dev.openclaw.twin.state.ClaimState;
import dev.openclaw.twin.state.StoreUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/decide}: whether this twin's gateway answers a message, at once. A routine
 * message is answered by the holder of its claim; the others watch it for a takeover. Without the
 * store this twin cannot claim, so it steps down: the claimant answers without a claim only when
 * every peer it reaches agrees ({@link PeerAgreement}) and then promises ({@link PromisedAnswers});
 * otherwise it stays silent and the twins that reach the store take over by claims.
 */
final class Decider {

    private static final Logger LOG = LoggerFactory.getLogger(Decider.class);

    /** The largest message (in characters) a claimant keeps watching until its confirm. */
    static final int CLAIMANT_WATCH_CHARS = 4096;

    private final String self;
    private final ResponseRules rules;
    private final Duration takeoverDelay;
    private final Supplier<FlockView> view;
    private final MessageLedger ledger;
    private final RepeatCounter counter;
    private final LateRequests late;
    private final GivenPromises given;
    private final ClaimFence fence;
    private final PromisedAnswers promised;
    private final PeerAgreement agreement;
    private final ProtocolMetrics metrics;
    private final LongSupplier nanoTime;
    private final Executor background;

    Decider(
            String self,
            ResponseRules rules,
            Duration takeoverDelay,
            Supplier<FlockView> view,
            MessageLedger ledger,
            RepeatCounter counter,
            LateRequests late,
            GivenPromises given,
            ClaimFence fence,
            PromisedAnswers promised,
            PeerAgreement agreement,
            ProtocolMetrics metrics,
            LongSupplier nanoTime,
            Executor background) {
        this.self = self;
        this.rules = rules;
        this.takeoverDelay = takeoverDelay;
        this.view = view;
        this.ledger = ledger;
        this.counter = counter;
        this.late = late;
        this.given = given;
        this.fence = fence;
        this.promised = promised;
        this.agreement = agreement;
        this.metrics = metrics;
        this.nanoTime = nanoTime;
        this.background = background;
    }

    /** Answers at once; a repeated request gets the same answer. */
    DecideAnswer decide(DecideRequest request) {
        long start = nanoTime.getAsLong();
        MessageEntry entry = ledger.entry(request.localId(), id -> counter.newEntry(request, start));
        synchronized (entry) {
            DecideAnswer answer = entry.answer();
            if (answer == null) {
                try {
                    answer = decideFirst(entry, start);
                    entry.answer(answer);
                    if (answer.respond()) {
                        entry.turnStarted(start);
                    }
                } finally {
                    ledger.settle(entry); // keeps the text only if watched (bounded)
                }
                metrics.decided(answer.reason(), nanoTime.getAsLong() - start);
            }
            return answer;
        }
    }

    private DecideAnswer decideFirst(MessageEntry entry, long start) {
        FlockView flock = view.get();
        Evaluation evaluation = rules.evaluate(entry.request().message(), flock);
        if (late.staleDecide(entry.request().receivedAt())) {
            // Its gateway has given up on this decide (it was paused, or slow): this twin stays out
            // of it entirely, and the other twins, who saw the message in time, handle it.
            LOG.info(
                    "decide for {} arrived late; staying silent",
                    entry.request().localId());
            return answer(false, silentReason(evaluation), null, start);
        }
        Optional<String> promisedTo = given.promisedTo(entry.identity(), entry.decidedNanos());
        boolean everyoneAsked =
                evaluation instanceof Evaluation.Settled s && s.responders().size() > 1;
        if (promisedTo.isPresent() && !everyoneAsked) {
            // This twin promised a peer that could not reach the store either to leave it this
            // message, before its own gateway asked about it.
            entry.promiseTo(promisedTo.get());
            LOG.info("{} is left to {}, as promised", entry.request().localId(), promisedTo.get());
            return answer(false, silentReason(evaluation), promisedTo.get(), start);
        }
        return switch (evaluation) {
            case Evaluation.Settled settled -> decideSettled(entry, settled, flock, start);
            case Evaluation.Routine routine -> decideRoutine(entry, routine, flock, start);
        };
    }

    private static Reason silentReason(Evaluation evaluation) {
        return switch (evaluation) {
            case Evaluation.Settled settled -> settled.otherReason();
            case Evaluation.Routine routine -> Reason.STANDBY;
        };
    }

    /** A message the rules settle by its text: named twins, "just X", "both of you", machine-specific. */
    private DecideAnswer decideSettled(MessageEntry entry, Evaluation.Settled settled, FlockView flock, long start) {
        boolean respond = settled.responders().contains(self);
        if (respond && settled.responders().size() == 1) {
            // One twin is asked for: it claims the message too, so that a twin that sees it as
            // down (and the message as routine) finds the claim and stays silent.
            return decideSingle(entry, settled, start);
        }
        if (respond) {
            entry.sendWithoutClaim();
            markAnswered(entry, settled.reason());
        } else if (settled.responders().size() == 1 && entry.key() != null && flock.isOnline(self)) {
            // The one twin asked for claims it at once; if it cannot (it is down, or sees itself
            // down), the others take over in turn rather than leave it unanswered.
            String asked = settled.responders().iterator().next();
            List<String> others = new ArrayList<>(flock.roles().order());
            others.remove(asked);
            entry.watch(
                    start + takeoverDelay.multipliedBy(others.indexOf(self) + 1).toNanos());
        }
        return answer(respond, respond ? settled.reason() : settled.otherReason(), null, start);
    }

    private DecideAnswer decideRoutine(MessageEntry entry, Evaluation.Routine routine, FlockView flock, long start) {
        boolean claimant = routine.claimant().equals(self);
        if (entry.key() == null) {
            return decideWithoutStore(entry, routine, start);
        }
        try {
            if (claimant && fence.claim(entry, routine.claimantReason(), 1)) {
                // Watched until confirmed: if its confirm meets an outage the claim is released, and
                // this twin may take it again (the others may have decided it without the store,
                // unable to count or watch it). Only a message of chat size: the watch keeps the text,
                // and a flood of 64 KB texts this twin answers must not hold its watch budget.
                if (entry.request().retainedChars() <= CLAIMANT_WATCH_CHARS) {
                    entry.watch(Long.MAX_VALUE);
                }
                return answer(true, routine.claimantReason(), self, start);
            }
            ClaimState state = fence.read(entry.key());
            Optional<String> holder = ClaimFence.holderOf(state);
            if (holder.isPresent()) {
                entry.claimSeen();
                if (state instanceof ClaimState.Sent) {
                    entry.markAnsweredByPeer();
                } else {
                    entry.watch(nanoTime.getAsLong()); // for revocation if the holder goes down
                }
                return answer(false, Reason.CLAIMED_BY_OTHER, holder.get(), start);
            }
            int rank = routine.rankOf(self);
            if (rank > 0 && flock.isOnline(self)) {
                entry.watch(start + takeoverDelay.multipliedBy(rank).toNanos());
            }
            return answer(false, Reason.STANDBY, routine.claimant(), start);
        } catch (ArbiterUnavailableException e) {
            return decideWithoutArbiter(entry, routine.rankOf(self), flock, start, routine.claimant());
        } catch (StoreUnavailableException e) {
            return decideWithoutStore(entry, routine, start);
        }
    }

    /**
     * A cloud folder's arbiter cannot be asked now (it is down and not yet replaced, paused, or
     * waiting for its folder to sync), while this twin's own copy is fine: nobody can claim, so this
     * twin stays silent and watches the message, the claimant too (at once), to claim it through
     * whoever arbitrates next. Unlike a lost store this tells peers nothing: it answers nothing
     * without a claim.
     */
    private DecideAnswer decideWithoutArbiter(
            MessageEntry entry, int rank, FlockView flock, long start, String claimant) {
        metrics.storeUnavailable();
        if (rank >= 0 && flock.isOnline(self)) {
            entry.watch(start + takeoverDelay.multipliedBy(rank).toNanos());
        }
        return answer(false, Reason.STANDBY, claimant, start);
    }

    /**
     * A message every live twin answers ("both of you", machine-specific) needs no claim, but a twin
     * whose view differs (a peer it sees down, a cloud folder's lag) may take it for routine and
     * take it over when it finds no claim (CloudFolderIT: answered by a third twin). So the first
     * twin to answer it records it as answered; a failure to do so changes nothing else. Off the
     * decide: the record is two store writes, and a lagging twin takes over only after its delay.
     */
    private void markAnswered(MessageEntry entry, Reason reason) {
        String key = entry.key();
        if (key == null) {
            return;
        }
        background.execute(() -> {
            try {
                fence.recordSent(key, reason.code(), 1);
            } catch (StoreUnavailableException e) {
                metrics.storeUnavailable(); // answered all the same: every live twin answers it
            }
        });
    }

    /** The one twin a message asks for claims it; if someone else already did, it stays silent. */
    private DecideAnswer decideSingle(MessageEntry entry, Evaluation.Settled settled, long start) {
        if (entry.key() == null) {
            metrics.storeUnavailable();
            return decideSingleWithoutStore(entry, settled, start);
        }
        try {
            if (fence.claim(entry, settled.reason(), 1)) {
                return answer(true, settled.reason(), self, start);
            }
            String holder = ClaimFence.holderOf(fence.read(entry.key())).orElse("unknown");
            return answer(false, Reason.CLAIMED_BY_OTHER, holder, start);
        } catch (ArbiterUnavailableException e) {
            // Asked for by name, it is first in line: it claims the message once an arbiter answers.
            return decideWithoutArbiter(entry, 0, view.get(), start, self);
        } catch (StoreUnavailableException e) {
            metrics.storeUnavailable();
            return decideSingleWithoutStore(entry, settled, start);
        }
    }

    /**
     * Asked for by name without the store: this twin answers only if no peer it reaches can reach
     * the store (none of them can take the message over); otherwise those peers do, by claims.
     */
    private DecideAnswer decideSingleWithoutStore(MessageEntry entry, Evaluation.Settled settled, long start) {
        if (agreement.noPeerReachesStore()) {
            promised.ask(entry);
            if (entry.key() != null) {
                entry.watch(start); // taken over once the store is back if the peers do not all promise
            }
            return answer(true, settled.reason(), self, start);
        }
        LOG.warn(
                "shared store unavailable: staying silent on {} (a peer may still reach the store, or none answers)",
                entry.request().localId());
        promised.awaitAgreement(entry, false);
        return answer(false, Reason.STANDBY, null, start);
    }

    /**
     * This twin cannot reach the store, so it cannot claim: it steps down (Curator's LOST, Patroni's
     * failsafe). The claimant answers without a claim only if every peer it reaches directly says
     * that it is the claimant and that they cannot reach the store either, and then promises to
     * leave the message to it (confirm waits for those promises); a twin reaching no peer stays
     * silent. Everyone else stays silent: the twins that still reach the store take the message
     * over through claims, and this one too once the store is back, unless it promised.
     */
    private DecideAnswer decideWithoutStore(MessageEntry entry, Evaluation.Routine routine, long start) {
        metrics.storeUnavailable();
        boolean claimant = routine.claimant().equals(self);
        if (claimant && agreement.confirmsClaimant(self)) {
            LOG.warn(
                    "shared store unavailable: answering {} without a claim, if every peer reached promises",
                    entry.request().localId());
            promised.ask(entry);
            if (entry.key() != null) {
                entry.watch(start); // taken over once the store is back if the peers do not all promise
            }
            return answer(true, routine.claimantReason(), self, start);
        }
        int rank = routine.rankOf(self);
        if (entry.key() != null && rank >= 0 && view.get().isOnline(self)) {
            // Taken over once the store is back, if still unclaimed (the claimant first).
            entry.watch(start + takeoverDelay.multipliedBy(rank).toNanos());
        }
        LOG.warn(
                "shared store unavailable: staying silent on {}{}",
                entry.request().localId(),
                claimant ? " (not every peer reached confirms this twin may answer)" : "");
        if (claimant) {
            promised.awaitAgreement(entry, true);
        }
        return answer(false, Reason.STANDBY, routine.claimant(), start);
    }

    private DecideAnswer answer(boolean respond, Reason reason, String claimedBy, long start) {
        return new DecideAnswer(
                respond,
                reason.code(),
                self,
                claimedBy,
                Duration.ofNanos(nanoTime.getAsLong() - start).toMillis());
    }
}
