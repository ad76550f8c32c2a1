package dev.openclaw.twin.rescue;

import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.health.FlockStatus;
import dev.openclaw.twin.state.StateStore;
import dev.openclaw.twin.state.StoreUnavailableException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.function.BiPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's automatic rescue of unhealthy peers: {@link AutoRescuePolicy} decides when, a
 * claimed duty ({@code rescue:<peer>}) makes sure one twin of the flock does it, and the rescue
 * itself runs on its own thread so coordination never waits for SSH. Every attempt, outcome and
 * escalation goes to this twin's event trail.
 */
public final class AutoRescue {

    private static final Logger LOG = LoggerFactory.getLogger(AutoRescue.class);

    /** Runs one rescue of a peer (the real one: {@link Rescuer} over SSH). */
    @FunctionalInterface
    public interface Runner {
        RescueReport rescue(String peer) throws InterruptedException;
    }

    /** Told what automatic rescue does, for alerts and metrics. */
    public interface Listener {
        void started(String peer, int attempt);

        void finished(String peer, RescueReport report);

        void escalated(String peer, String why);

        void recovered(String peer, int attempts);

        Listener NONE = new Listener() {
            @Override
            public void started(String peer, int attempt) {}

            @Override
            public void finished(String peer, RescueReport report) {}

            @Override
            public void escalated(String peer, String why) {}

            @Override
            public void recovered(String peer, int attempts) {}
        };
    }

    private final String self;
    private final TwinsConfig config;
    private final StateStore store;
    private final Clock clock;
    private final AutoRescuePolicy policy;
    private final BiPredicate<String, String> claimDuty;
    private final Runner runner;
    private final ExecutorService executor;
    private final Listener listener;
    private final Set<String> inFlight = new HashSet<>();
    /** When each peer was escalated: a person's rescue after that starts automatic rescue over. */
    private final java.util.Map<String, Instant> escalatedAt = new java.util.HashMap<>();

    private Object lastOverrides;

    /**
     * @param claimDuty claims duty {@code job} for {@code slot}; true when this twin is to run it
     */
    public AutoRescue(
            String self,
            TwinsConfig config,
            StateStore store,
            Clock clock,
            BiPredicate<String, String> claimDuty,
            Runner runner,
            ExecutorService executor,
            Listener listener) {
        this.self = self;
        this.config = config;
        this.store = store;
        this.clock = clock;
        this.policy = new AutoRescuePolicy(
                config.monitoring().healthCheckInterval(), config.rescue().maxAttempts());
        this.claimDuty = claimDuty;
        this.runner = runner;
        this.executor = executor;
        this.listener = listener;
    }

    /** Looks at every peer once; call it on every heartbeat. */
    public synchronized void tick(FlockStatus status) {
        Instant now = clock.instant();
        if (lastOverrides != null && !Objects.equals(lastOverrides, status.overrides())) {
            // A person changed who answers: they are on it, so escalated peers may be tried again.
            config.twinNames().forEach(policy::personActed);
            escalatedAt.clear();
        }
        lastOverrides = status.overrides();
        for (String peer : Set.copyOf(escalatedAt.keySet())) {
            if (rescuedByAPersonSince(peer, escalatedAt.get(peer))) {
                LOG.info("{} was rescued by hand: automatic rescue may try again", peer);
                policy.personActed(peer);
                escalatedAt.remove(peer);
            }
        }
        for (FlockStatus.TwinStatus peer : status.twins()) {
            if (peer.name().equals(self) || inFlight.contains(peer.name())) {
                continue;
            }
            switch (policy.observe(peer.name(), unhealthy(peer), now)) {
                case AutoRescuePolicy.Action.Rescue rescue -> start(rescue, now);
                case AutoRescuePolicy.Action.Escalate escalate -> escalate(escalate.peer(), escalate.why());
                case AutoRescuePolicy.Action.Recovered recovered -> {
                    escalatedAt.remove(recovered.peer());
                    LOG.info("{} is healthy again after {} rescue attempt(s)", recovered.peer(), recovered.attempts());
                    event("rescue-recovered", recovered.peer(), Map.of("attempts", recovered.attempts()));
                    listener.recovered(recovered.peer(), recovered.attempts());
                }
                case AutoRescuePolicy.Action.Wait w -> {}
            }
        }
    }

    /**
     * Worth rescuing: its daemon runs but its gateway is not ready or unreachable, or its daemon
     * went silent. A twin stopped on purpose or never started is left alone.
     */
    static boolean unhealthy(FlockStatus.TwinStatus peer) {
        return switch (peer.state()) {
            case "online", "stale" ->
                peer.gateway().equals("not-ready") || peer.gateway().equals("unreachable");
            case "offline" -> true;
            default -> false;
        };
    }

    private void start(AutoRescuePolicy.Action.Rescue rescue, Instant now) {
        String peer = rescue.peer();
        // One rescuer per attempt across the flock: the duty's owner, claimed per 10 s slot.
        String slot = String.valueOf(now.getEpochSecond() / 10);
        if (!claimDuty.test("rescue:" + peer, slot)) {
            return;
        }
        inFlight.add(peer);
        LOG.warn("rescuing {} automatically (attempt {})", peer, rescue.attempt());
        event("rescue-started", peer, Map.of("attempt", rescue.attempt()));
        listener.started(peer, rescue.attempt());
        executor.execute(() -> {
            RescueReport report;
            try {
                report = runner.rescue(peer);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                finished(peer, "interrupted", false);
                return;
            } catch (RuntimeException e) {
                LOG.error("automatic rescue of {} failed unexpectedly", peer, e);
                finished(peer, "error: " + e.getMessage(), false);
                return;
            }
            LOG.info(
                    "automatic rescue of {}: {} in {} ms",
                    peer,
                    report.outcome(),
                    report.took().toMillis());
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("outcome", report.outcome());
            details.put("ms", report.took().toMillis());
            details.put(
                    "steps",
                    report.steps().stream()
                            .map(s -> s.name() + ":" + s.outcome().word())
                            .toList());
            event("rescue", peer, details);
            listener.finished(peer, report);
            String why = report.steps().isEmpty()
                    ? report.outcome()
                    : report.steps().getLast().detail();
            finished(peer, report.outcome() + ": " + why, report.outcome().equals("refused"));
        });
    }

    private synchronized void finished(String peer, String outcome, boolean refused) {
        inFlight.remove(peer);
        if (policy.attempted(peer, clock.instant(), outcome, refused)
                instanceof AutoRescuePolicy.Action.Escalate escalate) {
            escalate(peer, escalate.why());
        }
    }

    private boolean rescuedByAPersonSince(String peer, Instant since) {
        try {
            return store.lastManualRescue(peer).filter(at -> at.isAfter(since)).isPresent();
        } catch (StoreUnavailableException e) {
            return false;
        }
    }

    private void escalate(String peer, String why) {
        escalatedAt.put(peer, clock.instant());
        // The listener alerts a person; the log and the trail keep it too.
        LOG.error(
                "{} needs a person: {}. No more automatic rescues until it recovers or someone runs "
                        + "'twin rescue {}' or 'twin override'.",
                peer,
                why,
                peer);
        event("rescue-escalated", peer, Map.of("why", why));
        listener.escalated(peer, why);
    }

    private void event(String kind, String peer, Map<String, Object> details) {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("target", peer);
        all.put("automatic", true);
        all.putAll(details);
        try {
            store.appendEvent(self, clock.instant(), kind, all);
        } catch (StoreUnavailableException e) {
            LOG.warn("could not record {} of {} on the store: {}", kind, peer, e.getMessage());
        }
    }

    /** Whether automatic action for {@code peer} has stopped until it recovers or a person acts. */
    public synchronized boolean escalated(String peer) {
        return policy.escalated(peer);
    }
}
