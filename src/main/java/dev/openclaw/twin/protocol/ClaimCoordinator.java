package dev.openclaw.twin.protocol;

import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.coordination.Evaluation;
import dev.openclaw.twin.coordination.FlockView;
import dev.openclaw.twin.coordination.Reason;
import dev.openclaw.twin.coordination.ResponseRules;
import dev.openclaw.twin.state.ArbiterUnavailableException;
import dev.openclaw.twin.state.Claim;
import dev.openclaw.twin.state.ClaimEnd;
import dev.openclaw.twin.state.ClaimState;
import dev.openclaw.twin.state.StateStore;
import dev.openclaw.twin.state.StoreUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The message protocol of DESIGN §4 as one twin runs it: decide at once, confirm before sending,
 * and watch standby messages until someone has answered them.
 *
 * <p>At most one answer: a routine message is answered only by the holder of its claim (an atomic
 * create in the store), and a reply is sent only after {@link #confirm} wins the generation's end
 * marker, which a twin revoking the claim races for too. At least one answer: every twin that
 * did not claim a routine message watches it; without a claim after its rank × takeover_delay it
 * claims it itself, and a claim whose holder goes down before confirming is revoked and taken over
 * with the next generation. Decide never waits: takeovers run on {@link #tick()} and the dispatcher.
 *
 * <p>While this twin cannot reach the store it cannot claim, so it steps down: the claimant answers
 * without a claim only when every peer it reaches directly agrees ({@link PeerAgreement}: they
 * cannot reach the store either and see it as the claimant); otherwise it stays silent and the
 * twins that reach the store take over by claims. A twin without the store takes nothing over.
 */
public final class ClaimCoordinator {

    private static final Logger LOG = LoggerFactory.getLogger(ClaimCoordinator.class);

    /** A message nobody has answered after this long is no longer watched. */
    static final Duration WATCH_LIMIT = Duration.ofMinutes(10);
    /** Decided messages are remembered this long (a confirm may come minutes after its decide). */
    static final Duration KEEP_ENTRIES = Duration.ofHours(1);
    /**
     * A decide that reaches the daemon later than this after its gateway received the message has
     * been given up by the gateway (the plugin's timeout is shorter): claiming it would leave it
     * held by a twin whose gateway is not going to answer.
     */
    static final Duration STALE_DECIDE = Duration.ofMillis(750);
    /** Likewise for a confirm: its gateway has stopped waiting and will not send. */
    static final Duration STALE_CONFIRM = Duration.ofSeconds(3);
    /**
     * A claim stored this long before a message is decided cannot be that message's: every twin
     * receives a message within milliseconds of the others, and a decide later than {@link
     * #STALE_DECIDE} claims nothing. Such a claim belongs to an earlier repeat this daemon missed.
     * So a twin that missed a repeat is back in step once repeats are this far apart.
     */
    static final Duration HEAL_AGE = Duration.ofSeconds(2);
    /**
     * A turn of this twin's gateway that has not confirmed this long after it began is taken for
     * lost: taking its message over again starts a new turn.
     */
    static final Duration TURN_LIMIT = Duration.ofMinutes(5);
    /** The largest message (in characters) a claimant keeps watching until its confirm. */
    static final int CLAIMANT_WATCH_CHARS = 4096;
    /** Content counts are remembered this long after the last repeat. */
    static final Duration KEEP_COUNTS = Duration.ofHours(24);

    private final TwinsConfig config;
    private final String self;
    private final StateStore store;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final Supplier<FlockView> view;
    private final TakeoverDispatcher dispatcher;
    private final Executor dispatchExecutor;
    private final ProtocolMetrics metrics;
    private final ResponseRules rules;
    private final MessageLedger ledger = new MessageLedger();
    private final Duration takeoverDelay;
    private final String incarnation;
    private final HolderRuns holderRuns;
    private final PeerAgreement agreement;
    private final PeerPromises promises;
    private final GivenPromises given = new GivenPromises(WATCH_LIMIT);
    private final long createdNanos;

    public ClaimCoordinator(
            TwinsConfig config,
            String self,
            StateStore store,
            Clock clock,
            LongSupplier nanoTime,
            Supplier<FlockView> view,
            TakeoverDispatcher dispatcher,
            Executor dispatchExecutor,
            ProtocolMetrics metrics) {
        this(
                config,
                self,
                store,
                clock,
                nanoTime,
                view,
                dispatcher,
                dispatchExecutor,
                metrics,
                java.util.UUID.randomUUID().toString(),
                HolderRuns.NONE,
                new PeerAgreement(nanoTime, Duration.ZERO),
                PeerPromises.NONE);
    }

    /**
     * @param incarnation this run of the daemon, written into every claim it makes
     * @param holderRuns the peers' runs: a claim whose holder has restarted since is taken over
     * @param agreement what the peers reached directly say: without the store, this twin answers only
     *     with their agreement
     * @param promises asks the peers, per message, to leave it to this twin (without the store)
     */
    public ClaimCoordinator(
            TwinsConfig config,
            String self,
            StateStore store,
            Clock clock,
            LongSupplier nanoTime,
            Supplier<FlockView> view,
            TakeoverDispatcher dispatcher,
            Executor dispatchExecutor,
            ProtocolMetrics metrics,
            String incarnation,
            HolderRuns holderRuns,
            PeerAgreement agreement,
            PeerPromises promises) {
        this.promises = promises;
        this.incarnation = incarnation;
        this.holderRuns = holderRuns;
        this.agreement = agreement;
        this.config = config;
        this.self = self;
        this.store = store;
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.view = view;
        this.dispatcher = dispatcher;
        this.dispatchExecutor = dispatchExecutor;
        this.metrics = metrics;
        this.rules = new ResponseRules(config);
        this.takeoverDelay = config.coordination().takeoverDelay();
        this.createdNanos = nanoTime.getAsLong();
    }

    // ---- decide -------------------------------------------------------------------------------

    /** {@code POST /v1/decide}: answers at once; a repeated request gets the same answer. */
    public DecideAnswer decide(DecideRequest request) {
        long start = nanoTime.getAsLong();
        MessageEntry entry = ledger.entry(request.localId(), id -> newEntry(request, start));
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

    private MessageEntry newEntry(DecideRequest request, long nowNanos) {
        if (ClaimKeys.hasGlobalIds(request.message())) {
            String key = ClaimKeys.globalKey(request.message());
            // Stale: its gateway gave up on it, decided silent, not counted (see decideFirst).
            return new MessageEntry(
                    request,
                    isStale(request.receivedAt(), STALE_DECIDE) ? null : key,
                    new MessageIdentity(key, true),
                    nowNanos);
        }
        // The base hashes the whole text: computed once, for the key and the identity both.
        String base = ClaimKeys.contentBase(request.message());
        String key;
        if (isStale(request.receivedAt(), STALE_DECIDE)) {
            key = null;
        } else {
            try {
                key = ClaimKeys.contentKey(
                        base, ledger.nextOccurrence(base, nowNanos, counted -> occurrence(base, counted)));
            } catch (UncheckedStoreException e) {
                key = null; // the store is down: decided without claims, and not counted
            }
        }
        return new MessageEntry(request, key, new MessageIdentity(base, false), nowNanos);
    }

    /**
     * The occurrence of {@code base} this message is, from this daemon's count, checked against the
     * claims in the store. A claim stored well before now (older than {@link #HEAL_AGE} by the
     * store's own ages) belongs to an earlier message this daemon never saw (it was down, or its
     * gateway missed it): the count skips past it. On first sight since start, claims stored before
     * the start are earlier messages too.
     */
    private int occurrence(String base, int counted) {
        try {
            Duration earlier = HEAL_AGE;
            if (counted < 0) {
                // Older than this daemon's run (a second more, for the store's timestamp granularity).
                Duration running =
                        Duration.ofNanos(nanoTime.getAsLong() - createdNanos).plusSeconds(1);
                earlier = running.compareTo(earlier) < 0 ? running : earlier;
            }
            // Occurrences below the store's mark were answered long ago (their claims are pruned).
            int occurrence = Math.max(Math.max(counted, 0), store.repeatsPrunedBelow(base));
            while (true) {
                Optional<Duration> age;
                try {
                    age = store.claimAge(ClaimKeys.contentKey(base, occurrence));
                } catch (ArbiterUnavailableException e) {
                    // A cloud folder's arbiter cannot be asked now: this daemon's own count stands
                    // (as it does for every message that is not a twin's first sight of its text).
                    return occurrence;
                }
                if (age.isEmpty() || age.get().compareTo(earlier) <= 0) {
                    return occurrence;
                }
                occurrence++;
            }
        } catch (StoreUnavailableException e) {
            throw new UncheckedStoreException(e);
        }
    }

    private DecideAnswer decideFirst(MessageEntry entry, long start) {
        FlockView flock = view.get();
        Evaluation evaluation = rules.evaluate(entry.request().message(), flock);
        if (isStale(entry.request().receivedAt(), STALE_DECIDE)) {
            // Its gateway has given up on this decide (it was paused, or slow): this twin stays out
            // of it entirely, and the other twins, who saw the message in time, handle it.
            LOG.info(
                    "decide for {} arrived late; staying silent",
                    entry.request().localId());
            Reason reason = switch (evaluation) {
                case Evaluation.Settled settled -> settled.otherReason();
                case Evaluation.Routine routine -> Reason.STANDBY;
            };
            return answer(false, reason, null, start);
        }
        Optional<String> promised = given.promisedTo(entry.identity(), entry.decidedNanos());
        boolean everyoneAsked =
                evaluation instanceof Evaluation.Settled s && s.responders().size() > 1;
        if (promised.isPresent() && !everyoneAsked) {
            // This twin promised a peer that could not reach the store either to leave it this
            // message, before its own gateway asked about it.
            entry.promiseTo(promised.get());
            LOG.info("{} is left to {}, as promised", entry.request().localId(), promised.get());
            Reason reason = switch (evaluation) {
                case Evaluation.Settled settled -> settled.otherReason();
                case Evaluation.Routine routine -> Reason.STANDBY;
            };
            return answer(false, reason, promised.get(), start);
        }
        return switch (evaluation) {
            case Evaluation.Settled settled -> {
                boolean respond = settled.responders().contains(self);
                if (respond && settled.responders().size() == 1) {
                    // One twin is asked for: it claims the message too, so that a twin that sees
                    // it as down (and the message as routine) finds the claim and stays silent.
                    yield decideSingle(entry, settled, start);
                }
                if (respond) {
                    entry.sendWithoutClaim();
                    markAnswered(entry, settled.reason());
                } else if (settled.responders().size() == 1 && entry.key() != null && flock.isOnline(self)) {
                    // The one twin asked for claims it at once; if it cannot (it is down, or sees
                    // itself down), the others take over in turn rather than leave it unanswered.
                    String asked = settled.responders().iterator().next();
                    List<String> others =
                            new java.util.ArrayList<>(flock.roles().order());
                    others.remove(asked);
                    entry.watch(start
                            + takeoverDelay
                                    .multipliedBy(others.indexOf(self) + 1)
                                    .toNanos());
                }
                yield answer(respond, respond ? settled.reason() : settled.otherReason(), null, start);
            }
            case Evaluation.Routine routine -> decideRoutine(entry, routine, flock, start);
        };
    }

    private DecideAnswer decideRoutine(MessageEntry entry, Evaluation.Routine routine, FlockView flock, long start) {
        boolean claimant = routine.claimant().equals(self);
        if (entry.key() == null) {
            return decideWithoutStore(entry, routine, start);
        }
        try {
            if (claimant && claim(entry, routine.claimantReason(), 1)) {
                // Watched until confirmed: if its confirm meets an outage the claim is released, and
                // this twin may take it again (the others may have decided it without the store,
                // unable to count or watch it). Only a message of chat size: the watch keeps the text,
                // and a flood of 64 KB texts this twin answers must not hold its watch budget.
                if (entry.request().retainedChars() <= CLAIMANT_WATCH_CHARS) {
                    entry.watch(Long.MAX_VALUE);
                }
                return answer(true, routine.claimantReason(), self, start);
            }
            ClaimState state = store.readClaim(entry.key());
            Optional<String> holder = holderOf(state);
            if (holder.isPresent()) {
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
     * twin to answer it records it as answered; a failure to do so changes nothing else.
     */
    private void markAnswered(MessageEntry entry, Reason reason) {
        if (entry.key() == null) {
            return;
        }
        try {
            Instant now = clock.instant();
            if (store.createClaim(new Claim(entry.key(), self, reason.code(), now, 1, incarnation))) {
                store.endClaim(entry.key(), 1, new ClaimEnd(ClaimEnd.SENT, self, now));
            }
        } catch (StoreUnavailableException e) {
            metrics.storeUnavailable(); // answered all the same: every live twin answers it
        }
    }

    /** The one twin a message asks for claims it; if someone else already did, it stays silent. */
    private DecideAnswer decideSingle(MessageEntry entry, Evaluation.Settled settled, long start) {
        if (entry.key() == null) {
            metrics.storeUnavailable();
            return decideSingleWithoutStore(entry, settled, start);
        }
        try {
            if (claim(entry, settled.reason(), 1)) {
                return answer(true, settled.reason(), self, start);
            }
            String holder = holderOf(store.readClaim(entry.key())).orElse("unknown");
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
            answerOnPromises(entry);
            if (entry.key() != null) {
                entry.watch(start); // taken over once the store is back if the peers do not all promise
            }
            return answer(true, settled.reason(), self, start);
        }
        LOG.warn(
                "shared store unavailable: staying silent on {} (a peer may still reach the store, or none answers)",
                entry.request().localId());
        awaitAgreement(entry, false);
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
        if (routine.claimant().equals(self) && agreement.confirmsClaimant(self)) {
            LOG.warn(
                    "shared store unavailable: answering {} without a claim, if every peer reached promises",
                    entry.request().localId());
            answerOnPromises(entry);
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
                routine.claimant().equals(self) ? " (not every peer reached confirms this twin may answer)" : "");
        if (routine.claimant().equals(self)) {
            awaitAgreement(entry, true);
        }
        return answer(false, Reason.STANDBY, routine.claimant(), start);
    }

    /**
     * A message this twin would answer without a claim but could not yet: its peers' word had not
     * come (an outage's first heartbeat). {@code routine}: it needs {@link
     * PeerAgreement#confirmsClaimant}, else (asked for by name) {@link PeerAgreement#noPeerReachesStore}.
     */
    private record AwaitingAgreement(MessageEntry entry, boolean routine) {}

    private final java.util.Queue<AwaitingAgreement> awaitingAgreement =
            new java.util.concurrent.ConcurrentLinkedQueue<>();

    /**
     * Starts the round of the peers' promises that this twin's reply to {@code entry} waits for at
     * its confirm; it completes true if every peer reached promised (see {@link PeerAgreement}).
     */
    private CompletableFuture<Boolean> answerOnPromises(MessageEntry entry) {
        Duration decidedAgo = Duration.ofNanos(Math.max(0, nanoTime.getAsLong() - entry.decidedNanos()));
        CompletableFuture<Map<String, PeerPromises.Answer>> asked =
                promises.ask(new PeerPromises.Request(self, entry.identity(), decidedAgo));
        if (!promises.roundTime().isZero()) {
            asked = asked.orTimeout(promises.roundTime().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        CompletableFuture<Boolean> round =
                asked.thenApply(agreement::promisedByEveryPeerReached).exceptionally(failure -> false);
        entry.answerOnPromises(round);
        return round;
    }

    /** Keeps {@code entry}'s text (within the ledger's watch budget) until the peers' word comes or is too late. */
    private void awaitAgreement(MessageEntry entry, boolean routine) {
        entry.awaitAgreement();
        awaitingAgreement.add(new AwaitingAgreement(entry, routine));
    }

    /**
     * Answers, through a takeover turn of its own gateway, the messages that decide left silent for
     * want of the peers' agreement, if it has come since: within {@link PeerAgreement#fresh()} of
     * the decide, the window in which each peer that said it cannot reach the store takes no such
     * message over. Runs whether or not the store is reachable.
     */
    private void answerOnAgreement(long now) {
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
                round = answerOnPromises(entry);
            }
            round.thenAccept(promised -> {
                if (promised) {
                    dispatchWithoutClaim(entry, request);
                }
            });
        }
    }

    /** Runs the turn of a message the peers promised to leave to this twin, without a claim. */
    private void dispatchWithoutClaim(MessageEntry entry, DecideRequest request) {
        synchronized (entry) {
            if (entry.promisedTo() != null || entry.heldGeneration() > 0) {
                return; // it promised it to a peer meanwhile, or claimed it since the store came back
            }
            entry.turnDispatched(nanoTime.getAsLong());
        }
        LOG.warn(
                "shared store unavailable: answering {} without a claim, as every peer reached promised",
                request.localId());
        // Generation 0: no claim. Without a content key (the store was needed to count), the
        // gateway's own id names the turn, for the dispatcher's idempotency key.
        LocalMessageId local = request.localId();
        String turnKey = entry.key() != null
                ? entry.key()
                : "without-store:" + local.channel() + ":" + local.conversationId() + ":" + local.messageId();
        TakeoverDispatcher.Takeover takeover =
                new TakeoverDispatcher.Takeover(request, self, Reason.TAKEOVER.code(), 0, turnKey);
        dispatchExecutor.execute(() -> dispatcher.dispatch(takeover));
    }

    private DecideAnswer answer(boolean respond, Reason reason, String claimedBy, long start) {
        return new DecideAnswer(
                respond,
                reason.code(),
                self,
                claimedBy,
                Duration.ofNanos(nanoTime.getAsLong() - start).toMillis());
    }

    private static Optional<String> holderOf(ClaimState state) {
        return switch (state) {
            case ClaimState.Unclaimed u -> Optional.empty();
            case ClaimState.Unreadable u -> Optional.of("unknown");
            case ClaimState.Held h -> Optional.of(h.claim().twin());
            case ClaimState.Sent s -> Optional.of(s.claim().twin());
            case ClaimState.Revoked r -> Optional.of(r.claim().twin());
        };
    }

    // ---- confirm ------------------------------------------------------------------------------

    private boolean isStale(Optional<java.time.Instant> sentAt, Duration limit) {
        return sentAt.filter(t -> Duration.between(t, clock.instant()).compareTo(limit) > 0)
                .isPresent();
    }

    /**
     * {@code POST /v1/confirm}: may this twin send its reply to {@code id} now?
     *
     * @param askedAt when the gateway asked; a confirm older than {@link #STALE_CONFIRM} is refused
     *     and the claim given up, since its gateway no longer waits for the answer
     */
    public boolean confirm(LocalMessageId id, Optional<java.time.Instant> askedAt) {
        Optional<MessageEntry> found = ledger.find(id);
        if (found.isEmpty()) {
            LOG.info("confirm for a message never decided here: {}", id);
            metrics.confirmed(false);
            return false;
        }
        MessageEntry entry = found.get();
        boolean send;
        CompletableFuture<Boolean> round;
        synchronized (entry) {
            entry.confirmCame();
            round = entry.peersPromised();
            if (isStale(askedAt, STALE_CONFIRM)) {
                LOG.info("confirm for {} arrived late; releasing the message to whoever takes it over", id);
                if (entry.watching()) {
                    release(entry, entry.heldGeneration()); // this twin too, if nobody else does
                } else {
                    giveUp(entry, entry.heldGeneration());
                }
                send = false;
            } else if (entry.promisedTo() != null) {
                LOG.info("reply to {} refused: this twin promised to leave it to {}", id, entry.promisedTo());
                giveUp(entry, entry.heldGeneration());
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
        if (round != null && entry.heldGeneration() == 0 && !isStale(askedAt, STALE_CONFIRM)) {
            send = confirmOnPromises(entry, round);
        } else if (round != null && !send) {
            noRound(entry, round);
        }
        metrics.confirmed(send);
        return send;
    }

    /**
     * Confirm of a message this twin answers without a claim: once every peer reached has promised
     * to leave it to this twin (the round started at the decide; a confirm waits for one under way).
     * The answer is recorded in the store once it is back ({@link #reconcile}).
     */
    private boolean confirmOnPromises(MessageEntry entry, CompletableFuture<Boolean> round) {
        boolean promised;
        try {
            promised = promises.roundTime().isZero()
                    ? round.getNow(false)
                    : round.get(promises.roundTime().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
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
                recordAnsweredWithoutStore(entry);
            }
            return true;
        }
    }

    /**
     * This twin's reply on the peers' promises did not go out: the message is taken over by claim
     * once the store is back (by this twin too: peers that promised leave it to this twin), even if
     * the round completes true later.
     */
    private static void noRound(MessageEntry entry, CompletableFuture<Boolean> round) {
        synchronized (entry) {
            if (entry.peersPromised() == round) {
                entry.answerOnPromises(CompletableFuture.completedFuture(false));
            }
        }
    }

    /**
     * A peer that cannot reach the store asks this twin to leave it a message: {@code POST
     * /v1/promise}. This twin promises only if it cannot reach the store either ({@code
     * reachesStore}: its last heartbeat's word) and neither answered the message nor saw it
     * answered; from then on it neither takes that message over nor sends a reply to it, even once
     * the store is back. Two twins answering one message on promises at once: the first name in
     * alphabetical order keeps it.
     */
    public PromiseAnswer promise(PeerPromises.Request request, boolean reachesStore) {
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

    /** {@code POST /v1/promise}'s answer. */
    public record PromiseAnswer(boolean promised, String reason) {}

    /**
     * Confirm for a reply the gateway cannot tie to a message id: a takeover turn this daemon ran
     * through {@code /hooks/agent} in session {@code sessionKey}. That is the oldest turn handed to
     * the gateway in the session that has not confirmed yet (a session's turns reply in order), else
     * the one that confirmed last (more parts of its reply). Never a message of the session this
     * twin claimed through its own decide: that one's turn confirms by its id, and taking it for the
     * takeover would leave the taken-over claim held, for another twin to revoke and answer again.
     */
    public boolean confirmSession(String sessionKey, Optional<Instant> askedAt) {
        List<MessageEntry> turns = ledger.entries().stream()
                .filter(e -> sessionKey.equals(e.request().sessionKey()))
                .filter(e -> e.turnDispatchedNanos() >= 0)
                .toList();
        Optional<MessageEntry> turn = turns.stream()
                .filter(e -> e.turnConfirmedNanos() < 0)
                .min(java.util.Comparator.comparingLong(MessageEntry::turnDispatchedNanos))
                .or(() -> turns.stream().max(java.util.Comparator.comparingLong(MessageEntry::turnConfirmedNanos)));
        if (turn.isEmpty()) {
            LOG.info("confirm for session {}: this twin ran no takeover turn in it", sessionKey);
            metrics.confirmed(false);
            return false;
        }
        turn.get().turnConfirmed(nanoTime.getAsLong());
        return confirm(turn.get().request().localId(), askedAt);
    }

    private boolean confirmClaim(MessageEntry entry) {
        int generation = entry.heldGeneration();
        if (generation == 0) {
            return false;
        }
        try {
            ClaimEnd end = store.endClaim(entry.key(), generation, new ClaimEnd(ClaimEnd.SENT, self, clock.instant()));
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
            release(entry, generation);
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
                release(entry, generation);
            } else {
                giveUp(entry, generation);
            }
            return false;
        }
    }

    // ---- duty ---------------------------------------------------------------------------------

    /** The owner of a duty slot, and whether it is this twin: {@code POST /v1/duty}. */
    public record DutyAnswer(boolean run, String owner) {}

    public DutyAnswer duty(String job, String slot) {
        DutyAnswer answer = ownerOf(job, slot);
        metrics.duty(job.contains(":") ? job.substring(0, job.indexOf(':')) : job, answer.run());
        return answer;
    }

    private DutyAnswer ownerOf(String job, String slot) {
        String owner = rules.dutyOwner(view.get());
        if (!owner.equals(self)) {
            return new DutyAnswer(false, owner);
        }
        String key = ClaimKeys.dutyKey(job, slot);
        try {
            if (store.createClaim(new Claim(key, self, "duty", clock.instant(), 1, incarnation))) {
                return new DutyAnswer(true, self);
            }
            String holder = holderOf(store.readClaim(key)).orElse("unknown");
            return new DutyAnswer(holder.equals(self), holder);
        } catch (StoreUnavailableException e) {
            metrics.storeUnavailable();
            return new DutyAnswer(true, self); // the owner by this twin's view, as for messages
        }
    }

    // ---- watching -----------------------------------------------------------------------------

    /** A message this twin answered without a claim while the store was down, that another twin answered too. */
    public record DuplicateAnswer(String key, String other) {}

    private final java.util.Queue<DuplicateAnswer> duplicates = new java.util.concurrent.ConcurrentLinkedQueue<>();

    /** The duplicate answers found since the last call (for alerts). */
    public List<DuplicateAnswer> drainDuplicates() {
        List<DuplicateAnswer> found = new ArrayList<>();
        for (DuplicateAnswer d; (d = duplicates.poll()) != null; ) {
            found.add(d);
        }
        return found;
    }

    /** Messages this twin answered without a claim because the store was down, until recorded there. */
    private final java.util.Queue<MessageEntry> answeredWithoutStore =
            new java.util.concurrent.ConcurrentLinkedQueue<>();

    /**
     * This twin sent a reply without a claim, on its peers' promises: the answer is recorded in the
     * store once it is back (see {@link #reconcile}). A message without a key cannot be recorded;
     * one answered by several twins on purpose ("both of you") never is.
     */
    private void recordAnsweredWithoutStore(MessageEntry entry) {
        // Bounded like the ledger: past the cap an answer is not recorded (a duplicate could go unreported).
        if (answeredWithoutStoreCount.get() < MessageLedger.MAX_ENTRIES) {
            answeredWithoutStoreCount.incrementAndGet();
            answeredWithoutStore.add(entry);
        }
    }

    private final java.util.concurrent.atomic.AtomicInteger answeredWithoutStoreCount =
            new java.util.concurrent.atomic.AtomicInteger();

    /**
     * Once the store is back, records each message this twin answered without it as claimed and sent
     * by it. Where another twin's answer is recorded already, both answered: a duplicate, the thing
     * this product exists to prevent, so it is reported (it can only happen across an outage).
     */
    private void reconcile() throws StoreUnavailableException {
        for (MessageEntry entry;
                (entry = answeredWithoutStore.peek()) != null;
                answeredWithoutStore.poll(), answeredWithoutStoreCount.decrementAndGet()) {
            Instant now = clock.instant();
            String key = entry.key() != null ? entry.key() : entry.recordedKey();
            if (key == null) {
                key = countedNow(entry); // counted once: a retry of this record reuses it
                entry.recordedKey(key);
            }
            if (store.createClaim(new Claim(key, self, "answered-without-store", now, 1, incarnation))) {
                store.endClaim(key, 1, new ClaimEnd(ClaimEnd.SENT, self, now));
            } else if (store.readClaim(key) instanceof ClaimState.Sent sent
                    && !sent.end().twin().equals(self)) {
                LOG.error(
                        "two answers to one message: {} answered {} while the store was down, and {} answered it too",
                        self,
                        key,
                        sent.end().twin());
                duplicates.add(new DuplicateAnswer(key, sent.end().twin()));
            }
        }
    }

    /**
     * The content key of a repeated text answered without the store, which could not be counted
     * when it was decided: its occurrence is counted now, so that this twin, and the peers that
     * counted it with the store (one may have decided it a moment after the store came back),
     * number the next repeat alike (simulation seed 481: the next repeat answered twice).
     */
    private String countedNow(MessageEntry entry) throws StoreUnavailableException {
        String base = entry.identity().value();
        try {
            return ClaimKeys.contentKey(
                    base, ledger.nextOccurrence(base, nanoTime.getAsLong(), counted -> occurrence(base, counted)));
        } catch (UncheckedStoreException e) {
            throw (StoreUnavailableException) e.getCause();
        }
    }

    /** Looks after every watched message once: takeovers and revocations. Called every ~100 ms. */
    public void tick() {
        long now = nanoTime.getAsLong();
        FlockView flock = view.get();
        answerOnAgreement(now);
        try {
            reconcile();
            finishGivingUp();
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
        ClaimState state = store.readClaim(entry.key());
        switch (state) {
            case ClaimState.Sent s -> {
                if (!s.end().twin().equals(self)) {
                    entry.markAnsweredByPeer();
                }
                entry.stopWatching();
            }
            case ClaimState.Unclaimed u -> {
                if (live && now >= entry.takeoverAtNanos()) {
                    if (prunedSince(entry)) {
                        // Claimed once and pruned while it waited here (a takeover backlog longer
                        // than the claims' retention): taken again it would be answered twice.
                        LOG.info("stopped watching {}: its claim was pruned meanwhile", entry.key());
                        entry.stopWatching();
                        return;
                    }
                    take(entry, 1, now);
                }
            }
            case ClaimState.Held held -> {
                Claim claim = held.claim();
                if (live
                        && claim.twin().equals(self)
                        && incarnation.equals(claim.incarnation())
                        && entry.heldGeneration() < claim.generation()
                        && !entry.gaveUp()) {
                    // Ours without our knowing: a cloud folder's arbiter created it but its answer
                    // was lost. Its create is idempotent for its creator, so claiming again takes it.
                    take(entry, claim.generation(), now);
                    return;
                }
                Optional<String> abandoned = abandoned(claim, flock);
                if (live && abandoned.isPresent()) {
                    ClaimEnd end = store.endClaim(
                            entry.key(), claim.generation(), new ClaimEnd(ClaimEnd.REVOKED, self, clock.instant()));
                    if (!end.sent() && end.twin().equals(self)) {
                        LOG.info(
                                "revoked {} generation {} from {} ({})",
                                entry.key(),
                                claim.generation(),
                                claim.twin(),
                                abandoned.get());
                        take(entry, claim.generation() + 1, now);
                    }
                }
            }
            case ClaimState.Revoked revoked -> {
                if (live && !entry.gaveUp()) {
                    take(entry, revoked.claim().generation() + 1, now);
                }
            }
            case ClaimState.Unreadable u -> {}
        }
    }

    /**
     * Whether the entry's repeat occurrence lies below the store's repeat mark: its claim existed
     * and was pruned (the mark only rises past pruned occurrences), so "unclaimed" is no sign that
     * nobody answered it. A message with a global id has no mark.
     */
    private boolean prunedSince(MessageEntry entry) throws StoreUnavailableException {
        if (entry.identity().global()) {
            return false;
        }
        String key = entry.key();
        int hash = key.lastIndexOf('#');
        if (hash < 0) {
            return false;
        }
        int occurrence;
        try {
            occurrence = Integer.parseInt(key.substring(hash + 1));
        } catch (NumberFormatException e) {
            return false;
        }
        return occurrence < store.repeatsPrunedBelow(entry.identity().value());
    }

    /**
     * Why nobody is going to confirm a peer's claim, if so: its holder is down, or its holder's
     * daemon has restarted since it claimed (the new run refuses to confirm what it never decided).
     */
    private Optional<String> abandoned(Claim claim, FlockView flock) {
        if (claim.twin().equals(self)) {
            // Ours: abandoned only if an earlier run of this daemon made it.
            return claim.incarnation() != null && !claim.incarnation().equals(incarnation)
                    ? Optional.of("made by this daemon's previous run")
                    : Optional.empty();
        }
        if (!flock.isOnline(claim.twin())) {
            return Optional.of("down");
        }
        if (claim.incarnation() != null
                && holderRuns.restartedSince(claim.twin(), claim.incarnation(), claim.claimedAt())) {
            return Optional.of("its daemon restarted since");
        }
        return Optional.empty();
    }

    /** Claims generation {@code generation} of the entry's message; if this call won, this twin holds it. */
    private boolean claim(MessageEntry entry, Reason reason, int generation) throws StoreUnavailableException {
        long t = nanoTime.getAsLong();
        boolean won = store.createClaim(
                new Claim(entry.key(), self, reason.code(), clock.instant(), generation, incarnation));
        metrics.claimAttempt(won, nanoTime.getAsLong() - t);
        if (won) {
            entry.held(generation);
        }
        return won;
    }

    private void take(MessageEntry entry, int generation, long now) throws StoreUnavailableException {
        if (!claim(entry, Reason.TAKEOVER, generation)) {
            return;
        }
        metrics.takeover(now - entry.decidedNanos());
        if (entry.turnInFlight(now, TURN_LIMIT)) {
            LOG.info(
                    "took over {} (generation {}); the turn already running here confirms it", entry.key(), generation);
            return;
        }
        LOG.info("took over {} (generation {})", entry.key(), generation);
        TakeoverDispatcher.Takeover takeover =
                new TakeoverDispatcher.Takeover(entry.request(), self, Reason.TAKEOVER.code(), generation, entry.key());
        entry.turnDispatched(now);
        dispatchExecutor.execute(() -> dispatch(entry, takeover));
    }

    /** Hands the turn over; if that finally fails, gives the claim up so another twin takes it. */
    private void dispatch(MessageEntry entry, TakeoverDispatcher.Takeover takeover) {
        if (dispatcher.dispatch(takeover)) {
            return;
        }
        LOG.warn("could not dispatch the takeover of {}; giving it up", takeover.claimKey());
        synchronized (entry) {
            giveUp(entry, takeover.generation());
        }
    }

    /**
     * Revokes our own claim (if any) so the other twins take the message; we never take it again.
     * Without the store, the revocation is retried on every tick until the store is back.
     */
    private void giveUp(MessageEntry entry, int generation) {
        entry.giveUp();
        release(entry, generation);
    }

    /** Revokes our claim of {@code generation} (if any), now or once the store is back. */
    private void release(MessageEntry entry, int generation) {
        if (generation == 0) {
            return;
        }
        entry.held(0);
        try {
            ClaimEnd end =
                    store.endClaim(entry.key(), generation, new ClaimEnd(ClaimEnd.REVOKED, self, clock.instant()));
            answerIfEndWasLost(entry, generation, end);
        } catch (StoreUnavailableException e) {
            LOG.warn("could not give {} up yet: {}", entry.key(), e.getMessage());
            if (givingUp.size() < MessageLedger.MAX_ENTRIES) {
                givingUp.add(new GivingUp(entry, generation));
            }
        }
    }

    /**
     * Our own claim's end came back "sent by this twin" while this twin's reply never went out: its
     * confirm ended the claim, but the answer was lost (a cloud folder's arbiter that did not answer
     * in time, a share that failed after its write), so the confirm said no and the gateway dropped
     * the reply. The claim tells every other twin it is answered: only this one can still answer it,
     * so it does, through a takeover turn of that same generation. That turn's confirm ends the claim
     * as sent again and the store answers with the end it has (the first end wins): sent by this
     * twin, so exactly one reply goes out. Only a message still watched here (its text kept) that
     * this twin did not give up for good.
     */
    private void answerIfEndWasLost(MessageEntry entry, int generation, ClaimEnd end) {
        if (!end.sent() || !end.twin().equals(self) || entry.sent() || entry.gaveUp() || !entry.watching()) {
            return;
        }
        LOG.warn(
                "{} generation {} was ended as sent by this twin although its reply did not go out"
                        + " (the answer was lost); answering it now",
                entry.key(),
                generation);
        entry.held(generation);
        long now = nanoTime.getAsLong();
        TakeoverDispatcher.Takeover takeover =
                new TakeoverDispatcher.Takeover(entry.request(), self, Reason.TAKEOVER.code(), generation, entry.key());
        entry.turnDispatched(now);
        dispatchExecutor.execute(() -> dispatch(entry, takeover));
    }

    /** A claim of ours given up while the store was unreachable: revoked once it is back. */
    private record GivingUp(MessageEntry entry, int generation) {}

    private final java.util.Queue<GivingUp> givingUp = new java.util.concurrent.ConcurrentLinkedQueue<>();

    /** Revokes the claims given up while the store was unreachable (the end marker: first one wins). */
    private void finishGivingUp() throws StoreUnavailableException {
        for (GivingUp g; (g = givingUp.peek()) != null; givingUp.poll()) {
            ClaimEnd end = store.endClaim(
                    g.entry().key(), g.generation(), new ClaimEnd(ClaimEnd.REVOKED, self, clock.instant()));
            synchronized (g.entry()) {
                answerIfEndWasLost(g.entry(), g.generation(), end);
            }
            LOG.info(
                    "gave {} generation {} up now that the store is back",
                    g.entry().key(),
                    g.generation());
        }
    }

    /** Forgets old messages and counts; called now and then. */
    public void prune() {
        ledger.prune(nanoTime.getAsLong(), KEEP_ENTRIES, KEEP_COUNTS);
    }

    int remembered() {
        return ledger.size();
    }

    MessageLedger ledger() {
        return ledger;
    }

    /** Carries a store failure out of the ledger's compute function. */
    private static final class UncheckedStoreException extends RuntimeException {
        UncheckedStoreException(StoreUnavailableException cause) {
            super(cause);
        }
    }
}
