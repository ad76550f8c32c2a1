package dev.openclaw.twin.rescue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * When the daemon should rescue an unhealthy peer, and when to stop and call a human. Pure: the
 * caller says what it sees and when; nothing here does I/O or reads a clock.
 *
 * <ul>
 *   <li>A peer must stay unhealthy for {@code unhealthyFor} ({@code monitoring.health_check_interval})
 *       before the first attempt: a gateway restarting by itself is left alone.
 *   <li>Attempts back off exponentially: 10 s after the first, doubling up to 5 min.
 *   <li>At most {@code maxAttempts} in any 10 minutes; the next one is an escalation instead, and
 *       nothing more is tried until the peer recovers or a person acts ({@link #personActed}).
 *   <li>A refused host key or login escalates at once: retrying cannot fix it.
 * </ul>
 */
public final class AutoRescuePolicy {

    public static final Duration FIRST_BACKOFF = Duration.ofSeconds(10);
    public static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
    public static final Duration WINDOW = Duration.ofMinutes(10);

    /** What to do about a peer now. */
    public sealed interface Action {
        record Wait() implements Action {}

        /** Rescue it; {@code attempt} counts from 1 within the window. */
        record Rescue(String peer, int attempt) implements Action {}

        /** Tell a human; automatic action stops for this peer. */
        record Escalate(String peer, int attempts, String why) implements Action {}

        /** It is healthy again after attempts or an escalation. */
        record Recovered(String peer, int attempts) implements Action {}
    }

    private static final Action WAIT = new Action.Wait();

    private final Duration unhealthyFor;
    private final int maxAttempts;
    private final Map<String, PeerState> peers = new HashMap<>();

    public AutoRescuePolicy(Duration unhealthyFor, int maxAttempts) {
        this.unhealthyFor = unhealthyFor;
        this.maxAttempts = maxAttempts;
    }

    private static final class PeerState {
        Instant unhealthySince;
        final Deque<Instant> attempts = new ArrayDeque<>();
        Instant nextAttemptAt;
        Duration backoff = FIRST_BACKOFF;
        boolean escalated;
        String lastOutcome = "";
    }

    /** What to do about {@code peer}, seen healthy or not at {@code now}. */
    public Action observe(String peer, boolean unhealthy, Instant now) {
        PeerState state = peers.computeIfAbsent(peer, p -> new PeerState());
        if (!unhealthy) {
            boolean hadTrouble = state.escalated || !state.attempts.isEmpty();
            int attempts = state.attempts.size();
            peers.remove(peer);
            return hadTrouble ? new Action.Recovered(peer, attempts) : WAIT;
        }
        if (state.unhealthySince == null) {
            state.unhealthySince = now;
        }
        if (state.escalated
                || now.isBefore(state.unhealthySince.plus(unhealthyFor))
                || (state.nextAttemptAt != null && now.isBefore(state.nextAttemptAt))) {
            return WAIT;
        }
        while (!state.attempts.isEmpty() && !state.attempts.peekFirst().isAfter(now.minus(WINDOW))) {
            state.attempts.removeFirst();
        }
        if (state.attempts.size() >= maxAttempts) {
            state.escalated = true;
            return new Action.Escalate(
                    peer,
                    state.attempts.size(),
                    state.attempts.size() + " rescue attempts in " + WINDOW.toMinutes() + " min did not bring it back"
                            + (state.lastOutcome.isEmpty() ? "" : " (last: " + state.lastOutcome + ")"));
        }
        return new Action.Rescue(peer, state.attempts.size() + 1);
    }

    /**
     * Records an attempt that ran (or was refused) at {@code at}.
     *
     * @param refused the host key or login was refused: escalate now rather than retry
     * @return an escalation when the attempt showed retrying is pointless, else empty wait
     */
    public Action attempted(String peer, Instant at, String outcome, boolean refused) {
        PeerState state = peers.computeIfAbsent(peer, p -> new PeerState());
        state.attempts.addLast(at);
        state.lastOutcome = outcome;
        state.nextAttemptAt = at.plus(state.backoff);
        Duration doubled = state.backoff.multipliedBy(2);
        state.backoff = doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
        if (refused && !state.escalated) {
            state.escalated = true;
            return new Action.Escalate(peer, state.attempts.size(), "SSH refused: " + outcome);
        }
        return WAIT;
    }

    /** A person ran {@code twin rescue} or {@code twin override}: automatic rescue may start over. */
    public void personActed(String peer) {
        peers.remove(peer);
    }

    /** Whether automatic action has stopped for {@code peer} until it recovers or a person acts. */
    public boolean escalated(String peer) {
        PeerState state = peers.get(peer);
        return state != null && state.escalated;
    }
}
