package dev.openclaw.twin.daemon;

import dev.openclaw.twin.arbiter.ArbiterClient;
import dev.openclaw.twin.arbiter.ArbiterRole;
import dev.openclaw.twin.arbiter.ArbitratedStore;
import dev.openclaw.twin.backup.ConfigBackups;
import dev.openclaw.twin.config.Secret;
import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.coordination.DayRoles;
import dev.openclaw.twin.coordination.FlockView;
import dev.openclaw.twin.coordination.OverrideChange;
import dev.openclaw.twin.coordination.Overrides;
import dev.openclaw.twin.coordination.ResponseRules;
import dev.openclaw.twin.health.FlockSnapshot;
import dev.openclaw.twin.health.FlockStatus;
import dev.openclaw.twin.health.GatewayEvidence;
import dev.openclaw.twin.health.Liveness;
import dev.openclaw.twin.health.LivenessTracker;
import dev.openclaw.twin.health.TwinState;
import dev.openclaw.twin.notify.Alerter;
import dev.openclaw.twin.notify.Notifiers;
import dev.openclaw.twin.protocol.ClaimCoordinator;
import dev.openclaw.twin.protocol.HttpTakeoverDispatcher;
import dev.openclaw.twin.protocol.PeerAgreement;
import dev.openclaw.twin.protocol.TakeoverDispatcher;
import dev.openclaw.twin.rescue.AutoRescue;
import dev.openclaw.twin.rescue.Rescuer;
import dev.openclaw.twin.state.Heartbeat;
import dev.openclaw.twin.state.Heartbeat.GatewayHealth;
import dev.openclaw.twin.state.OverrideRecord;
import dev.openclaw.twin.state.OverrideUpdate;
import dev.openclaw.twin.state.PrimaryState;
import dev.openclaw.twin.state.StateStore;
import dev.openclaw.twin.state.StoreUnavailableException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
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

    private final Duration claimRetention;
    /** Whether a prune runs now (the next one waits for it). */
    private final java.util.concurrent.atomic.AtomicBoolean pruning = new java.util.concurrent.atomic.AtomicBoolean();
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

    /**
     * How long a twin waits for a cloud folder's arbiter to create, read or end a claim: a decide
     * may wait for it, and the plugin gives up on a decide after 800 ms.
     */
    static final Duration ARBITER_TIMEOUT = Duration.ofMillis(300);

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
    private final StateStore store;
    private final Clock clock;
    private final String version;
    private final Instant startedAt;
    private final LongSupplier nanoTime;
    private final long startedNanos;
    private final String host = hostName();
    /** This run of the daemon: claims and heartbeats carry it, so peers can tell a restart (see HolderRuns). */
    private final String incarnation = java.util.UUID.randomUUID().toString();

    private final LivenessTracker tracker;
    private final GatewayProbe gatewayProbe;
    /** The probe's answer and the plugin's calls: a gateway that calls is up whatever /readyz says. */
    private final GatewayEvidence gatewayEvidence;

    private final PeerProbe peerProbe;
    private final DaemonHttpServer http;
    private final DaemonMetrics metrics;
    private final AtomicReference<Lifecycle> lifecycle = new AtomicReference<>(Lifecycle.LATENT);
    private final AtomicLong seq = new AtomicLong();
    private final AtomicReference<GatewayHealth> gateway = new AtomicReference<>();
    private final AtomicReference<FlockSnapshot> lastSnapshot = new AtomicReference<>();
    /** The flock as decisions see it, recomputed every heartbeat. */
    private final AtomicReference<FlockView> currentView = new AtomicReference<>();

    private final ClaimCoordinator claims;
    /** What the peers reached directly say about the store and the claimant (for store outages). */
    private final PeerAgreement agreement;
    /** On a cloud folder: who arbitrates claims, and the store that asks it; empty elsewhere. */
    private final Optional<ArbiterRole> arbiter;

    private final Optional<ArbitratedStore> arbitrated;

    private final ClaimPruner claimPruner;

    private final ResponseRules rules;
    private final DaemonAlerts alerts;
    /** Empty when {@code rescue.auto} is false. */
    private final Optional<AutoRescue> autoRescue;

    private final AtomicReference<String> storeProblem = new AtomicReference<>();
    /**
     * Whether the last heartbeat wrote ours and read everyone's: what this twin tells peers about the
     * store. A failed write of twin-primary.json alone (a hostile directory in its place) is a problem
     * to report, not a store this twin cannot claim in: telling peers "unreachable" for it made this
     * twin refuse its own confirms.
     */
    private volatile boolean heartbeatReachedStore;

    private final Map<String, TwinState> lastStates = new HashMap<>();
    /** Heartbeat, probes, pruning: tasks that may block on the store or the network. */
    private final ScheduledExecutorService scheduler = scheduler("twin-daemon-scheduler", 2);
    /** The takeover watcher alone, so a slow probe or store read elsewhere cannot delay a takeover. */
    private final ScheduledExecutorService takeoverScheduler = scheduler("twin-takeover-watcher", 1);
    /** Its loop: every {@link #TAKEOVER_TICK}, and at once when the store reports a change. */
    private final WakeableLoop takeoverLoop;
    /** Every other executor this daemon starts (HTTP client, dispatch, alerts, rescue): closed with it. */
    private final List<ExecutorService> executors = new ArrayList<>();

    private final HttpClient client;
    private final TaskSupervisor tasks;

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
        this.claimRetention = claimRetention;
        this.config = config;
        this.twin = twin;
        this.clock = clock;
        this.version = version;
        this.startedAt = clock.instant();
        this.nanoTime = nanoTime;
        this.startedNanos = nanoTime.getAsLong();
        this.tracker = new LivenessTracker(nanoTime, Liveness.of(config));
        this.agreement = new PeerAgreement(nanoTime, Liveness.direct(config).onlineWithin());
        this.rules = new ResponseRules(config);
        // HTTP/1.1: the JDK's default asks plain-http servers to upgrade to h2c, which OpenClaw's
        // gateway answers with 400.
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .executor(virtualExecutor())
                .build();
        Duration beat = config.monitoring().heartbeatInterval();
        if (config.sharedStorage().claimsByArbiter()) {
            ArbiterRole role = new ArbiterRole(
                    twin,
                    () -> livenessView().roles().order(),
                    tracker::stateOf,
                    agreement::peersWithoutStore,
                    this::reachesStore,
                    nanoTime,
                    Liveness.direct(config).onlineWithin(),
                    config.sharedStorage().syncLag(),
                    Liveness.of(config).offlineAfter());
            Map<String, java.net.URI> daemonUrls = new HashMap<>();
            config.twins().values().forEach(t -> t.daemonUrl().ifPresent(url -> daemonUrls.put(t.name(), url)));
            ArbiterClient arbiterClient = new ArbiterClient(
                    client,
                    daemonUrls,
                    config.daemon().token().map(Secret::value),
                    ARBITER_TIMEOUT,
                    beat.compareTo(Duration.ofSeconds(1)) < 0 ? beat : Duration.ofSeconds(1),
                    nanoTime);
            this.arbiter = Optional.of(role);
            this.arbitrated = Optional.of(new ArbitratedStore(store, role, arbiterClient, clock, nanoTime));
            this.store = arbitrated.get();
        } else {
            this.arbiter = Optional.empty();
            this.arbitrated = Optional.empty();
            this.store = store;
        }
        this.claimPruner = new ClaimPruner(
                this.store, arbitrated.isPresent(), twin, incarnation, clock, claimRetention, pruneEvery());
        this.gatewayProbe = new GatewayProbe(client, config.twin(twin).gatewayUrl(), clock);
        this.gatewayEvidence = new GatewayEvidence(twin, config.twin(twin).gatewayUrl(), nanoTime);
        this.peerProbe = new PeerProbe(
                client,
                config,
                twin,
                beat.compareTo(Duration.ofSeconds(2)) < 0 ? beat : Duration.ofSeconds(2),
                tracker::observeDirectProbe,
                agreement::answered,
                arbiter.<PeerProbe.ArbiterReport>map(role -> role::answered).orElse(PeerProbe.ArbiterReport.NONE),
                nanoTime);
        this.metrics = new DaemonMetrics(config.twinNames());
        this.tasks = new TaskSupervisor(nanoTime, metrics::taskError);
        this.claims = new ClaimCoordinator(
                config,
                twin,
                this.store,
                clock,
                nanoTime,
                this::view,
                dispatcher(config, client),
                virtualExecutor(),
                metrics,
                incarnation,
                tracker::restartedSince,
                agreement,
                new HttpPeerPromises(client, config, twin, PROMISE_TIMEOUT));
        this.takeoverLoop = new WakeableLoop(TAKEOVER_TICK, tasks.supervise(TAKEOVER, claims::tick));
        this.alerts = alerts(config, twin, clock, client);
        this.autoRescue =
                config.rescue().auto() ? Optional.of(autoRescue(config, twin, store, clock, client)) : Optional.empty();
        ProtocolApi api = new ProtocolApi(claims, twin);
        java.util.Set<String> peers = config.twinNames().stream()
                .filter(name -> !name.equals(twin))
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
        Map<String, DaemonHttpServer.PostHandler> posts = new HashMap<>(Map.of(
                "/v1/override", this::override,
                "/v1/decide", pluginCall(api::decide),
                "/v1/confirm", pluginCall(api::confirm),
                "/v1/duty", pluginCall(api::duty),
                "/v1/promise", body -> api.promise(body, peers, reachesStore())));
        arbitrated.map(ArbiterApi::new).ifPresent(claimsApi -> {
            posts.put("/v1/claims/create", claimsApi::create);
            posts.put("/v1/claims/read", claimsApi::read);
            posts.put("/v1/claims/end", claimsApi::end);
            posts.put("/v1/claims/time", claimsApi::time);
            posts.put("/v1/claims/read-many", claimsApi::readMany);
        });
        this.http = httpServer(() -> new DaemonHttpServer(
                config.daemon(),
                port,
                twin,
                HttpRequestGuard.namesOf(config, twin, host),
                HttpRequestGuard.daemonUrlPort(config, twin),
                this::status,
                this::healthz,
                this::healthProblem,
                clock,
                metrics,
                posts));
    }

    /** The HTTP server from {@code create}; if it cannot listen, stops what the constructor started first. */
    private DaemonHttpServer httpServer(Supplier<DaemonHttpServer> create) {
        try {
            return create.get();
        } catch (RuntimeException e) {
            scheduler.shutdownNow();
            takeoverScheduler.shutdownNow();
            executors.forEach(ExecutorService::shutdownNow);
            client.shutdownNow();
            throw e;
        }
    }

    public void start() {
        if (!lifecycle.compareAndSet(Lifecycle.LATENT, Lifecycle.STARTED)) {
            throw new IllegalStateException("daemon already started or closed");
        }
        http.start();
        Duration beatInterval = config.monitoring().heartbeatInterval();
        long beatMillis = beatInterval.toMillis();
        gateway.set(gatewayProbe.probe());
        gatewayEvidence.probed(gateway.get());
        tasks.watch(HEARTBEAT, beatInterval);
        tasks.watch(TAKEOVER, TAKEOVER_TICK);
        scheduler.scheduleWithFixedDelay(
                tasks.supervise("gateway-probe", this::probeGateway), beatMillis, beatMillis, TimeUnit.MILLISECONDS);
        scheduler.scheduleAtFixedRate(tasks.supervise(HEARTBEAT, this::beat), 0, beatMillis, TimeUnit.MILLISECONDS);
        store.onChange(takeoverLoop::wake);
        takeoverScheduler.execute(takeoverLoop);
        // Pruned claims outlive the retention by half of it at most. On a virtual thread, one at a
        // time: a prune of many claims (a mark for each content key) must not hold up a heartbeat.
        long pruneEvery = pruneEvery().toMillis();
        Runnable prune = tasks.supervise("prune", this::prune);
        ExecutorService pruner = virtualExecutor(); // closed with the daemon
        scheduler.scheduleWithFixedDelay(
                () -> {
                    if (pruning.compareAndSet(false, true)) {
                        pruner.execute(() -> {
                            try {
                                prune.run();
                            } finally {
                                pruning.set(false);
                            }
                        });
                    }
                },
                Math.min(10_000, pruneEvery),
                pruneEvery,
                TimeUnit.MILLISECONDS);
        DaemonSync sync =
                new DaemonSync(config, twin, clock, alerts::syncConflict, arbitrated.map(StateStore.class::cast));
        if (sync.enabled()) {
            long every = config.sync().interval().toMillis();
            Runnable syncAll = tasks.supervise("sync", sync::syncAll);
            scheduler.scheduleWithFixedDelay(
                    () -> Thread.ofVirtual().start(syncAll), every / 10, every, TimeUnit.MILLISECONDS);
        }
        if (alerts.hasDeadman()) {
            long every = config.monitoring().healthCheckInterval().toMillis();
            Runnable ping = tasks.supervise("deadman", alerts::pingDeadman);
            scheduler.scheduleWithFixedDelay(() -> Thread.ofVirtual().start(ping), 0, every, TimeUnit.MILLISECONDS);
        }
        if (peerProbe.hasPeers()) {
            scheduler.scheduleAtFixedRate(
                    tasks.supervise("peer-probe", peerProbe::probeAll), 0, beatMillis, TimeUnit.MILLISECONDS);
        }
        LOG.info(
                "twin {} daemon {} started: store {}, HTTP on {}:{}, heartbeat every {} ms",
                twin,
                version,
                store.describe(),
                config.daemon().bind(),
                http.port(),
                beatMillis);
    }

    public int httpPort() {
        return http.port();
    }

    /** Why this daemon is not healthy ({@code /healthz} answers 503 with it): a stalled loop. */
    private Optional<String> healthProblem() {
        return tasks.problems().stream().findFirst();
    }

    private static ScheduledExecutorService scheduler(String name, int threads) {
        return Executors.newScheduledThreadPool(threads, runnable -> {
            Thread t = new Thread(runnable, name);
            t.setDaemon(true);
            return t;
        });
    }

    private ExecutorService virtualExecutor() {
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        executors.add(executor);
        return executor;
    }

    private void probeGateway() {
        GatewayHealth health = gatewayProbe.probe();
        gatewayEvidence.probed(health);
        GatewayHealth previous = gateway.getAndSet(health);
        if (previous == null || previous.ready() != health.ready()) {
            LOG.info("gateway of {} is {} ({})", twin, health.ready() ? "ready" : "not ready", health.detail());
        }
    }

    /**
     * One heartbeat: publish ours, read everyone's, keep twin-primary.json current. A failed write or
     * read makes one store problem for the beat, so an outage is logged once, not on every beat.
     */
    private void beat() {
        Optional<String> writeProblem = publish(Heartbeat.RUNNING);
        FlockSnapshot snapshot = FlockSnapshot.read(store, config.twinNames());
        lastSnapshot.set(snapshot);
        snapshot.heartbeats().values().forEach(tracker::observe);
        // We are running whatever the store shows (it may be read-only or stale).
        tracker.observeDirectProbe(twin, true);
        Instant now = clock.instant();
        FlockView view = snapshot.view(config, now, tracker);
        currentView.set(view);
        Optional<String> problem = writeProblem.or(snapshot::storeProblem);
        heartbeatReachedStore = problem.isEmpty();
        if (problem.isEmpty()) {
            problem = maintainPrimaryState(snapshot.primaryState(), view, now);
        }
        reportStoreProblem(problem);
        arbiter.ifPresent(ArbiterRole::flockSeen);
        logTransitions();
        FlockStatus status = status();
        if (problem.isEmpty()) {
            // Only on a readable store: an outage makes every peer look offline.
            autoRescue.ifPresent(rescue -> rescue.tick(status));
        }
        // Until a twin could have been seen, "offline" and "failover" would only mean "not seen yet".
        if (nanoTime.getAsLong() - startedNanos
                >= config.coordination().offlineThreshold().toNanos()) {
            alerts.observe(status);
        }
        claims.drainDuplicates().forEach(alerts::duplicateAnswer);
        metrics.update(tracker, config.twinNames());
        metrics.roles(status.primary(), status.actingPrimary(), config.twinNames());
    }

    /** Writes our heartbeat; the store's failure message if it could not. */
    private Optional<String> publish(String state) {
        Heartbeat heartbeat = new Heartbeat(
                twin,
                seq.incrementAndGet(),
                ProcessHandle.current().pid(),
                host,
                version,
                startedAt,
                clock.instant(),
                state,
                gatewayEvidence.current().orElse(gateway.get()),
                incarnation);
        try {
            store.writeHeartbeat(heartbeat);
            metrics.heartbeatWritten();
            return Optional.empty();
        } catch (StoreUnavailableException e) {
            metrics.storeError();
            return Optional.of(e.getMessage());
        }
    }

    private void reportStoreProblem(Optional<String> problem) {
        String previous = storeProblem.getAndSet(problem.orElse(null));
        if (problem.isPresent() && !problem.get().equals(previous)) {
            LOG.warn("shared store unavailable: {}", problem.get());
        } else if (problem.isEmpty() && previous != null) {
            LOG.info("shared store available again: {}", store.describe());
        }
    }

    /**
     * Rewrites twin-primary.json when the day, the roles or a hand edit of it call for it; the
     * store's failure message if it could not.
     */
    private Optional<String> maintainPrimaryState(Optional<PrimaryState> current, FlockView view, Instant now) {
        // The view already holds the day's roles under the overrides in force, and a bothRespond a
        // human set in today's file (honoured for the day it was made on).
        DayRoles roles = view.roles();
        PrimaryState wanted = PrimaryState.of(
                roles,
                view.overrides(),
                view.bothRespondFlag(),
                config.coordination().timezone(),
                now);
        if (current.isPresent() && current.get().sameAs(wanted)) {
            return Optional.empty();
        }
        try {
            store.writePrimaryState(wanted);
            LOG.info(
                    "{} {}: primary {} ({}), order {}",
                    config.sharedStorage().stateFile(),
                    current.isEmpty() ? "written" : "updated",
                    roles.primary(),
                    roles.rule(),
                    roles.order());
            return Optional.empty();
        } catch (StoreUnavailableException e) {
            metrics.storeError();
            return Optional.of(e.getMessage());
        }
    }

    private void logTransitions() {
        for (String name : config.twinNames()) {
            TwinState state = tracker.stateOf(name);
            TwinState previous = lastStates.put(name, state);
            if (previous != state && !name.equals(twin)) {
                LOG.info("twin {} is {} (was {})", name, state.code(), previous == null ? "unknown" : previous.code());
                try {
                    store.appendEvent(twin, clock.instant(), "peer-state", Map.of("peer", name, "state", state.code()));
                } catch (StoreUnavailableException e) {
                    metrics.storeError();
                }
            }
        }
    }

    /**
     * The flock as of the last heartbeat, for decisions; this twin is up while its plugin calls
     * (the call being decided is one), even before a heartbeat has said so. While this twin reaches
     * the store, a peer that says it cannot is down for routine messages: it cannot claim, so the
     * twins that can take its role.
     */
    private FlockView view() {
        FlockView view = livenessView();
        java.util.Set<String> withoutStore = agreement.peersWithoutStore();
        if (withoutStore.isEmpty() || !reachesStore()) {
            return view;
        }
        java.util.Set<String> offline = new java.util.HashSet<>(view.offline());
        offline.addAll(withoutStore);
        return new FlockView(view.roles(), view.overrides(), view.bothRespondFlag(), offline);
    }

    /** Who is up by heartbeats, direct probes and plugin calls. */
    private FlockView livenessView() {
        FlockView view = publishedView();
        if (!view.isOnline(twin) && gatewayEvidence.calling()) {
            java.util.Set<String> offline = new java.util.HashSet<>(view.offline());
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
    private FlockView publishedView() {
        FlockView view = currentView.get();
        if (view == null) {
            FlockSnapshot snapshot = FlockSnapshot.read(store, config.twinNames());
            view = snapshot.view(config, clock.instant(), tracker);
        }
        return view;
    }

    /** Whether the last heartbeat could write and read the store, and its directory is there now. */
    private boolean reachesStore() {
        return heartbeatReachedStore
                && lastSnapshot.get() != null
                && lastSnapshot.get().storeProblem().isEmpty()
                && store.looksReachable();
    }

    /**
     * {@code GET /healthz}: {@code ok} and {@code twin} as ever, plus what peers need to agree during
     * a store outage: whether this twin reaches the store and whom it sees answering routine messages.
     */
    private Map<String, Object> healthz() {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("ok", true);
        body.put("twin", twin);
        if (lastSnapshot.get() == null) {
            // Before the first heartbeat this daemon does not know: saying "unreachable" would be
            // recorded as its word, and keep it (and any peer acting on it) off the first messages.
            body.put("store", "unknown");
            body.put("incarnation", incarnation);
            return body;
        }
        body.put("store", reachesStore() ? "ok" : "unreachable");
        body.put("claimant", rules.dutyOwner(publishedView()));
        body.put("incarnation", incarnation);
        arbiter.ifPresent(role -> {
            body.put("arbiter", role.arbiter());
            body.put("arbitratedMillisAgo", role.arbitratedAgo().toMillis());
            body.put("arbitrating", role.arbiter().equals(twin) && role.serving());
        });
        return body;
    }

    /** A route the gateway's plugin calls: each call is evidence that the gateway is up. */
    private DaemonHttpServer.PostHandler pluginCall(DaemonHttpServer.PostHandler route) {
        return body -> {
            gatewayEvidence.pluginCalled();
            return route.handle(body);
        };
    }

    /** How often claims are pruned: every 10 minutes, or twice per retention if that is shorter (tests). */
    private Duration pruneEvery() {
        Duration half = claimRetention.dividedBy(2);
        return half.compareTo(Duration.ofMinutes(10)) < 0 ? half : Duration.ofMinutes(10);
    }

    /** Forgets old decisions; deletes claims older than the retention (a day) from the store. */
    private void prune() {
        claims.prune();
        try {
            int pruned = claimPruner.prune();
            if (pruned > 0) {
                LOG.info("pruned {} claims older than {}", pruned, claimRetention);
            }
        } catch (StoreUnavailableException e) {
            metrics.storeError();
        }
    }

    private TakeoverDispatcher dispatcher(TwinsConfig config, HttpClient client) {
        HttpTakeoverDispatcher.Sleeper sleeper = d -> Thread.sleep(d);
        return switch (config.coordination().takeoverDispatch()) {
            case TwinsConfig.TakeoverDispatch.Webhook w ->
                HttpTakeoverDispatcher.webhook(client, w.url(), w.token().map(Secret::value), sleeper);
            case TwinsConfig.TakeoverDispatch.OpenClaw o ->
                HttpTakeoverDispatcher.openClaw(
                        client,
                        o.url().orElse(config.twin(twin).gatewayUrl()),
                        o.hooksToken().map(Secret::value),
                        sleeper);
        };
    }

    private DaemonAlerts alerts(TwinsConfig config, String twin, Clock clock, HttpClient http) {
        AtomicReference<DaemonAlerts> self = new AtomicReference<>();
        Alerter alerter = new Alerter(
                twin,
                Notifiers.from(config.monitoring(), http, Notifiers.TELEGRAM_API),
                clock,
                Thread::sleep,
                virtualExecutor(),
                // Once per flock: the duty's owner sends, claimed per alert, state and minute.
                alert -> claims.duty(
                                "alert:" + alert.key() + ":" + alert.state().word(),
                                String.valueOf(alert.at().getEpochSecond() / 60))
                        .run(),
                (alert, delivery) -> self.get().delivered(alert, delivery));
        self.set(new DaemonAlerts(alerter, metrics, http, config.monitoring().deadmanUrl()));
        return self.get();
    }

    private AutoRescue autoRescue(TwinsConfig config, String twin, StateStore store, Clock clock, HttpClient http) {
        Optional<ConfigBackups> backups = config.sharedStorage()
                .path()
                .map(path -> new ConfigBackups(ConfigBackups.rootFor(path), config.backup(), clock));
        Rescuer rescuer = new Rescuer(
                config,
                backups,
                Path.of(System.getProperty("user.home")),
                http,
                clock,
                Thread::sleep,
                step -> LOG.info(
                        "rescue step {}: {} ({} ms) {}",
                        step.name(),
                        step.outcome().word(),
                        step.took().toMillis(),
                        step.detail()));
        return new AutoRescue(
                twin,
                config,
                store,
                clock,
                (job, slot) -> claims.duty(job, slot).run(),
                peer -> rescuer.rescue(peer, new Rescuer.Options(false, false, false, false, () -> false)),
                virtualExecutor(),
                alerts);
    }

    /** The flock as this daemon sees it, for {@code /v1/status}. */
    public FlockStatus status() {
        FlockSnapshot snapshot =
                Optional.ofNullable(lastSnapshot.get()).orElseGet(() -> FlockSnapshot.read(store, config.twinNames()));
        // A failed write leaves the store readable but is a problem all the same.
        String problem = storeProblem.get();
        if (problem != null && snapshot.storeProblem().isEmpty()) {
            snapshot = snapshot.withProblem(problem);
        }
        for (String stalled : tasks.problems()) {
            snapshot = snapshot.withProblem(twin + ": " + stalled);
        }
        return FlockStatus.of(config, clock.instant(), snapshot, tracker);
    }

    /** {@code POST /v1/override}: {@code {"action","twin","until","by"}}, as {@code twin override}. */
    private Object override(RequestBody body) {
        String word = body.required("action");
        OverrideChange.Action action = OverrideChange.Action.fromWord(word)
                .orElseThrow(() ->
                        new RequestBody.BadRequest("action '" + word + "' is not one of both, only, primary, clear"));
        Instant now = clock.instant();
        Overrides wanted;
        try {
            wanted = new OverrideChange(action, body.optional("twin"), body.optional("until"))
                    .apply(config, now, body.optional("by").orElse("http@" + twin));
        } catch (OverrideChange.InvalidOverride e) {
            throw new RequestBody.BadRequest(e.getMessage());
        }
        try {
            OverrideUpdate update = OverrideUpdate.write(store, wanted, Optional.of(twin), now);
            update.warnings().forEach(w -> LOG.warn("override: {}", w));
            LOG.info("override set over HTTP: {}", OverrideChange.describe(wanted));
            return Map.of(
                    "schemaVersion", 1,
                    "overrides", OverrideRecord.of(wanted),
                    "replaced", OverrideChange.describe(update.previous()));
        } catch (StoreUnavailableException e) {
            throw new RequestBody.BadRequest(503, "override not written: " + e.getMessage());
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
        takeoverLoop.stop();
        stop(List.of(scheduler, takeoverScheduler), Duration.ofMillis(500));
        if (previous == Lifecycle.STARTED) {
            // HTTP first: a peer's direct probe must not vouch for us once we say we stopped.
            http.stop();
            publish(Heartbeat.STOPPED)
                    .ifPresent(problem -> LOG.warn("could not publish the final 'stopped' heartbeat: {}", problem));
        } else {
            http.stop();
        }
        // Dispatches, alerts and rescues in flight are abandoned: their claims are given up by time.
        stop(executors, Duration.ZERO);
        client.shutdownNow();
        if (previous == Lifecycle.STARTED) {
            LOG.info("twin {} daemon stopped", twin);
        }
    }

    /** Shuts {@code services} down, letting running tasks finish for {@code grace}, then interrupting them. */
    private static void stop(List<? extends ExecutorService> services, Duration grace) {
        services.forEach(ExecutorService::shutdown);
        try {
            for (ExecutorService service : services) {
                if (!service.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    service.shutdownNow();
                }
            }
            for (ExecutorService service : services) {
                service.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("localhost");
        }
    }
}
