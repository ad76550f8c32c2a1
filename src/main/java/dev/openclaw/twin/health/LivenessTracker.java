package dev.openclaw.twin.health;

import dev.openclaw.twin.state.Heartbeat;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Judges each peer alive by its heartbeat {@code seq} changing, timed on this process's monotonic
 * clock: a peer whose wall clock is wrong by minutes is judged exactly like one whose clock is right.
 * Thread-safe: observations come from the monitor thread, queries from HTTP handlers.
 */
public final class LivenessTracker implements LivenessJudge {

    /** What is known of one twin: its latest heartbeat and when its seq last changed. */
    private record Observation(Heartbeat heartbeat, long changedAtNanos, boolean confirmed) {}

    private final LongSupplier nanoTime;
    private final Liveness liveness;
    private final Map<String, Observation> observations = new ConcurrentHashMap<>();
    /** When each peer's daemon last answered a direct probe, on the monotonic clock. */
    private final Map<String, Long> answeredAtNanos = new ConcurrentHashMap<>();

    public LivenessTracker(LongSupplier nanoTime, Liveness liveness) {
        this.nanoTime = nanoTime;
        this.liveness = liveness;
    }

    /** Records a heartbeat as read now; a changed seq (or pid) counts as a sign of life. */
    public void observe(Heartbeat heartbeat) {
        long now = nanoTime.getAsLong();
        observations.compute(heartbeat.twin(), (twin, previous) -> {
            if (previous == null) {
                // An old file proves nothing until it changes.
                return new Observation(heartbeat, now, false);
            }
            boolean changed = previous.heartbeat().seq() != heartbeat.seq()
                    || previous.heartbeat().pid() != heartbeat.pid()
                    || !Objects.equals(previous.heartbeat().state(), heartbeat.state());
            return changed ? new Observation(heartbeat, now, true) : previous;
        });
    }

    /**
     * Records the outcome of asking a peer's daemon directly. An answer proves the peer is running
     * even while the shared store shows an old heartbeat (a NAS caching file attributes); a failure
     * proves nothing, as the network between two twins may fail while both are fine.
     */
    public void observeDirectProbe(String twin, boolean answered) {
        if (answered) {
            answeredAtNanos.put(twin, nanoTime.getAsLong());
        }
    }

    @Override
    public TwinState stateOf(String twin) {
        Observation o = observations.get(twin);
        TwinState fromHeartbeat = o == null
                ? TwinState.NEVER_SEEN
                : liveness.classify(sinceChange(o), o.confirmed(), o.heartbeat().stopped());
        if (fromHeartbeat != TwinState.ONLINE
                && sinceAnswer(twin).filter(liveness::isOnline).isPresent()) {
            return TwinState.ONLINE;
        }
        return fromHeartbeat;
    }

    @Override
    public Optional<Duration> sinceLastChange(String twin) {
        Optional<Duration> heartbeat =
                Optional.ofNullable(observations.get(twin)).map(this::sinceChange);
        Optional<Duration> answer = sinceAnswer(twin);
        if (heartbeat.isEmpty() || answer.isEmpty()) {
            return heartbeat.or(() -> answer);
        }
        return Optional.of(heartbeat.get().compareTo(answer.get()) <= 0 ? heartbeat.get() : answer.get());
    }

    private Optional<Duration> sinceAnswer(String twin) {
        return Optional.ofNullable(answeredAtNanos.get(twin)).map(at -> Duration.ofNanos(nanoTime.getAsLong() - at));
    }

    @Override
    public Optional<Heartbeat> heartbeat(String twin) {
        return Optional.ofNullable(observations.get(twin)).map(Observation::heartbeat);
    }

    private Duration sinceChange(Observation o) {
        return Duration.ofNanos(nanoTime.getAsLong() - o.changedAtNanos());
    }
}
