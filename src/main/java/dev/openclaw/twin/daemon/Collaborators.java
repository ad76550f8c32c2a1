package dev.openclaw.twin.daemon;

import dev.openclaw.twin.arbiter.ArbiterClient;
import dev.openclaw.twin.arbiter.ArbiterRole;
import dev.openclaw.twin.arbiter.ArbitratedStore;
import dev.openclaw.twin.backup.ConfigBackups;
import dev.openclaw.twin.config.Secret;
import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.health.Liveness;
import dev.openclaw.twin.health.LivenessTracker;
import dev.openclaw.twin.notify.Alerter;
import dev.openclaw.twin.notify.Notifiers;
import dev.openclaw.twin.protocol.ClaimCoordinator;
import dev.openclaw.twin.protocol.HttpTakeoverDispatcher;
import dev.openclaw.twin.protocol.PeerAgreement;
import dev.openclaw.twin.protocol.TakeoverDispatcher;
import dev.openclaw.twin.rescue.AutoRescue;
import dev.openclaw.twin.rescue.Rescuer;
import dev.openclaw.twin.state.StateStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds, from the configuration, the daemon's helpers that reach beyond it: a cloud folder's claim
 * arbitration, the takeover dispatcher, alerts and auto-rescue. Each runs on the daemon's HTTP client
 * and on executors of {@link DaemonExecutors}, so closing the daemon ends them.
 */
final class Collaborators {

    private static final Logger LOG = LoggerFactory.getLogger(Collaborators.class);

    /**
     * How long a twin waits for a cloud folder's arbiter to create, read or end a claim: a decide
     * may wait for it, and the plugin gives up on a decide after 800 ms.
     */
    static final Duration ARBITER_TIMEOUT = Duration.ofMillis(300);

    /** On a cloud folder: who arbitrates claims, and the store that asks it for them. */
    record Arbitration(ArbiterRole role, ArbitratedStore store) {}

    private final TwinsConfig config;
    private final String twin;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final DaemonExecutors executors;
    private final HttpClient client;

    Collaborators(TwinsConfig config, String twin, Clock clock, LongSupplier nanoTime, DaemonExecutors executors) {
        this.config = config;
        this.twin = twin;
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.executors = executors;
        this.client = executors.httpClient();
    }

    /** On a cloud folder ({@code claimsByArbiter}), claims go through the acting arbiter's daemon; empty elsewhere. */
    Optional<Arbitration> arbitration(
            StateStore folder, FlockViews views, LivenessTracker tracker, PeerAgreement agreement) {
        if (!config.sharedStorage().claimsByArbiter()) {
            return Optional.empty();
        }
        ArbiterRole role = new ArbiterRole(
                twin,
                () -> views.livenessView().roles().order(),
                tracker::stateOf,
                agreement::peersWithoutStore,
                views::reachesStore,
                nanoTime,
                Liveness.direct(config).onlineWithin(),
                config.sharedStorage().syncLag(),
                Liveness.of(config).offlineAfter());
        Map<String, URI> daemonUrls = new HashMap<>();
        config.twins().values().forEach(t -> t.daemonUrl().ifPresent(url -> daemonUrls.put(t.name(), url)));
        Duration beat = config.monitoring().heartbeatInterval();
        ArbiterClient arbiterClient = new ArbiterClient(
                client,
                daemonUrls,
                config.daemon().token().map(Secret::value),
                ARBITER_TIMEOUT,
                beat.compareTo(Duration.ofSeconds(1)) < 0 ? beat : Duration.ofSeconds(1),
                nanoTime);
        return Optional.of(new Arbitration(role, new ArbitratedStore(folder, role, arbiterClient, clock, nanoTime)));
    }

    /** Hands a takeover to the configured webhook, or to this twin's OpenClaw gateway. */
    TakeoverDispatcher dispatcher() {
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

    /** Alerts, sent once per flock: the duty's owner sends, claimed per alert, state and minute. */
    DaemonAlerts alerts(ClaimCoordinator claims, DaemonMetrics metrics) {
        AtomicReference<DaemonAlerts> self = new AtomicReference<>();
        Alerter alerter = new Alerter(
                twin,
                Notifiers.from(config.monitoring(), client, Notifiers.TELEGRAM_API),
                clock,
                Thread::sleep,
                executors.virtual("alert"),
                alert -> claims.duty(
                                "alert:" + alert.key() + ":" + alert.state().word(),
                                String.valueOf(alert.at().getEpochSecond() / 60))
                        .run(),
                (alert, delivery) -> self.get().delivered(alert, delivery));
        self.set(new DaemonAlerts(alerter, metrics, client, config.monitoring().deadmanUrl()));
        return self.get();
    }

    /** Rescues of peers gone down, when {@code rescue.auto} is on; empty otherwise. */
    Optional<AutoRescue> autoRescue(StateStore store, ClaimCoordinator claims, DaemonAlerts alerts) {
        if (!config.rescue().auto()) {
            return Optional.empty();
        }
        Optional<ConfigBackups> backups = config.sharedStorage()
                .path()
                .map(path -> new ConfigBackups(ConfigBackups.rootFor(path), config.backup(), clock));
        Rescuer rescuer = new Rescuer(
                config,
                backups,
                Path.of(System.getProperty("user.home")),
                client,
                clock,
                Thread::sleep,
                step -> LOG.info(
                        "rescue step {}: {} ({} ms) {}",
                        step.name(),
                        step.outcome().word(),
                        step.took().toMillis(),
                        step.detail()));
        return Optional.of(new AutoRescue(
                twin,
                config,
                store,
                clock,
                (job, slot) -> claims.duty(job, slot).run(),
                peer -> rescuer.rescue(peer, new Rescuer.Options(false, false, false, false, () -> false)),
                executors.virtual("rescue"),
                alerts));
    }
}
