package dev.openclaw.twin.health;

import dev.openclaw.twin.state.Heartbeat;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Liveness from one look at the store, for {@code twin status} without a daemon: a heartbeat's age
 * is the store's clock now minus the store's stamp on the heartbeat file, so no twin's own clock is
 * involved. Without a store clock (read-only share) it falls back to the reader's clock.
 */
public final class StoreClockJudge implements LivenessJudge {

    private final FlockSnapshot snapshot;
    private final Instant now;
    private final Liveness liveness;

    public StoreClockJudge(FlockSnapshot snapshot, Instant readerNow, Liveness liveness) {
        this.snapshot = snapshot;
        this.now = snapshot.storeNow().orElse(readerNow);
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
        return Optional.ofNullable(snapshot.changedAt().get(twin))
                .map(stamp -> Duration.between(stamp, now))
                .map(age -> age.isNegative() ? Duration.ZERO : age);
    }

    @Override
    public Optional<Heartbeat> heartbeat(String twin) {
        return Optional.ofNullable(snapshot.heartbeats().get(twin));
    }
}
