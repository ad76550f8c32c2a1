package dev.openclaw.twin.daemon;

import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.health.FlockStatus;
import dev.openclaw.twin.health.LivenessTracker;
import dev.openclaw.twin.protocol.ClaimCoordinator;
import dev.openclaw.twin.rescue.AutoRescue;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What follows each heartbeat: the flock's status goes to auto-rescue (on a readable store only) and
 * to alerts (once a twin could have been seen), duplicate answers found meanwhile become alerts, and
 * the metrics show the flock's states and roles.
 */
final class BeatObservers {

    private final TwinsConfig config;
    private final Supplier<FlockStatus> status;
    private final LivenessTracker tracker;
    private final ClaimCoordinator claims;
    private final DaemonAlerts alerts;
    /** Empty when {@code rescue.auto} is false. */
    private final Optional<AutoRescue> autoRescue;

    private final DaemonMetrics metrics;
    private final LongSupplier nanoTime;
    private final long startedNanos;
    /** Until a twin could have been seen, "offline" and "failover" would only mean "not seen yet". */
    private final Duration alertsAfter;

    BeatObservers(
            TwinsConfig config,
            Supplier<FlockStatus> status,
            LivenessTracker tracker,
            ClaimCoordinator claims,
            DaemonAlerts alerts,
            Optional<AutoRescue> autoRescue,
            DaemonMetrics metrics,
            LongSupplier nanoTime) {
        this.config = config;
        this.status = status;
        this.tracker = tracker;
        this.claims = claims;
        this.alerts = alerts;
        this.autoRescue = autoRescue;
        this.metrics = metrics;
        this.nanoTime = nanoTime;
        this.startedNanos = nanoTime.getAsLong();
        this.alertsAfter = config.coordination().offlineThreshold();
    }

    /** @param storeProblem the beat's ({@link HeartbeatPublisher#beat}) */
    void beaten(Optional<String> storeProblem) {
        FlockStatus status = this.status.get();
        if (storeProblem.isEmpty()) {
            // Only on a readable store: an outage makes every peer look offline.
            autoRescue.ifPresent(rescue -> rescue.tick(status));
        }
        if (nanoTime.getAsLong() - startedNanos >= alertsAfter.toNanos()) {
            alerts.observe(status);
        }
        claims.drainDuplicates().forEach(alerts::duplicateAnswer);
        metrics.update(tracker, config.twinNames());
        metrics.roles(status.primary(), status.actingPrimary(), config.twinNames());
    }
}
