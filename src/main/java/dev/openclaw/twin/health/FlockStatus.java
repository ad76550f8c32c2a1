package dev.openclaw.twin.health;

import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.coordination.DayRoles;
import dev.openclaw.twin.coordination.Overrides;
import dev.openclaw.twin.coordination.Rotation;
import dev.openclaw.twin.state.Heartbeat;
import dev.openclaw.twin.state.ShareText;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The flock at a glance: {@code twin status --json} and {@code GET /v1/status} (a contract: fields
 * may be added, never renamed).
 *
 * @param rule how the primary was chosen ({@code odd-even}, {@code round-robin}, {@code manual},
 *     {@code override}); {@code parity} is {@code odd} or {@code even} under odd-even
 * @param actingPrimary the twin answering routine messages now: the primary, or the next twin in
 *     the takeover order while the primary is down or its gateway is not ready
 */
public record FlockStatus(
        int schemaVersion,
        String date,
        String primary,
        String rule,
        String parity,
        String actingPrimary,
        OverridesView overrides,
        List<TwinStatus> twins,
        List<String> problems,
        boolean storeReadable) {

    public record TwinStatus(
            String name, String state, Double lastSeenSeconds, String gateway, String version, String host) {}

    /** @param by who set it, as they said (text from the share: printable, bounded) */
    public record OverridesView(boolean both, String only, String primary, String until, String by) {

        public OverridesView(boolean both, String only, String primary, String until) {
            this(both, only, primary, until, null);
        }
    }

    public static FlockStatus of(TwinsConfig config, Instant now, FlockSnapshot snapshot, LivenessJudge judge) {
        Rotation rotation = new Rotation(config.coordination());
        Overrides overrides = snapshot.overrides().activeAt(now);
        DayRoles roles = rotation.rolesOn(rotation.dateAt(now), overrides);
        List<TwinStatus> twins = new ArrayList<>();
        for (String name : config.twinNames()) {
            TwinState state = judge.stateOf(name);
            Heartbeat hb = judge.heartbeat(name).orElse(null);
            Double seen = judge.sinceLastChange(name)
                    .map(d -> Math.round(d.toMillis() / 100.0) / 10.0)
                    .orElse(null);
            twins.add(new TwinStatus(
                    name,
                    state.code(),
                    seen,
                    Liveness.gatewayOf(state, hb).code(),
                    hb == null ? null : ShareText.printable(hb.version()),
                    hb == null ? null : ShareText.printable(hb.host())));
        }
        List<String> problems = new ArrayList<>();
        snapshot.problems().forEach(p -> problems.add(ShareText.printable(p, 500)));
        snapshot.storeProblem().ifPresent(p -> problems.add(ShareText.printable(p, 500)));
        for (String name : config.twinNames()) {
            // What a twin's daemon found wrong with its own gateway's configuration, while it is up.
            judge.heartbeat(name)
                    .filter(hb -> judge.stateOf(name).isUp())
                    .map(Heartbeat::gateway)
                    .map(Heartbeat.GatewayHealth::problem)
                    .filter(p -> p != null && !p.isBlank())
                    .ifPresent(p -> problems.add(ShareText.printable(p, 300)));
        }
        return new FlockStatus(
                1,
                roles.date().toString(),
                roles.primary(),
                roles.rule(),
                roles.parity().orElse(null),
                actingPrimary(roles, judge).orElse(null),
                new OverridesView(
                        overrides.both(),
                        overrides.only().orElse(null),
                        overrides.primary().orElse(null),
                        overrides.until().map(Instant::toString).orElse(null),
                        overrides.by().map(ShareText::printable).orElse(null)),
                twins,
                problems,
                snapshot.storeProblem().isEmpty());
    }

    /**
     * The first twin of the day's order that is up with its gateway not known to be failing; if
     * every twin's gateway is failing, the first twin that is up at all.
     */
    static Optional<String> actingPrimary(DayRoles roles, LivenessJudge judge) {
        Optional<String> firstUp = Optional.empty();
        for (String twin : roles.order()) {
            TwinState state = judge.stateOf(twin);
            if (!state.isUp()) {
                continue;
            }
            GatewayState gateway =
                    Liveness.gatewayOf(state, judge.heartbeat(twin).orElse(null));
            if (gateway != GatewayState.NOT_READY && gateway != GatewayState.UNREACHABLE) {
                return Optional.of(twin);
            }
            if (firstUp.isEmpty()) {
                firstUp = Optional.of(twin);
            }
        }
        return firstUp;
    }

    /** Everyone online with a ready gateway, nothing wrong in the store. */
    public boolean healthy() {
        return storeReadable
                && problems.isEmpty()
                && twins.stream()
                        .allMatch(t -> t.state().equals("online") && t.gateway().equals("ready"));
    }
}
