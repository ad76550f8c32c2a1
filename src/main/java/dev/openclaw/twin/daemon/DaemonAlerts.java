package dev.openclaw.twin.daemon;

import dev.openclaw.twin.config.Secret;
import dev.openclaw.twin.health.FlockStatus;
import dev.openclaw.twin.notify.Alert;
import dev.openclaw.twin.notify.Alerter;
import dev.openclaw.twin.notify.FlockAlerts;
import dev.openclaw.twin.protocol.DuplicateAnswer;
import dev.openclaw.twin.rescue.AutoRescue;
import dev.openclaw.twin.rescue.RescueReport;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's side of alerting: the flock's conditions and the auto-rescue's news become alerts,
 * and the optional dead-man's switch is pinged while this daemon runs.
 */
final class DaemonAlerts implements AutoRescue.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(DaemonAlerts.class);

    private final Alerter alerter;
    private final FlockAlerts flock;
    private final DaemonMetrics metrics;
    private final HttpClient http;
    private final Optional<Secret> deadmanUrl;
    private final AtomicBoolean deadmanFailing = new AtomicBoolean();

    DaemonAlerts(Alerter alerter, DaemonMetrics metrics, HttpClient http, Optional<Secret> deadmanUrl) {
        this.alerter = alerter;
        this.flock = new FlockAlerts(alerter);
        this.metrics = metrics;
        this.http = http;
        this.deadmanUrl = deadmanUrl;
    }

    /** Every heartbeat: the flock's conditions, if there is a channel to tell. */
    void observe(FlockStatus status) {
        if (alerter.hasChannels()) {
            flock.observe(status);
        }
    }

    boolean hasDeadman() {
        return deadmanUrl.isPresent();
    }

    /** Every health check: "this daemon is alive" to a dead-man's switch (healthchecks.io style). */
    void pingDeadman() {
        deadmanUrl.ifPresent(url -> {
            try {
                int status = http.send(
                                HttpRequest.newBuilder(URI.create(url.value()))
                                        .timeout(Duration.ofSeconds(10))
                                        .GET()
                                        .build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode();
                if (status >= 300) {
                    throw new IOException("HTTP " + status);
                }
                if (deadmanFailing.getAndSet(false)) {
                    LOG.info("dead-man's switch ping works again");
                }
            } catch (IOException | IllegalArgumentException e) {
                // The URL holds a secret, and the JDK's messages may quote it: say what failed, not where.
                if (!deadmanFailing.getAndSet(true)) {
                    LOG.warn(
                            "dead-man's switch ping failed: {}",
                            e.getMessage() != null && e.getMessage().startsWith("HTTP ")
                                    ? e.getMessage()
                                    : e.getClass().getSimpleName());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** Two twins answered one message (only possible across a store outage). */
    void duplicateAnswer(DuplicateAnswer duplicate) {
        metrics.duplicateAnswer();
        alerter.event(
                "duplicate-answer:" + duplicate.key(),
                Alert.Severity.CRITICAL,
                "two twins answered one message",
                duplicate.other() + " and this twin both answered " + duplicate.key()
                        + " while the shared store was unavailable.");
    }

    /** Both sides changed a synced file: both versions are kept, and a person should pick. */
    void syncConflict(String folder, String keptAs) {
        alerter.event(
                "sync-conflict:" + folder + ":" + keptAs,
                Alert.Severity.WARNING,
                "sync conflict in " + folder,
                "a file changed on two twins since the last sync; both versions are kept, this twin's as " + keptAs
                        + ". Merge them and delete the copy.");
    }

    void delivered(Alert alert, Alerter.Delivery delivery) {
        metrics.alertDelivered(delivery.channel(), delivery.delivered());
    }

    @Override
    public void started(String peer, int attempt) {
        alerter.event(
                "rescue-started:" + peer,
                Alert.Severity.WARNING,
                "rescuing " + peer,
                "its gateway or daemon has been down for a health-check interval; attempt " + attempt + " over SSH.");
    }

    @Override
    public void finished(String peer, RescueReport report) {
        metrics.rescued(report.outcome());
        if (report.ready()) {
            alerter.event(
                    "rescue-succeeded:" + peer,
                    Alert.Severity.INFO,
                    peer + " rescued",
                    "its gateway is ready again after " + report.took().toSeconds() + " s.");
        } else {
            alerter.event(
                    "rescue-failed:" + peer,
                    Alert.Severity.WARNING,
                    "rescue of " + peer + " " + report.outcome(),
                    report.steps().isEmpty()
                            ? report.outcome()
                            : report.steps().getLast().detail());
        }
    }

    @Override
    public void escalated(String peer, String why) {
        alerter.fire(
                "rescue-escalated:" + peer,
                Alert.Severity.CRITICAL,
                peer + " needs a person",
                why + ". No more automatic rescues until it recovers, or run 'twin rescue " + peer
                        + "' (or 'twin override').");
    }

    @Override
    public void recovered(String peer, int attempts) {
        alerter.resolve("rescue-escalated:" + peer, peer + " is healthy again", "");
    }
}
