package dev.openclaw.twin.daemon;

import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.coordination.FlockView;
import dev.openclaw.twin.health.FlockSnapshot;
import dev.openclaw.twin.health.GatewayEvidence;
import dev.openclaw.twin.health.LivenessTracker;
import dev.openclaw.twin.protocol.PeerAgreement;
import dev.openclaw.twin.state.StateStore;
import java.time.Clock;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

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
    private final AtomicReference<Beat> last = new AtomicReference<>();

    /**
     * @param store where heartbeats are read before the first beat, and whose directory must be
     *     there for {@link #reachesStore}
     */
    FlockViews(
            String twin,
            TwinsConfig config,
            StateStore store,
            Clock clock,
            LivenessTracker tracker,
            PeerAgreement agreement,
            GatewayEvidence gatewayEvidence) {
        this.twin = twin;
        this.config = config;
        this.store = store;
        this.clock = clock;
        this.tracker = tracker;
        this.agreement = agreement;
        this.gatewayEvidence = gatewayEvidence;
    }

    /** A heartbeat's findings, for every view from now on. */
    void seen(Beat beat) {
        last.set(beat);
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
        Beat beat = last.get();
        if (beat != null) {
            return beat.view();
        }
        return FlockSnapshot.read(store, config.twinNames()).view(config, clock.instant(), tracker);
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
