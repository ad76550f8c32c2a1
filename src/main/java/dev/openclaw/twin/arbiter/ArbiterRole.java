package dev.openclaw.twin.arbiter;

import dev.openclaw.twin.health.TwinState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Which twin arbitrates claims on a cloud-synced folder, by this twin's view, and whether this twin
 * may arbitrate now. A cloud folder gives each twin its own copy, synced seconds later, so an
 * exclusive create there is atomic only on one machine: one twin at a time creates and ends every
 * claim, on its own copy, and the others ask it over {@code daemon_url}.
 *
 * <p>The arbiter is the first twin of the day's order (the primary first) whose daemon is up and
 * reaches its copy of the folder. Only the daemon counts, not its gateway: a twin whose gateway is
 * down can still arbitrate, and an arbiter that moved whenever a gateway flapped would cost a settle
 * time at each move.
 *
 * <p>This twin arbitrates ({@link #serving()}) only while it is the arbiter by its own view, every
 * peer that is up by its view names it as the arbiter in an answer to a probe sent within {@code
 * fresh} (Patroni's failsafe rule again: act only with the agreement of every member you know to be
 * up), and {@code settle} (the folder's sync lag) has passed since any peer last arbitrated, as each
 * says in that answer: the claims an earlier arbiter made have synced here by then. A twin counts as
 * having arbitrated when its daemon started (a previous run of it may have, just before), so a
 * restarted arbiter is waited for too; one that never did, costs no wait. A peer is named only once
 * this twin has stopped arbitrating itself, so two twins never arbitrate at once while they see each
 * other; a twin seen down has been silent for longer than its heartbeat's sync lag, so its claims are
 * here too. Thread-safe.
 */
public final class ArbiterRole {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ArbiterRole.class);

    /**
     * What one peer last said: the arbiter it names (empty: it did not say, an older version), when
     * the probe was sent, and when (on our clock, late rather than early) it last arbitrated.
     */
    private record Report(Optional<String> arbiter, long sentNanos, Optional<Long> arbitratedAtNanos) {}

    private final String self;
    private final Supplier<List<String>> order;
    private final Function<String, TwinState> daemonState;
    private final Supplier<Set<String>> peersWithoutStore;
    private final BooleanSupplier reachesStore;
    private final LongSupplier nanoTime;
    private final Duration fresh;
    private final Duration settle;
    private final Duration startupGrace;
    /** Since when this twin's view of its peers can be trusted: its start, or its waking from a pause. */
    private volatile long trustedSinceNanos;
    /** When it last looked at its role: a gap longer than {@code fresh} means it was paused (or starved). */
    private volatile long lastLookNanos;

    private final Map<String, Report> reports = new ConcurrentHashMap<>();
    /** When this twin last arbitrated (monotonic); its start counts, for a previous run's sake. */
    private volatile long arbitratedAtNanos;

    private volatile boolean flockSeen;
    /** What the last look found, to log each change once. */
    private boolean wasServing;

    private String lastArbiter;

    /**
     * @param order the day's order, the primary first
     * @param daemonState each twin's liveness by heartbeats and direct probes
     * @param peersWithoutStore the peers that say they cannot reach their copy of the folder
     * @param reachesStore whether this twin reaches its own copy
     * @param fresh how old (since it was asked for) a peer's answer may be and still count
     * @param settle the folder's sync lag: how long after a peer last arbitrated this twin may start
     * @param startupGrace how long after this twin's start, or its waking from a pause, a peer that
     *     looks down still counts as up (never seen: its heartbeat may not have synced here yet; seen
     *     down: by a view that stood still while this twin was paused), so that two twins starting
     *     together, or one waking into a flock that moved on, do not each arbitrate alone
     */
    public ArbiterRole(
            String self,
            Supplier<List<String>> order,
            Function<String, TwinState> daemonState,
            Supplier<Set<String>> peersWithoutStore,
            BooleanSupplier reachesStore,
            LongSupplier nanoTime,
            Duration fresh,
            Duration settle,
            Duration startupGrace) {
        this.self = self;
        this.order = order;
        this.daemonState = daemonState;
        this.peersWithoutStore = peersWithoutStore;
        this.reachesStore = reachesStore;
        this.nanoTime = nanoTime;
        this.fresh = fresh;
        this.settle = settle;
        this.startupGrace = startupGrace;
        this.trustedSinceNanos = nanoTime.getAsLong();
        this.lastLookNanos = trustedSinceNanos;
        this.arbitratedAtNanos = trustedSinceNanos;
    }

    public String self() {
        return self;
    }

    /**
     * A peer answered a probe sent at {@code sentNanos}, naming {@code arbiter} (empty: it did not
     * say) and saying how long ago it last arbitrated (empty: it did not say).
     */
    public void answered(String peer, Optional<String> arbiter, long sentNanos, Optional<Duration> arbitratedAgo) {
        // Counted back from now, not from the probe's sending: the later estimate, so the longer wait.
        long now = nanoTime.getAsLong();
        Report report = new Report(arbiter, sentNanos, arbitratedAgo.map(ago -> now - ago.toNanos()));
        reports.merge(peer, report, (old, fresher) -> fresher.sentNanos() >= old.sentNanos() ? fresher : old);
    }

    /** How long ago this twin last arbitrated (or started): what it tells its peers. */
    public Duration arbitratedAgo() {
        return Duration.ofNanos(Math.max(0, nanoTime.getAsLong() - arbitratedAtNanos));
    }

    /** The flock has been read once (heartbeats): before that every peer would look unknown, not up. */
    public void flockSeen() {
        flockSeen = true;
        look();
        String arbiter = arbiter();
        boolean serving = serving();
        synchronized (this) {
            if (!arbiter.equals(lastArbiter)) {
                LOG.info("arbiter of claims by {}'s view: {} (was {})", self, arbiter, lastArbiter);
                lastArbiter = arbiter;
            }
            if (serving != wasServing) {
                if (serving) {
                    LOG.info("{} arbitrates claims now", self);
                } else {
                    LOG.info(
                            "{} no longer arbitrates claims: {}",
                            self,
                            whyNotServing().orElse("?"));
                }
                wasServing = serving;
            }
        }
    }

    /** The arbiter by this twin's view: what it asks, and what it names to peers. */
    public String arbiter() {
        Set<String> withoutStore = peersWithoutStore.get();
        for (String twin : order.get()) {
            if (twin.equals(self)) {
                if (reachesStore.getAsBoolean()) {
                    return self;
                }
            } else if (up(twin) && !withoutStore.contains(twin)) {
                return twin;
            }
        }
        return self;
    }

    /** Whether this twin arbitrates claims now (see the class comment). */
    public synchronized boolean serving() {
        long now = look();
        if (!agreed(now) || now < settledAt()) {
            return false;
        }
        arbitratedAtNanos = now;
        return true;
    }

    /** When the claims of every peer that said it arbitrated have synced here: its last time plus the lag. */
    private long settledAt() {
        return reports.values().stream()
                .flatMap(r -> r.arbitratedAtNanos().stream())
                .mapToLong(at -> at + settle.toNanos())
                .max()
                .orElse(Long.MIN_VALUE);
    }

    /** Why this twin does not arbitrate now, for the error a peer gets; empty if it does. */
    public Optional<String> whyNotServing() {
        if (serving()) {
            return Optional.empty();
        }
        String arbiter = arbiter();
        if (!arbiter.equals(self)) {
            return Optional.of(self + " is not the arbiter: " + arbiter + " is, by its view");
        }
        List<String> missing = requiredPeers().stream()
                .filter(peer -> !names(peer, self, nanoTime.getAsLong()))
                .toList();
        if (!missing.isEmpty()) {
            return Optional.of(self + " is not yet agreed on as the arbiter by " + String.join(", ", missing));
        }
        long wait = Math.max(0, settledAt() - nanoTime.getAsLong());
        return Optional.of(self + " waits " + Duration.ofNanos(wait).toMillis()
                + " ms more for a peer's claims to sync (the folder's sync lag is " + settle.toMillis() + " ms)");
    }

    private boolean agreed(long now) {
        if (!flockSeen || !arbiter().equals(self)) {
            return false;
        }
        return requiredPeers().stream().allMatch(peer -> names(peer, self, now));
    }

    /** The peers up by this twin's view: each must name this twin before it arbitrates. */
    private List<String> requiredPeers() {
        return order.get().stream()
                .filter(twin -> !twin.equals(self))
                .filter(this::up)
                .toList();
    }

    private boolean up(String twin) {
        TwinState state = daemonState.apply(twin);
        if (state.isUp()) {
            return true;
        }
        // Stopped on purpose is down for good; never seen or offline only once the view is trusted.
        return state != TwinState.STOPPED && nanoTime.getAsLong() - trustedSinceNanos < startupGrace.toNanos();
    }

    /** Now; notices a pause (a gap since the last look longer than {@code fresh}) and distrusts the view for a while. */
    private long look() {
        long now = nanoTime.getAsLong();
        if (now - lastLookNanos > fresh.toNanos()) {
            trustedSinceNanos = now;
        }
        lastLookNanos = now;
        return now;
    }

    private boolean names(String peer, String arbiter, long now) {
        Report report = reports.get(peer);
        return report != null
                && now - report.sentNanos() <= fresh.toNanos()
                && report.arbiter().equals(Optional.of(arbiter));
    }
}
