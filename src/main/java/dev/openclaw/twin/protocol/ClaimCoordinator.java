package dev.openclaw.twin.protocol;

import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.coordination.FlockView;
import dev.openclaw.twin.coordination.ResponseRules;
import dev.openclaw.twin.state.StateStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The message protocol of DESIGN §4 as one twin runs it: decide at once ({@link Decider}), confirm
 * before sending ({@link Confirmer}), and watch standby messages until someone has answered them
 * ({@link TakeoverWatcher}).
 *
 * <p>At most one answer: a routine message is answered only by the holder of its claim, and a reply
 * is sent only after its confirm wins the generation's end marker, which a twin revoking the claim
 * races for too ({@link ClaimFence}). At least one answer: every twin that did not claim a routine
 * message watches it; without a claim after its rank × takeover_delay it claims it itself, and a
 * claim whose holder goes down or restarts before confirming is revoked and taken over with the
 * next generation. Decide never waits: takeovers run on {@link #tick()} and the dispatcher.
 *
 * <p>While this twin cannot reach the store it cannot claim, so it steps down: the claimant answers
 * without a claim only when every peer it reaches directly agrees and promises to leave it the
 * message ({@link PromisedAnswers}, {@link PromiseGiver}); otherwise it stays silent and the twins
 * that reach the store take over by claims. What it answered so is recorded once the store is back
 * ({@link OutageJournal}).
 *
 * <p>This class wires those parts around one {@link MessageLedger} and is their public surface.
 */
public final class ClaimCoordinator {

    /** Decided messages are remembered this long (a confirm may come minutes after its decide). */
    static final Duration KEEP_ENTRIES = Duration.ofHours(1);
    /** Content counts are remembered this long after the last repeat. */
    static final Duration KEEP_COUNTS = Duration.ofHours(24);

    private final MessageLedger ledger = new MessageLedger();
    private final LongSupplier nanoTime;
    private final Decider decider;
    private final Confirmer confirmer;
    private final PromiseGiver promiseGiver;
    private final DutyOwners duties;
    private final OutageJournal journal;
    private final TakeoverWatcher watcher;

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
        this.nanoTime = nanoTime;
        LateRequests late = new LateRequests(clock);
        GivenPromises given = new GivenPromises(TakeoverWatcher.WATCH_LIMIT);
        RepeatCounter counter = new RepeatCounter(store, ledger, late, nanoTime);
        TurnStarter turns = new TurnStarter(self, dispatcher, dispatchExecutor, nanoTime);
        ClaimFence fence = new ClaimFence(self, incarnation, store, clock, nanoTime, holderRuns, metrics, turns);
        this.journal = new OutageJournal(self, fence, counter);
        PromisedAnswers promised = new PromisedAnswers(self, promises, agreement, turns, journal, nanoTime);
        ResponseRules rules = new ResponseRules(config);
        this.decider = new Decider(
                self,
                rules,
                config.coordination().takeoverDelay(),
                view,
                ledger,
                counter,
                late,
                given,
                fence,
                promised,
                agreement,
                metrics,
                nanoTime,
                dispatchExecutor);
        this.confirmer = new Confirmer(self, ledger, late, fence, promised, metrics, nanoTime);
        this.promiseGiver = new PromiseGiver(self, ledger, given, nanoTime);
        this.duties = new DutyOwners(self, rules, view, fence, metrics);
        this.watcher =
                new TakeoverWatcher(self, ledger, view, fence, counter, turns, promised, journal, metrics, nanoTime);
    }

    /** {@code POST /v1/decide}: answers at once; a repeated request gets the same answer. */
    public DecideAnswer decide(DecideRequest request) {
        return decider.decide(request);
    }

    /**
     * {@code POST /v1/confirm}: may this twin send its reply to {@code id} now?
     *
     * @param askedAt when the gateway asked; a confirm its gateway no longer waits for is refused
     *     and the claim given up
     */
    public boolean confirm(LocalMessageId id, Optional<Instant> askedAt) {
        return confirmer.confirm(id, askedAt);
    }

    /** Confirm of a takeover turn's reply, which the gateway can name only by its session. */
    public boolean confirmSession(String sessionKey, Optional<Instant> askedAt) {
        return confirmer.confirmSession(sessionKey, askedAt);
    }

    /**
     * {@code POST /v1/promise}: a peer that cannot reach the store asks this twin to leave it a
     * message; {@code reachesStore} is this twin's last heartbeat's word.
     */
    public PromiseAnswer promise(PeerPromises.Request request, boolean reachesStore) {
        return promiseGiver.promise(request, reachesStore);
    }

    /** {@code POST /v1/duty}: the owner of a duty slot, and whether it is this twin. */
    public DutyAnswer duty(String job, String slot) {
        return duties.duty(job, slot);
    }

    /** The duplicate answers found since the last call (for alerts). */
    public List<DuplicateAnswer> drainDuplicates() {
        return journal.drainDuplicates();
    }

    /** Looks after every watched message once: takeovers and revocations. Called every ~100 ms. */
    public void tick() {
        watcher.tick();
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
}
