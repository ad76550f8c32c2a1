package dev.openclaw.twin.protocol;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether a gateway's request reaches the daemon later than its gateway waits for the answer (the
 * plugin's timeouts), from the time the gateway put on it.
 */
final class LateRequests {

    /**
     * A decide that reaches the daemon later than this after its gateway received the message has
     * been given up by the gateway (the plugin's timeout is shorter): claiming it would leave it
     * held by a twin whose gateway is not going to answer.
     */
    static final Duration STALE_DECIDE = Duration.ofMillis(750);
    /** Likewise for a confirm: its gateway has stopped waiting and will not send. */
    static final Duration STALE_CONFIRM = Duration.ofSeconds(3);

    private final Clock clock;

    LateRequests(Clock clock) {
        this.clock = clock;
    }

    boolean staleDecide(Optional<Instant> receivedAt) {
        return olderThan(receivedAt, STALE_DECIDE);
    }

    boolean staleConfirm(Optional<Instant> askedAt) {
        return olderThan(askedAt, STALE_CONFIRM);
    }

    private boolean olderThan(Optional<Instant> sentAt, Duration limit) {
        return sentAt.filter(t -> Duration.between(t, clock.instant()).compareTo(limit) > 0)
                .isPresent();
    }
}
