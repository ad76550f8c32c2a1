package dev.openclaw.twin.daemon;

import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.coordination.FlockView;
import dev.openclaw.twin.health.FlockSnapshot;
import dev.openclaw.twin.health.GatewayEvidence;
import dev.openclaw.twin.health.LivenessTracker;
import dev.openclaw.twin.protocol.PeerAgreement;
import dev.openclaw.twin.state.StateStore;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * The flock as this twin's last heartbeat saw it, and the three views taken of it: for decisions
 * ({@link #view}), by liveness alone ({@link #livenessView}) and as every twin can see it alike
 * ({@link #publishedView}); and whether this twin reaches the store ({@link #reachesStore}).
 */
final class FlockViews {

    /**
     * What one heartbeat saw: everyone's heartbeats, the flock they make, and whether it wrote ours
     * and read everyone's. A failed write of twin-primary.json alone (a hostile directory in its
     * place) is a problem to report, not a store this twin cannot claim in: telling peers
     * "unreachable" for it made this twin refuse its own confirms.
     */
    record Beat(FlockSnapshot snapshot, FlockView view, boolean reachedStore) {}

    private final String twin;
    private final TwinsConfig config;
    private final StateStore store;
    private final Clock clock;
    private final LivenessTracker tracker;
    private final PeerAgreement agreement;
    private final GatewayEvidence gatewayEvidence;
    private final LongSupplier nanoTime;
    private final AtomicReference<Beat> last = new AtomicReference<>();

    /** The published view and when it was judged (monotonic): judged again from the same beat when older than {@link #VIEW_REFRESH}. */
    private record Judged(Beat beat, long beatNanos, FlockView view, long atNanos) {}

    private final AtomicReference<Judged> judged = new AtomicReference<>();

    /**
     * How old the view may be before a decision judges it again from the last heartbeats read:
     * liveness is a matter of time (a peer goes offline offline_after after its last change, whether
     * or not a heartbeat was read since), and a takeover should not wait for the next beat to see it.
     */
    static final Duration VIEW_REFRESH = Duration.ofMillis(100);

    /**
     * @param store where heartbeats are read before the first beat, and whose directory must be
     *     there for {@link #reachesStore}
     */
    FlockViews(
            String twin,
            TwinsConfig config,
            StateStore store,
            Clock clock,
            LongSupplier nanoTime,
            LivenessTracker tracker,
            PeerAgreement agreement,
            GatewayEvidence gatewayEvidence) {
        this.twin = twin;
        this.config = config;
        this.store = store;
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.tracker = tracker;
        this.agreement = agreement;
        this.gatewayEvidence = gatewayEvidence;
    }

    /** A heartbeat's findings, for every view from now on. */
    void seen(Beat beat) {
        last.set(beat);
        long now = nanoTime.getAsLong();
        judged.set(new Judged(beat, now, beat.view(), now));
    }

    /** The last heartbeat's read of the store; empty before the first. */
    Optional<FlockSnapshot> lastSnapshot() {
        return Optional.ofNullable(last.get()).map(Beat::snapshot);
    }

    /**
     * The flock for decisions; this twin is up while its plugin calls (the call being decided is
     * one), even before a heartbeat has said so. While this twin reaches the store, a peer that says
     * it cannot is down for routine messages: it cannot claim, so the twins that can take its role.
     */
    FlockView view() {
        FlockView view = livenessView();
        Set<String> withoutStore = agreement.peersWithoutStore();
        if (withoutStore.isEmpty() || !reachesStore()) {
            return view;
        }
        Set<String> offline = new HashSet<>(view.offline());
        offline.addAll(withoutStore);
        return new FlockView(view.roles(), view.overrides(), view.bothRespondFlag(), offline);
    }

    /** Who is up by heartbeats, direct probes and plugin calls. */
    FlockView livenessView() {
        FlockView view = publishedView();
        if (!view.isOnline(twin) && gatewayEvidence.calling()) {
            Set<String> offline = new HashSet<>(view.offline());
            offline.remove(twin);
            view = new FlockView(view.roles(), view.overrides(), view.bothRespondFlag(), offline);
        }
        return view;
    }

    /**
     * Who is up by what every twin can see alike (heartbeats and direct probes), without this
     * twin's own plugin calls since its last heartbeat: what twins compare in an outage. A twin
     * whose own heartbeat says its gateway is down names another claimant here, as its peers do,
     * even while its plugin's calls make it answer when it can claim.
     */
    FlockView publishedView() {
        Judged last = judged.get();
        if (last == null) {
            return FlockSnapshot.read(store, config.twinNames()).view(config, clock.instant(), tracker);
        }
        long now = nanoTime.getAsLong();
        if (now - last.atNanos() <= VIEW_REFRESH.toNanos()
                || now - last.beatNanos()
                        > config.monitoring()
                                .heartbeatInterval()
                                .multipliedBy(2)
                                .toNanos()) {
            // Fresh enough; or this twin's own heartbeats have stalled (a hung write on a slow
            // share): judged again against time, its peers would all go down while this twin still
            // counts as reaching the store, and it would take over every claim. It keeps its last view.
            return last.view();
        }
        // The same heartbeats, judged again now (no store I/O); a beat racing this one wins.
        FlockView view = last.beat().snapshot().view(config, clock.instant(), tracker);
        judged.compareAndSet(last, new Judged(last.beat(), last.beatNanos(), view, now));
        return view;
    }

    /** Whether the last heartbeat could write and read the store, and its directory is there now. */
    boolean reachesStore() {
        Beat beat = last.get();
        return beat != null
                && beat.reachedStore()
                && beat.snapshot().storeProblem().isEmpty()
                && store.looksReachable();
    }
}
