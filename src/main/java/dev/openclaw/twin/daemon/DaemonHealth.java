package dev.openclaw.twin.daemon;

import dev.openclaw.twin.arbiter.ArbiterRole;
import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.coordination.ResponseRules;
import dev.openclaw.twin.health.FlockSnapshot;
import dev.openclaw.twin.health.FlockStatus;
import dev.openclaw.twin.health.LivenessTracker;
import dev.openclaw.twin.state.StateStore;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What this daemon says about itself and the flock: {@code GET /healthz} (what peers need to
 * agree during a store outage), {@code /v1/status} and why it is unhealthy, if it is.
 */
final class DaemonHealth {

    private final TwinsConfig config;
    private final String twin;
    private final String incarnation;
    private final StateStore store;
    private final Clock clock;
    private final LivenessTracker tracker;
    private final ResponseRules rules;
    private final FlockViews views;
    /** The last heartbeat's store problem, a failed write included. */
    private final Supplier<Optional<String>> storeProblem;

    private final TaskSupervisor tasks;
    private final Optional<ArbiterRole> arbiter;

    DaemonHealth(
            TwinsConfig config,
            String twin,
            String incarnation,
            StateStore store,
            Clock clock,
            LivenessTracker tracker,
            FlockViews views,
            Supplier<Optional<String>> storeProblem,
            TaskSupervisor tasks,
            Optional<ArbiterRole> arbiter) {
        this.config = config;
        this.twin = twin;
        this.incarnation = incarnation;
        this.store = store;
        this.clock = clock;
        this.tracker = tracker;
        this.rules = new ResponseRules(config);
        this.views = views;
        this.storeProblem = storeProblem;
        this.tasks = tasks;
        this.arbiter = arbiter;
    }

    /**
     * {@code GET /healthz}: {@code ok} and {@code twin} as ever, plus what peers need to agree during
     * a store outage: whether this twin reaches the store and whom it sees answering routine messages.
     */
    Map<String, Object> healthz() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ok", true);
        body.put("twin", twin);
        if (views.lastSnapshot().isEmpty()) {
            // Before the first heartbeat this daemon does not know: saying "unreachable" would be
            // recorded as its word, and keep it (and any peer acting on it) off the first messages.
            body.put("store", "unknown");
            body.put("incarnation", incarnation);
            return body;
        }
        body.put("store", views.reachesStore() ? "ok" : "unreachable");
        body.put("claimant", rules.dutyOwner(views.publishedView()));
        body.put("incarnation", incarnation);
        arbiter.ifPresent(role -> {
            body.put("arbiter", role.arbiter());
            body.put("arbitratedMillisAgo", role.arbitratedAgo().toMillis());
            body.put("arbitrating", role.arbiter().equals(twin) && role.serving());
        });
        return body;
    }

    /** The flock as this daemon sees it, for {@code /v1/status}. */
    FlockStatus status() {
        FlockSnapshot snapshot = views.lastSnapshot().orElseGet(() -> FlockSnapshot.read(store, config.twinNames()));
        // A failed write leaves the store readable but is a problem all the same.
        Optional<String> problem = storeProblem.get();
        if (problem.isPresent() && snapshot.storeProblem().isEmpty()) {
            snapshot = snapshot.withProblem(problem.get());
        }
        for (String stalled : tasks.problems()) {
            snapshot = snapshot.withProblem(twin + ": " + stalled);
        }
        return FlockStatus.of(config, clock.instant(), snapshot, tracker);
    }

    /** Why this daemon is not healthy ({@code /healthz} answers 503 with it): a stalled loop. */
    Optional<String> healthProblem() {
        return tasks.problems().stream().findFirst();
    }
}
