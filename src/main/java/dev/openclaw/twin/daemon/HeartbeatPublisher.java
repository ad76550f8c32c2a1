package dev.openclaw.twin.daemon;

import dev.openclaw.twin.arbiter.ArbiterRole;
import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.coordination.DayRoles;
import dev.openclaw.twin.coordination.FlockView;
import dev.openclaw.twin.health.FlockSnapshot;
import dev.openclaw.twin.health.GatewayEvidence;
import dev.openclaw.twin.health.LivenessTracker;
import dev.openclaw.twin.health.TwinState;
import dev.openclaw.twin.state.Heartbeat;
import dev.openclaw.twin.state.Heartbeat.GatewayHealth;
import dev.openclaw.twin.state.PrimaryState;
import dev.openclaw.twin.state.StateStore;
import dev.openclaw.twin.state.StoreUnavailableException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This twin's heartbeat: every beat publishes ours, reads everyone's into the {@link FlockViews},
 * keeps twin-primary.json current and logs the peers' transitions; between beats the gateway is
 * probed. A failed write or read makes one store problem for the beat, so an outage is logged once,
 * not on every beat.
 */
final class HeartbeatPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatPublisher.class);

    /** Who this daemon is, as every heartbeat says: peers tell a restart by {@code incarnation}. */
    record Identity(String twin, String host, String version, Instant startedAt, String incarnation) {}

    private final TwinsConfig config;
    private final Identity identity;
    private final StateStore store;
    private final Clock clock;
    private final LivenessTracker tracker;
    private final GatewayProbe gatewayProbe;
    private final GatewayEvidence gatewayEvidence;
    private final FlockViews views;
    private final DaemonMetrics metrics;
    /** On a cloud folder, the arbiter role: told when the flock has been seen. */
    private final Optional<ArbiterRole> arbiter;

    private final AtomicLong seq = new AtomicLong();
    private final AtomicReference<GatewayHealth> gateway = new AtomicReference<>();
    private final AtomicReference<String> storeProblem = new AtomicReference<>();
    /** Written by beats only, which never overlap. */
    private final Map<String, TwinState> lastStates = new HashMap<>();

    HeartbeatPublisher(
            TwinsConfig config,
            Identity identity,
            StateStore store,
            Clock clock,
            LivenessTracker tracker,
            GatewayProbe gatewayProbe,
            GatewayEvidence gatewayEvidence,
            FlockViews views,
            DaemonMetrics metrics,
            Optional<ArbiterRole> arbiter) {
        this.config = config;
        this.identity = identity;
        this.store = store;
        this.clock = clock;
        this.tracker = tracker;
        this.gatewayProbe = gatewayProbe;
        this.gatewayEvidence = gatewayEvidence;
        this.views = views;
        this.metrics = metrics;
        this.arbiter = arbiter;
    }

    /** The probe before the first heartbeat, so that it says how the gateway is; logs nothing. */
    void firstProbe() {
        GatewayHealth health = gatewayProbe.probe();
        gateway.set(health);
        gatewayEvidence.probed(health);
    }

    /** Asks the gateway's {@code /readyz}; logs when the answer changes. */
    void probeGateway() {
        GatewayHealth health = gatewayProbe.probe();
        gatewayEvidence.probed(health);
        GatewayHealth previous = gateway.getAndSet(health);
        if (previous == null || previous.ready() != health.ready()) {
            LOG.info(
                    "gateway of {} is {} ({})",
                    identity.twin(),
                    health.ready() ? "ready" : "not ready",
                    health.detail());
        }
    }

    /**
     * One heartbeat: publish ours, read everyone's, keep twin-primary.json current.
     *
     * @return the beat's store problem; empty when it wrote and read the store
     */
    Optional<String> beat() {
        Optional<String> writeProblem = publish(Heartbeat.RUNNING);
        FlockSnapshot snapshot = FlockSnapshot.read(store, config.twinNames());
        snapshot.heartbeats().values().forEach(tracker::observe);
        // We are running whatever the store shows (it may be read-only or stale).
        tracker.observeDirectProbe(identity.twin(), true);
        Instant now = clock.instant();
        FlockView view = snapshot.view(config, now, tracker);
        Optional<String> problem = writeProblem.or(snapshot::storeProblem);
        views.seen(new FlockViews.Beat(snapshot, view, problem.isEmpty()));
        if (problem.isEmpty()) {
            problem = maintainPrimaryState(snapshot.primaryState(), view, now);
        }
        reportStoreProblem(problem);
        arbiter.ifPresent(ArbiterRole::flockSeen);
        logTransitions();
        return problem;
    }

    /** The last beat's store problem (a failed write included), if it had one. */
    Optional<String> storeProblem() {
        return Optional.ofNullable(storeProblem.get());
    }

    /** Writes our heartbeat in {@code state} ({@link Heartbeat#RUNNING}, {@link Heartbeat#STOPPED}); the store's failure message if it could not. */
    Optional<String> publish(String state) {
        Heartbeat heartbeat = new Heartbeat(
                identity.twin(),
                seq.incrementAndGet(),
                ProcessHandle.current().pid(),
                identity.host(),
                identity.version(),
                identity.startedAt(),
                clock.instant(),
                state,
                gatewayEvidence.current().orElse(gateway.get()),
                identity.incarnation());
        try {
            store.writeHeartbeat(heartbeat);
            metrics.heartbeatWritten();
            return Optional.empty();
        } catch (StoreUnavailableException e) {
            metrics.storeError();
            return Optional.of(e.getMessage());
        }
    }

    private void reportStoreProblem(Optional<String> problem) {
        String previous = storeProblem.getAndSet(problem.orElse(null));
        if (problem.isPresent() && !problem.get().equals(previous)) {
            LOG.warn("shared store unavailable: {}", problem.get());
        } else if (problem.isEmpty() && previous != null) {
            LOG.info("shared store available again: {}", store.describe());
        }
    }

    /**
     * Rewrites twin-primary.json when the day, the roles or a hand edit of it call for it; the
     * store's failure message if it could not.
     */
    private Optional<String> maintainPrimaryState(Optional<PrimaryState> current, FlockView view, Instant now) {
        // The view already holds the day's roles under the overrides in force, and a bothRespond a
        // human set in today's file (honoured for the day it was made on).
        DayRoles roles = view.roles();
        PrimaryState wanted = PrimaryState.of(
                roles,
                view.overrides(),
                view.bothRespondFlag(),
                config.coordination().timezone(),
                now);
        if (current.isPresent() && current.get().sameAs(wanted)) {
            return Optional.empty();
        }
        try {
            store.writePrimaryState(wanted);
            LOG.info(
                    "{} {}: primary {} ({}), order {}",
                    config.sharedStorage().stateFile(),
                    current.isEmpty() ? "written" : "updated",
                    roles.primary(),
                    roles.rule(),
                    roles.order());
            return Optional.empty();
        } catch (StoreUnavailableException e) {
            metrics.storeError();
            return Optional.of(e.getMessage());
        }
    }

    private void logTransitions() {
        for (String name : config.twinNames()) {
            TwinState state = tracker.stateOf(name);
            TwinState previous = lastStates.put(name, state);
            if (previous != state && !name.equals(identity.twin())) {
                LOG.info("twin {} is {} (was {})", name, state.code(), previous == null ? "unknown" : previous.code());
                try {
                    store.appendEvent(
                            identity.twin(),
                            clock.instant(),
                            "peer-state",
                            Map.of("peer", name, "state", state.code()));
                } catch (StoreUnavailableException e) {
                    metrics.storeError();
                }
            }
        }
    }
}
