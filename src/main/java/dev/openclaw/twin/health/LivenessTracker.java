package dev.openclaw.twin.health;

import dev.openclaw.twin.state.Heartbeat;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
    /** One run of a twin's daemon, as its heartbeats showed it; {@code startedAt} on that twin's clock. */
    private record Run(String incarnation, Instant startedAt) {}

    /** The most runs remembered per twin (a twin restarting in a loop must not grow this). */
    private static final int RUNS_KEPT = 8;

    /** The runs of each twin's daemon in the order this reader first saw them, the newest last. */
    private final Map<String, List<Run>> runs = new ConcurrentHashMap<>();
    /** When each peer's daemon last answered a direct probe, on the monotonic clock. */
    private final Map<String, Long> answeredAtNanos = new ConcurrentHashMap<>();

    /**
     * A run of a twin's daemon whose address refuses connections: {@code run} the newest run seen
     * when the refusals began, {@code count} how many probes in a row were refused since.
     */
    private record Refusals(String run, int count) {}

    private final Map<String, Refusals> refusals = new ConcurrentHashMap<>();
    /** How long a twin's heartbeat must have been still for refused probes to mean its run is gone (null: never). */
    private final Duration silenceWhenRefused;

    public LivenessTracker(LongSupplier nanoTime, Liveness liveness) {
        this(nanoTime, liveness, null);
    }

    /**
     * @param silenceWhenRefused a twin whose daemon refused {@link #REFUSALS} probes in a row and whose
     *     heartbeat has not changed for this long is taken for gone (see {@link #restartedSince}); two
     *     heartbeat intervals, so that a live daemon behind a wrong {@code daemon_url} is not
     */
    public LivenessTracker(LongSupplier nanoTime, Liveness liveness, Duration silenceWhenRefused) {
        this.nanoTime = nanoTime;
        this.liveness = liveness;
        this.silenceWhenRefused = silenceWhenRefused;
    }

    /** Refused probes in a row that, with a still heartbeat, mean a twin's run is gone. */
    static final int REFUSALS = 2;

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
        if (heartbeat.incarnation() != null) {
            observeRun(heartbeat.twin(), new Run(heartbeat.incarnation(), heartbeat.startedAt()));
        }
    }

    /**
     * A run seen again after a newer one (a stale copy of the heartbeat file, served by a NAS cache)
     * does not become the newest: the order of runs is the order they were first seen in. Nor does a
     * run first seen after the newest but started before it by the twin's own clock (a stale copy read
     * by a reader that started after the restart): it goes before the newest.
     */
    private void observeRun(String twin, Run run) {
        runs.compute(twin, (t, seen) -> {
            if (seen != null && seen.stream().anyMatch(r -> r.incarnation().equals(run.incarnation()))) {
                return seen;
            }
            List<Run> next = new ArrayList<>(seen == null ? List.of() : seen);
            Run newest = next.isEmpty() ? null : next.getLast();
            if (newest != null
                    && newest.startedAt() != null
                    && run.startedAt() != null
                    && run.startedAt().isBefore(newest.startedAt())) {
                next.add(next.size() - 1, run);
            } else {
                next.add(run);
            }
            return List.copyOf(next.subList(Math.max(0, next.size() - RUNS_KEPT), next.size()));
        });
    }

    /**
     * Whether {@code twin}'s daemon now runs as a newer run than {@code incarnation}: that run was
     * seen before the newest one, or (never seen: it died before its first heartbeat reached us)
     * its claim at {@code claimedAt} was made before the newest run started. Both times come from
     * {@code twin}'s own clock, so no two machines' clocks are compared. A run newer than any seen
     * (a NAS serving an old heartbeat) is never taken for an old one.
     */
    public boolean restartedSince(String twin, String incarnation, Instant claimedAt) {
        List<Run> seen = runs.get(twin);
        if (seen == null || seen.isEmpty() || incarnation == null) {
            return false;
        }
        Run newest = seen.getLast();
        if (newest.incarnation().equals(incarnation)) {
            return gone(twin, incarnation);
        }
        if (seen.stream().anyMatch(r -> r.incarnation().equals(incarnation))) {
            return true;
        }
        return newest.startedAt() != null && claimedAt != null && claimedAt.isBefore(newest.startedAt());
    }

    /**
     * Whether the run {@code incarnation} of {@code twin}'s daemon has stopped running without a word
     * (SIGKILL, a crash: no "stopped" heartbeat): its address refused connections {@link #REFUSALS}
     * times in a row since it was the newest run seen, and its heartbeat has been still for {@code
     * silenceWhenRefused}. A live daemon keeps its port open, even SIGSTOPped (the kernel still
     * accepts: a paused daemon's probe times out, it is not refused), so this never takes a paused
     * daemon for gone; nor one that restarted since (its new run answers, which ends the refusals).
     * The claims such a run made will never be confirmed: a later run refuses what it never decided.
     */
    private boolean gone(String twin, String incarnation) {
        Refusals r = refusals.get(twin);
        Observation o = observations.get(twin);
        return silenceWhenRefused != null
                && r != null
                && r.count() >= REFUSALS
                && incarnation.equals(r.run())
                && o != null
                && sinceChange(o).compareTo(silenceWhenRefused) >= 0;
    }

    /**
     * Records that a peer's daemon refused a connection (nothing listens at its address: its process
     * is not running, or not yet). Unlike a timeout, which a paused daemon or a slow network also
     * gives, a refusal comes only from a host that is up and has no daemon on that port.
     */
    public void observeRefused(String twin) {
        List<Run> seen = runs.get(twin);
        String newest = seen == null || seen.isEmpty() ? null : seen.getLast().incarnation();
        refusals.compute(
                twin,
                (t, previous) -> previous != null && java.util.Objects.equals(previous.run(), newest)
                        ? new Refusals(newest, previous.count() + 1)
                        : new Refusals(newest, 1));
    }

    /**
     * Records the outcome of asking a peer's daemon directly. An answer proves the peer is running
     * even while the shared store shows an old heartbeat (a NAS caching file attributes); a failure
     * proves nothing, as the network between two twins may fail while both are fine.
     */
    public void observeDirectProbe(String twin, boolean answered) {
        if (answered) {
            answeredAtNanos.put(twin, nanoTime.getAsLong());
            refusals.remove(twin);
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
