package dev.openclaw.twin.protocol;

import dev.openclaw.twin.coordination.FlockView;
import dev.openclaw.twin.coordination.Reason;
import dev.openclaw.twin.state.Claim;
import dev.openclaw.twin.state.ClaimEnd;
import dev.openclaw.twin.state.ClaimState;
import dev.openclaw.twin.state.StateStore;
import dev.openclaw.twin.state.StoreUnavailableException;
import java.time.Clock;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This twin's claims in the store and their fencing: a claim is an atomic create of one generation,
 * made by this daemon's run (its incarnation); a reply is sent only by whoever wins the generation's
 * end marker (sent or revoked, first one wins). Claims this twin gives up while the store is
 * unreachable are revoked once it is back.
 */
final class ClaimFence {

    private static final Logger LOG = LoggerFactory.getLogger(ClaimFence.class);

    private final String self;
    private final String incarnation;
    private final StateStore store;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final HolderRuns holderRuns;
    private final ProtocolMetrics metrics;
    private final TurnStarter turns;

    /** A claim of ours given up while the store was unreachable: revoked once it is back. */
    private record GivingUp(MessageEntry entry, int generation) {}

    private final Queue<GivingUp> givingUp = new ConcurrentLinkedQueue<>();

    ClaimFence(
            String self,
            String incarnation,
            StateStore store,
            Clock clock,
            LongSupplier nanoTime,
            HolderRuns holderRuns,
            ProtocolMetrics metrics,
            TurnStarter turns) {
        this.self = self;
        this.incarnation = incarnation;
        this.store = store;
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.holderRuns = holderRuns;
        this.metrics = metrics;
        this.turns = turns;
    }

    /** Claims generation {@code generation} of the entry's message; if this call won, this twin holds it. */
    boolean claim(MessageEntry entry, Reason reason, int generation) throws StoreUnavailableException {
        long t = nanoTime.getAsLong();
        boolean won = store.createClaim(
                new Claim(entry.key(), self, reason.code(), clock.instant(), generation, incarnation));
        metrics.claimAttempt(won, nanoTime.getAsLong() - t);
        if (won) {
            entry.held(generation);
        }
        return won;
    }

    /** Claims generation 1 of {@code key} (a duty slot, a record), not tied to a message entry. */
    boolean create(String key, String reasonCode) throws StoreUnavailableException {
        return create(key, reasonCode, 1);
    }

    private boolean create(String key, String reasonCode, int generation) throws StoreUnavailableException {
        return store.createClaim(new Claim(key, self, reasonCode, clock.instant(), generation, incarnation));
    }

    /**
     * Records generation {@code generation} of {@code key} as claimed and answered by this twin;
     * false if some twin claimed that generation first (then nothing is written).
     */
    boolean recordSent(String key, String reasonCode, int generation) throws StoreUnavailableException {
        if (!create(key, reasonCode, generation)) {
            return false;
        }
        send(key, generation);
        return true;
    }

    /** Wins generation {@code generation}'s end marker as sent by this twin, or learns who ended it first. */
    ClaimEnd send(String key, int generation) throws StoreUnavailableException {
        return store.endClaim(key, generation, new ClaimEnd(ClaimEnd.SENT, self, clock.instant()));
    }

    /** Revokes a peer's claim; true if this twin won the end marker (nobody confirmed it first). */
    boolean revoke(String key, int generation) throws StoreUnavailableException {
        ClaimEnd end = store.endClaim(key, generation, new ClaimEnd(ClaimEnd.REVOKED, self, clock.instant()));
        return !end.sent() && end.twin().equals(self);
    }

    ClaimState read(String key) throws StoreUnavailableException {
        return store.readClaim(key);
    }

    /** Whether a claim of this twin's was made by this daemon's run (not an earlier one). */
    boolean madeByThisRun(Claim claim) {
        return claim.twin().equals(self) && incarnation.equals(claim.incarnation());
    }

    /**
     * Why nobody is going to confirm a claim, if so: its holder is down, or its holder's daemon has
     * restarted since it claimed (the new run refuses to confirm what it never decided).
     */
    Optional<String> abandoned(Claim claim, FlockView flock) {
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
            return Optional.of("its daemon restarted or stopped since");
        }
        return Optional.empty();
    }

    /**
     * Revokes our own claim (if any) so the other twins take the message; we never take it again.
     * Without the store, the revocation is retried on every tick until the store is back.
     */
    void giveUp(MessageEntry entry, int generation) {
        entry.giveUp();
        release(entry, generation);
    }

    /** Revokes our claim of {@code generation} (if any), now or once the store is back. */
    void release(MessageEntry entry, int generation) {
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

    /** Revokes the claims given up while the store was unreachable (the end marker: first one wins). */
    void finishGivingUp() throws StoreUnavailableException {
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
        // Only the resend turn may send now: a later chunk of the dropped reply, confirmed by the
        // message's id against the same "sent" end, would go out beside it.
        entry.resend();
        turns.resend(entry, generation, nanoTime.getAsLong(), () -> giveUp(entry, generation));
    }

    static Optional<String> holderOf(ClaimState state) {
        return switch (state) {
            case ClaimState.Unclaimed u -> Optional.empty();
            case ClaimState.Unreadable u -> Optional.of("unknown");
            case ClaimState.Held h -> Optional.of(h.claim().twin());
            case ClaimState.Sent s -> Optional.of(s.claim().twin());
            case ClaimState.Revoked r -> Optional.of(r.claim().twin());
        };
    }
}
