package dev.openclaw.twin.health;

import dev.openclaw.twin.state.Heartbeat;
import java.time.Duration;
import java.util.Optional;

/**
 * Liveness from one look at the store, for {@code twin status} without a daemon: a heartbeat's age
 * is how long ago the store saw it change, by the store's own time ({@code
 * StateStore#heartbeatAges}), so no twin's own clock is involved.
 */
public final class StoreClockJudge implements LivenessJudge {

    private final FlockSnapshot snapshot;
    private final Liveness liveness;

    public StoreClockJudge(FlockSnapshot snapshot, Liveness liveness) {
        this.snapshot = snapshot;
        this.liveness = liveness;
    }

    @Override
    public TwinState stateOf(String twin) {
        Heartbeat heartbeat = snapshot.heartbeats().get(twin);
        if (heartbeat == null) {
            return TwinState.NEVER_SEEN;
        }
        return liveness.classify(sinceLastChange(twin).orElse(Duration.ZERO), true, heartbeat.stopped());
    }

    @Override
    public Optional<Duration> sinceLastChange(String twin) {
        return Optional.ofNullable(snapshot.heartbeatAges().get(twin));
    }

    @Override
    public Optional<Heartbeat> heartbeat(String twin) {
        return Optional.ofNullable(snapshot.heartbeats().get(twin));
    }
}
