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
 * @param heartbeatAges how long ago each heartbeat changed, by the store's own time
 */
public record FlockSnapshot(
        Map<String, Heartbeat> heartbeats,
        Map<String, Duration> heartbeatAges,
        Overrides overrides,
        Optional<PrimaryState> primaryState,
        List<String> problems,
        Optional<String> storeProblem) {

    /** Two twins' clocks this far apart are reported. */
    public static final Duration MAX_SKEW = Duration.ofSeconds(60);

    public FlockSnapshot {
        heartbeats = Map.copyOf(heartbeats);
        heartbeatAges = Map.copyOf(heartbeatAges);
        problems = List.copyOf(problems);
    }

    public static FlockSnapshot read(StateStore store, List<String> twins) {
        Map<String, Heartbeat> heartbeats = new LinkedHashMap<>();
        Map<String, Duration> ages = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        try {
            Map<String, Duration> allAges = store.heartbeatAges();
            for (Map.Entry<String, StoreRead<Heartbeat>> e :
                    store.readHeartbeats().entrySet()) {
                switch (e.getValue()) {
                    case StoreRead.Present<Heartbeat> p -> {
                        heartbeats.put(e.getKey(), p.value());
                        Optional.ofNullable(allAges.get(e.getKey())).ifPresent(age -> ages.put(e.getKey(), age));
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
            problems.addAll(skews(heartbeats, ages));
            return new FlockSnapshot(heartbeats, ages, overrides, primary, problems, Optional.empty());
        } catch (StoreUnavailableException e) {
            return new FlockSnapshot(
                    Map.of(), Map.of(), Overrides.NONE, Optional.empty(), List.of(), Optional.of(e.getMessage()));
        }
    }

    /** This snapshot with one more problem (e.g. a failed write, which reading cannot see). */
    public FlockSnapshot withProblem(String problem) {
        List<String> all = new ArrayList<>(problems);
        all.add(problem);
        return new FlockSnapshot(heartbeats, heartbeatAges, overrides, primaryState, all, storeProblem);
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

    /**
     * Pairs of twins whose clocks differ by more than {@link #MAX_SKEW}. A heartbeat's {@code
     * writtenAt} plus its age (the store's) is its writer's clock at one moment common to all, so
     * two twins are compared without the store having a clock of its own; the rotation's day
     * boundary is what needs them to agree.
     */
    private static List<String> skews(Map<String, Heartbeat> heartbeats, Map<String, Duration> ages) {
        Map<String, Instant> clockNow = new LinkedHashMap<>();
        for (Heartbeat hb : heartbeats.values()) {
            Duration age = ages.get(hb.twin());
            if (age != null && hb.writtenAt() != null) {
                clockNow.put(hb.twin(), hb.writtenAt().plus(age));
            }
        }
        List<String> skews = new ArrayList<>();
        List<String> names = new ArrayList<>(clockNow.keySet());
        for (int i = 0; i < names.size(); i++) {
            for (int j = i + 1; j < names.size(); j++) {
                Duration apart = Duration.between(clockNow.get(names.get(j)), clockNow.get(names.get(i)));
                if (apart.abs().compareTo(MAX_SKEW) > 0) {
                    String ahead = apart.isNegative() ? names.get(j) : names.get(i);
                    String behind = apart.isNegative() ? names.get(i) : names.get(j);
                    skews.add("clock skew: " + ahead + "'s clock is " + describe(apart.abs()) + " ahead of " + behind
                            + "'s");
                }
            }
        }
        return skews;
    }

    private static String describe(Duration d) {
        long s = d.toSeconds();
        return s >= 120 ? Math.round(s / 60.0) + " min" : s + " s";
    }
}
