package dev.openclaw.twin.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How the flock's timings must relate, checked in this one place (as Patroni checks
 * {@code loop_wait + 2 × retry_timeout ≤ ttl}):
 *
 * <ul>
 *   <li>{@code offline threshold ≥ 3 × heartbeat_interval}: a twin counts as offline after
 *       {@code offline_after_seconds} (or {@code fallback_timeout_minutes}, whichever is smaller)
 *       without a new heartbeat, so two missed or late beats (a slow share, a GC pause) must not make
 *       a live twin offline. Shorter, and a twin flaps between online and offline by design.
 *   <li>{@code takeover_delay ≤ offline threshold}: a standby takes a message over after
 *       {@code takeover_delay} without a claim; when that wait is longer than the time a silent twin
 *       takes to be declared offline, the message-level takeover comes after the role failover it is
 *       there to beat. Equal is allowed: configs with {@code offline_after_seconds: 2} and the default
 *       delay of 2 s loaded before this rule existed, and keep loading.
 * </ul>
 */
record TimingRule(Duration heartbeatInterval, Duration offlineThreshold, Duration takeoverDelay) {

    static final int BEATS_PER_OFFLINE = 3;

    /** Which of the two relations is broken. */
    enum Relation {
        HEARTBEAT_WITHIN_OFFLINE,
        TAKEOVER_WITHIN_OFFLINE
    }

    /** A broken relation and what to say about it. */
    record Violation(Relation relation, String message) {}

    static String summary() {
        return "rule: offline_after ≥ " + BEATS_PER_OFFLINE + " × heartbeat_interval, and takeover_delay ≤"
                + " offline_after";
    }

    List<Violation> violations() {
        List<Violation> violations = new ArrayList<>();
        Duration minimumOffline = heartbeatInterval.multipliedBy(BEATS_PER_OFFLINE);
        if (offlineThreshold.compareTo(minimumOffline) < 0) {
            violations.add(new Violation(
                    Relation.HEARTBEAT_WITHIN_OFFLINE,
                    "heartbeat_interval " + DurationText.format(heartbeatInterval)
                            + " is too long for an offline threshold of " + DurationText.format(offlineThreshold)
                            + ": a twin would go offline after missing "
                            + (offlineThreshold.toMillis() / Math.max(1, heartbeatInterval.toMillis()))
                            + " beat(s) (" + summary() + "; shorten heartbeat_interval to at most "
                            + DurationText.format(offlineThreshold.dividedBy(BEATS_PER_OFFLINE))
                            + " or raise offline_after_seconds to at least " + DurationText.seconds(minimumOffline)
                            + ")"));
        }
        if (takeoverDelay.compareTo(offlineThreshold) > 0) {
            violations.add(new Violation(
                    Relation.TAKEOVER_WITHIN_OFFLINE,
                    "takeover_delay " + DurationText.format(takeoverDelay) + " is longer than the offline"
                            + " threshold of " + DurationText.format(offlineThreshold) + " (" + summary() + ")"));
        }
        return violations;
    }
}
