package dev.openclaw.twin.health;

import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.coordination.DayRoles;
import dev.openclaw.twin.coordination.FlockView;
import dev.openclaw.twin.coordination.Overrides;
import dev.openclaw.twin.coordination.Rotation;
import dev.openclaw.twin.state.Heartbeat;
import dev.openclaw.twin.state.PrimaryState;
import dev.openclaw.twin.state.StateStore;
import dev.openclaw.twin.state.StoreRead;
import dev.openclaw.twin.state.StoreUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything read from the shared store at one moment, with what was wrong with it. Reading never
 * throws: an unreachable store is a snapshot whose {@link #storeProblem()} is set.
 *
 * @param changedAt when the store stamped each heartbeat file (its own clock)
 * @param storeNow the store's clock now, if it could be read
 */
public record FlockSnapshot(
        Map<String, Heartbeat> heartbeats,
        Map<String, Instant> changedAt,
        Optional<Instant> storeNow,
        Overrides overrides,
        Optional<PrimaryState> primaryState,
        List<String> problems,
        Optional<String> storeProblem) {

    /** A twin's clock this far from the store's is reported. */
    public static final Duration MAX_SKEW = Duration.ofSeconds(60);

    public FlockSnapshot {
        heartbeats = Map.copyOf(heartbeats);
        changedAt = Map.copyOf(changedAt);
        problems = List.copyOf(problems);
    }

    public static FlockSnapshot read(StateStore store, List<String> twins, boolean withStoreClock) {
        Map<String, Heartbeat> heartbeats = new LinkedHashMap<>();
        Map<String, Instant> changedAt = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        try {
            for (Map.Entry<String, StoreRead<Heartbeat>> e :
                    store.readHeartbeats().entrySet()) {
                switch (e.getValue()) {
                    case StoreRead.Present<Heartbeat> p -> {
                        heartbeats.put(e.getKey(), p.value());
                        store.heartbeatChangedAt(e.getKey()).ifPresent(t -> changedAt.put(e.getKey(), t));
                    }
                    case StoreRead.Corrupt<Heartbeat> c -> problems.add(c.problem());
                    case StoreRead.Absent<Heartbeat> a -> {}
                }
                if (!twins.contains(e.getKey())) {
                    problems.add("twin/heartbeats/" + e.getKey() + ".json: '" + e.getKey()
                            + "' is not a twin of this configuration");
                }
            }
            Overrides overrides = switch (store.readOverrides()) {
                case StoreRead.Present<Overrides> p -> p.value();
                case StoreRead.Corrupt<Overrides> c -> {
                    problems.add(c.problem() + " (overrides ignored)");
                    yield Overrides.NONE;
                }
                case StoreRead.Absent<Overrides> a -> Overrides.NONE;
            };
            Optional<PrimaryState> primary = switch (store.readPrimaryState()) {
                case StoreRead.Present<PrimaryState> p -> Optional.of(p.value());
                case StoreRead.Corrupt<PrimaryState> c -> {
                    problems.add(c.problem());
                    yield Optional.empty();
                }
                case StoreRead.Absent<PrimaryState> a -> Optional.empty();
            };
            Optional<Instant> now = withStoreClock ? store.storeNow() : Optional.empty();
            for (Heartbeat hb : heartbeats.values()) {
                Instant stamped = changedAt.get(hb.twin());
                if (stamped != null && hb.writtenAt() != null) {
                    Duration skew = Duration.between(stamped, hb.writtenAt());
                    if (skew.abs().compareTo(MAX_SKEW) > 0) {
                        problems.add("clock skew: " + hb.twin() + "'s clock is " + describe(skew.abs())
                                + (skew.isNegative() ? " behind" : " ahead of") + " the shared store's");
                    }
                }
            }
            return new FlockSnapshot(heartbeats, changedAt, now, overrides, primary, problems, Optional.empty());
        } catch (StoreUnavailableException e) {
            return new FlockSnapshot(
                    Map.of(),
                    Map.of(),
                    Optional.empty(),
                    Overrides.NONE,
                    Optional.empty(),
                    List.of(),
                    Optional.of(e.getMessage()));
        }
    }

    /** This snapshot with one more problem (e.g. a failed write, which reading cannot see). */
    public FlockSnapshot withProblem(String problem) {
        List<String> all = new ArrayList<>(problems);
        all.add(problem);
        return new FlockSnapshot(heartbeats, changedAt, storeNow, overrides, primaryState, all, storeProblem);
    }

    /**
     * What a twin evaluating a message knows: the day's roles under the overrides in force, a
     * hand-set {@code bothRespond} of today's {@code twin-primary.json}, and who is down (its daemon
     * or its gateway).
     */
    public FlockView view(TwinsConfig config, Instant now, LivenessJudge judge) {
        Rotation rotation = new Rotation(config.coordination());
        Overrides active = overrides.activeAt(now);
        DayRoles roles = rotation.rolesOn(rotation.dateAt(now), active);
        boolean bothByHand = primaryState
                .filter(s -> s.date().equals(roles.date().toString()))
                .map(PrimaryState::bothRespondByHand)
                .orElse(false);
        Set<String> down = new HashSet<>();
        for (String twin : config.twinNames()) {
            // A twin is up only while its daemon and its gateway are: a twin whose gateway is
            // known to be failing cannot answer, so it hands its role on.
            TwinState state = judge.stateOf(twin);
            GatewayState gateway =
                    Liveness.gatewayOf(state, judge.heartbeat(twin).orElse(null));
            if (!state.isUp() || gateway == GatewayState.NOT_READY || gateway == GatewayState.UNREACHABLE) {
                down.add(twin);
            }
        }
        return new FlockView(roles, active, bothByHand, down);
    }

    private static String describe(Duration d) {
        long s = d.toSeconds();
        return s >= 120 ? Math.round(s / 60.0) + " min" : s + " s";
    }
}
