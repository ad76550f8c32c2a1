package dev.openclaw.twin.daemon;

import dev.openclaw.twin.arbiter.ArbiterRole;
import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.health.FlockStatus;
import dev.openclaw.twin.health.GatewayEvidence;
import dev.openclaw.twin.health.Liveness;
import dev.openclaw.twin.health.LivenessTracker;
import dev.openclaw.twin.protocol.ClaimCoordinator;
import dev.openclaw.twin.protocol.PeerAgreement;
import dev.openclaw.twin.rescue.AutoRescue;
import dev.openclaw.twin.state.Heartbeat;
import dev.openclaw.twin.state.StateStore;
import dev.openclaw.twin.state.StoreUnavailableException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs beside one twin's gateway: publishes its heartbeat, watches its gateway and its peers, keeps
 * {@code twin-primary.json} current and serves the HTTP API. Lifecycle: {@link #start()} once, then
 * {@link #close()} (idempotent), which publishes a final "stopped" heartbeat so peers know at once.
 */
public final class Daemon implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);
    /** Claims are kept this long in the store: long after any retry of their message. */
    public static final Duration CLAIM_RETENTION = Duration.ofHours(24);

    /** How old a decision's view of the flock may be before it is judged again (see FlockViews). */
    public static final Duration VIEW_REFRESH = FlockViews.VIEW_REFRESH;

    /**
     * The shortest claim retention that is safe for {@code config}'s timings: a claim must outlive
     * every step of its message, or a watcher finds it gone and claims the message again. The longest
     * a live message's claim goes without a new file is a confirm's staleness bound (a holder's
     * confirm later than that is refused), or its holder going down ({@code offline_after}) and then
     * a takeover delay per twin (the last in the order waits longest); twice that, for a slow store. Production keeps a day: a
     * duty's slot and a repeated phrase's count are judged by their claims for that long (repeat
     * marks cover the phrase after pruning; nothing covers a duty asked again), and a user has no
     * reason to trade that for disk space, so this is no configuration key but a test hook ({@code
     * twin daemon --claim-retention}, hidden) that lets a run of seconds see pruning.
     */
    public static Duration minimumClaimRetention(TwinsConfig config) {
        Duration takeovers = config.coordination()
                .takeoverDelay()
                .multipliedBy(config.twinNames().size());
        Duration holderGone = config.coordination().offlineThreshold().plus(takeovers);
        Duration confirm = Duration.ofSeconds(3);
        return (holderGone.compareTo(confirm) > 0 ? holderGone : confirm).multipliedBy(2);
    }

    /** Takeover deadlines are a few seconds: watched messages are looked at ten times a second. */
    static final Duration TAKEOVER_TICK = Duration.ofMillis(100);
    /** How long a peer has to answer {@code /v1/promise}: on a LAN, milliseconds; a paused peer never does. */
    static final Duration PROMISE_TIMEOUT = Duration.ofMillis(500);

    static final String HEARTBEAT = "heartbeat";
    static final String TAKEOVER = "takeover";

    /** The daemon could not start; the message says why and what to do, in one line for the user. */
    public static final class StartFailure extends RuntimeException {
        StartFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private enum Lifecycle {
        LATENT,
        STARTED,
        CLOSED
    }

    private final TwinsConfig config;
    private final String twin;
    private final String version;
    /** The store as claims see it: on a cloud folder, the arbiter's; else the folder itself. */
    private final StateStore store;

    private final AtomicReference<Lifecycle> lifecycle = new AtomicReference<>(Lifecycle.LATENT);
    /** Every thread this daemon starts, the takeover watcher's own scheduler among them: closed with it. */
    private final DaemonExecutors executors;

    private final TaskSupervisor tasks;
    private final HeartbeatPublisher heartbeat;
    private final BeatObservers afterBeat;
    private final PeerProbe peerProbe;
    private final ClaimCoordinator claims;
    /** The takeover watcher's loop: every {@link #TAKEOVER_TICK}, and at once when the store reports a change. */
    private final WakeableLoop takeoverLoop;

    private final ClaimPruner pruner;
    private final DaemonMetrics metrics;
    private final DaemonAlerts alerts;
    private final DaemonSync sync;
    private final DaemonHealth health;
    private final DaemonHttpServer http;

    public Daemon(
            TwinsConfig config,
            String twin,
            StateStore store,
            Clock clock,
            LongSupplier nanoTime,
            String version,
            int port) {
        this(config, twin, store, clock, nanoTime, version, port, CLAIM_RETENTION);
    }

    /**
     * @param claimRetention how long claims stay in the store: {@link #CLAIM_RETENTION}, shorter only
     *     in tests (at least {@link #minimumClaimRetention})
     */
    public Daemon(
            TwinsConfig config,
            String twin,
            StateStore store,
            Clock clock,
            LongSupplier nanoTime,
            String version,
            int port,
            Duration claimRetention) {
        Duration minimum = minimumClaimRetention(config);
        if (claimRetention.compareTo(minimum) < 0) {
            throw new IllegalArgumentException(
                    "claim retention " + claimRetention + " is below " + minimum + " for this flock's timings");
        }
        this.config = config;
        this.twin = twin;
        this.version = version;
        this.executors = new DaemonExecutors();
        // If it cannot start (cannot listen on the port, say), what it started so far stops.
        try {
            String host = hostName();
            // This run of the daemon: claims and heartbeats carry it, so peers can tell a restart (see HolderRuns).
            String incarnation = UUID.randomUUID().toString();
            HttpClient client = executors.httpClient();
            Duration beat = config.monitoring().heartbeatInterval();

            // A peer whose daemon refuses connections and whose heartbeat missed two beats has stopped
            // running (killed or crashed): its claims are taken over without waiting for offline_after.
            LivenessTracker tracker = new LivenessTracker(
                    nanoTime,
                    Liveness.of(config),
                    beat.multipliedBy(2).plus(config.sharedStorage().syncLag()));
            // What the peers reached directly say about the store and the claimant (for store outages).
            PeerAgreement agreement =
                    new PeerAgreement(nanoTime, Liveness.direct(config).onlineWithin());
            // The probe's answer and the plugin's calls: a gateway that calls is up whatever /readyz says.
            GatewayEvidence gatewayEvidence =
                    new GatewayEvidence(twin, config.twin(twin).gatewayUrl(), nanoTime);
            // Heartbeats and twin-primary.json are the folder's alike on a cloud folder (the arbiter
            // arbitrates claims only), so the views read them from the folder.
            FlockViews views =
                    new FlockViews(twin, config, store, clock, nanoTime, tracker, agreement, gatewayEvidence);
            Collaborators collaborators = new Collaborators(config, twin, clock, nanoTime, executors);
            Optional<Collaborators.Arbitration> arbitration =
                    collaborators.arbitration(store, views, tracker, agreement);
            Optional<ArbiterRole> arbiter = arbitration.map(Collaborators.Arbitration::role);
            this.store = arbitration
                    .<StateStore>map(Collaborators.Arbitration::store)
                    .orElse(store);

            DaemonMetrics metrics = new DaemonMetrics(config.twinNames());
            this.tasks = new TaskSupervisor(nanoTime, metrics::taskError);
            this.heartbeat = new HeartbeatPublisher(
                    config,
                    new HeartbeatPublisher.Identity(twin, host, version, clock.instant(), incarnation),
                    this.store,
                    clock,
                    tracker,
                    new GatewayProbe(client, config.twin(twin).gatewayUrl(), clock),
                    gatewayEvidence,
                    views,
                    metrics,
                    arbiter);
            this.peerProbe = new PeerProbe(
                    client,
                    config,
                    twin,
                    beat.compareTo(Duration.ofSeconds(2)) < 0 ? beat : Duration.ofSeconds(2),
                    tracker::observeDirectProbe,
                    agreement::answered,
                    arbiter.<PeerProbe.ArbiterReport>map(role -> role::answered).orElse(PeerProbe.ArbiterReport.NONE),
                    nanoTime,
                    tracker::observeRefused);
            this.claims = new ClaimCoordinator(
                    config,
                    twin,
                    this.store,
                    clock,
                    nanoTime,
                    views::view,
                    collaborators.dispatcher(),
                    executors.virtual("takeover-dispatch"),
                    metrics,
                    incarnation,
                    tracker::restartedSince,
                    agreement,
                    new HttpPeerPromises(client, config, twin, PROMISE_TIMEOUT));
            this.takeoverLoop = new WakeableLoop(TAKEOVER_TICK, tasks.supervise(TAKEOVER, claims::tick));
            this.pruner =
                    new ClaimPruner(this.store, arbitration.isPresent(), twin, incarnation, clock, claimRetention);
            this.metrics = metrics;
            this.alerts = collaborators.alerts(claims, metrics);
            // Auto-rescue reads and records rescues in the folder itself.
            Optional<AutoRescue> autoRescue = collaborators.autoRescue(store, claims, alerts);
            this.sync = new DaemonSync(
                    config,
                    twin,
                    clock,
                    alerts::syncConflict,
                    arbitration.map(Collaborators.Arbitration::store).map(StateStore.class::cast));
            this.health = new DaemonHealth(
                    config,
                    twin,
                    incarnation,
                    this.store,
                    clock,
                    tracker,
                    views,
                    heartbeat::storeProblem,
                    tasks,
                    arbiter);
            this.afterBeat =
                    new BeatObservers(config, health::status, tracker, claims, alerts, autoRescue, metrics, nanoTime);
            DaemonRoutes routes = new DaemonRoutes(
                    new ProtocolApi(claims, twin),
                    new OverrideApi(config, twin, this.store, clock),
                    arbitration.map(a -> new ArbiterApi(a.store())),
                    gatewayEvidence,
                    config.twinNames().stream()
                            .filter(name -> !name.equals(twin))
                            .collect(Collectors.toSet()),
                    views::reachesStore);
            this.http = new DaemonHttpServer(
                    config.daemon(),
                    port,
                    twin,
                    HttpRequestGuard.namesOf(config, twin, host),
                    HttpRequestGuard.daemonUrlPort(config, twin),
                    health::status,
                    health::healthz,
                    health::healthProblem,
                    clock,
                    metrics,
                    routes.posts(),
                    executors.virtual("http-request"));
        } catch (RuntimeException | Error e) {
            executors.close();
            throw e;
        }
    }

    public void start() {
        if (!lifecycle.compareAndSet(Lifecycle.LATENT, Lifecycle.STARTED)) {
            throw new IllegalStateException("daemon already started or closed");
        }
        http.start();
        Duration beat = config.monitoring().heartbeatInterval();
        heartbeat.firstProbe();
        tasks.watch(HEARTBEAT, beat);
        tasks.watch(TAKEOVER, TAKEOVER_TICK);
        executors.everyWithFixedDelay(tasks.supervise("gateway-probe", heartbeat::probeGateway), beat, beat);
        executors.everyAtFixedRate(
                tasks.supervise(HEARTBEAT, () -> afterBeat.beaten(heartbeat.beat())), Duration.ZERO, beat);
        store.onChange(takeoverLoop::wake);
        executors.runTakeoverLoop(takeoverLoop);
        // On virtual threads, one run at a time: a prune of many claims (a mark for each content
        // key) or a long sync must not hold up a heartbeat.
        executors.everyInBackground(
                "prune", tasks.supervise("prune", this::prune), pruner.firstAfter(), pruner.every());
        if (sync.enabled()) {
            Duration every = config.sync().interval();
            executors.everyInBackground("sync", tasks.supervise("sync", sync::syncAll), every.dividedBy(10), every);
        }
        if (alerts.hasDeadman()) {
            executors.everyInBackground(
                    "deadman",
                    tasks.supervise("deadman", alerts::pingDeadman),
                    Duration.ZERO,
                    config.monitoring().healthCheckInterval());
        }
        if (peerProbe.hasPeers()) {
            executors.everyAtFixedRate(tasks.supervise("peer-probe", peerProbe::probeAll), Duration.ZERO, beat);
        }
        LOG.info(
                "twin {} daemon {} started: store {}, HTTP on {}:{}, heartbeat every {} ms",
                twin,
                version,
                store.describe(),
                config.daemon().bind(),
                http.port(),
                beat.toMillis());
    }

    public int httpPort() {
        return http.port();
    }

    /** The flock as this daemon sees it, for {@code /v1/status}. */
    public FlockStatus status() {
        return health.status();
    }

    /** The names of this daemon's threads still running (none once {@link #close} has returned). */
    List<String> threadsRunning() {
        return executors.running();
    }

    /** Forgets old decisions; deletes claims older than the retention from the store, if this twin prunes. */
    private void prune() {
        claims.prune();
        try {
            int pruned = pruner.prune();
            if (pruned > 0) {
                LOG.info("pruned {} claims older than {}", pruned, pruner.retention());
            }
        } catch (StoreUnavailableException e) {
            metrics.storeError();
        }
    }

    @Override
    public void close() {
        Lifecycle previous = lifecycle.getAndSet(Lifecycle.CLOSED);
        if (previous == Lifecycle.CLOSED) {
            return;
        }
        // Let a beat in progress finish its write (an interrupt would abort it half-way), but do not
        // wait long for a slow probe: the final heartbeat should go out at once.
        executors.stopSchedulers(Duration.ofMillis(500));
        // HTTP first: a peer's direct probe must not vouch for us once we say we stopped.
        http.stop();
        if (previous == Lifecycle.STARTED) {
            heartbeat
                    .publish(Heartbeat.STOPPED)
                    .ifPresent(problem -> LOG.warn("could not publish the final 'stopped' heartbeat: {}", problem));
        }
        // Dispatches, alerts and rescues in flight are abandoned: their claims are given up by time.
        executors.close();
        if (previous == Lifecycle.STARTED) {
            LOG.info("twin {} daemon stopped", twin);
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("localhost");
        }
    }
}
