package dev.openclaw.twin.daemon;

import dev.openclaw.twin.health.GatewayState;
import dev.openclaw.twin.health.Liveness;
import dev.openclaw.twin.health.LivenessTracker;
import dev.openclaw.twin.health.TwinState;
import dev.openclaw.twin.protocol.ProtocolMetrics;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** The daemon's Prometheus metrics, in a registry of its own (no global state). */
final class DaemonMetrics implements ProtocolMetrics {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Gauge up = Gauge.builder()
            .name("twin_up")
            .help("1 while the twin is online or stale, 0 otherwise")
            .labelNames("twin")
            .register(registry);
    private final Gauge lastSeen = Gauge.builder()
            .name("twin_last_seen_seconds")
            .help("Seconds since the twin's heartbeat last changed, as this daemon saw it")
            .labelNames("twin")
            .register(registry);
    private final Gauge gatewayReady = Gauge.builder()
            .name("twin_gateway_ready")
            .help("1 while the twin's gateway answers /readyz (as its daemon last reported), 0 otherwise")
            .labelNames("twin")
            .register(registry);
    private final Gauge primary = Gauge.builder()
            .name("twin_primary")
            .help("1 for the primary of the day (rotation and overrides), 0 for the others")
            .labelNames("twin")
            .register(registry);
    private final Gauge actingPrimary = Gauge.builder()
            .name("twin_acting_primary")
            .help("1 for the twin answering routine messages now (the primary, or the next live twin), 0 otherwise")
            .labelNames("twin")
            .register(registry);
    private final Counter duplicateAnswers = Counter.builder()
            .name("twin_duplicate_answers_total")
            .help("Messages this twin and another both answered (only possible across a store outage)")
            .register(registry);
    private final Counter rescues = Counter.builder()
            .name("twin_rescues_total")
            .help("Automatic rescues this daemon ran, by outcome (ready, failed, refused)")
            .labelNames("outcome")
            .register(registry);
    private final Counter alerts = Counter.builder()
            .name("twin_alerts_total")
            .help("Alert deliveries by channel and result (sent, failed)")
            .labelNames("channel", "result")
            .register(registry);
    private final Counter heartbeats = Counter.builder()
            .name("twin_heartbeats_written_total")
            .help("Heartbeats this daemon published")
            .register(registry);
    private final Counter storeErrors = Counter.builder()
            .name("twin_store_errors_total")
            .help("Failed reads or writes of the shared store")
            .register(registry);

    private final Counter taskErrors = Counter.builder()
            .name("twin_task_errors_total")
            .help("Runs of a periodic daemon task that failed (it runs again), by task")
            .labelNames("task")
            .register(registry);

    private final Counter decisions = Counter.builder()
            .name("twin_decisions_total")
            .help("Messages decided by this twin, by reason code")
            .labelNames("reason")
            .register(registry);
    /** Store and decide times: sub-millisecond on a local disk, tens of ms on a slow share. */
    private static final double[] FAST_BUCKETS = {0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.1, 0.5};

    private final Histogram decideSeconds =
            histogram("twin_decide_seconds", "Time to answer POST /v1/decide inside the daemon", FAST_BUCKETS);
    private final Histogram claimSeconds = histogram(
            "twin_claim_seconds", "Time of one atomic claim attempt in the shared store", FAST_BUCKETS, "won");
    private final Histogram takeoverSeconds = histogram(
            "twin_takeover_seconds",
            "Time from a message's decide to this twin taking it over",
            new double[] {0.5, 1, 2, 3, 5, 10, 30, 60});
    private final Counter duties = Counter.builder()
            .name("twin_duties_total")
            .help("POST /v1/duty answers, by job kind and whether this twin runs the slot")
            .labelNames("kind", "run")
            .register(registry);
    private final Counter confirms = Counter.builder()
            .name("twin_confirms_total")
            .help("POST /v1/confirm answers, by whether the reply may be sent")
            .labelNames("send")
            .register(registry);

    private Histogram histogram(String name, String help, double[] buckets, String... labels) {
        return Histogram.builder()
                .name(name)
                .help(help)
                .classicOnly()
                .classicUpperBounds(buckets)
                .labelNames(labels)
                .register(registry);
    }

    DaemonMetrics(List<String> twins) {
        for (String twin : twins) {
            up.labelValues(twin).set(0);
        }
    }

    void update(LivenessTracker tracker, List<String> twins) {
        for (String twin : twins) {
            TwinState state = tracker.stateOf(twin);
            up.labelValues(twin).set(state.isUp() ? 1 : 0);
            gatewayReady
                    .labelValues(twin)
                    .set(Liveness.gatewayOf(state, tracker.heartbeat(twin).orElse(null)) == GatewayState.READY ? 1 : 0);
            tracker.sinceLastChange(twin)
                    .ifPresent(d -> lastSeen.labelValues(twin).set(d.toMillis() / 1000.0));
        }
    }

    /** Who is primary of the day and who answers now; {@code acting} is null when no twin is up. */
    void roles(String dayPrimary, String acting, List<String> twins) {
        for (String twin : twins) {
            primary.labelValues(twin).set(twin.equals(dayPrimary) ? 1 : 0);
            actingPrimary.labelValues(twin).set(twin.equals(acting) ? 1 : 0);
        }
    }

    void duplicateAnswer() {
        duplicateAnswers.inc();
    }

    @Override
    public void decided(String reason, long nanos) {
        decisions.labelValues(reason).inc();
        decideSeconds.observe(nanos / 1e9);
    }

    @Override
    public void claimAttempt(boolean won, long nanos) {
        claimSeconds.labelValues(Boolean.toString(won)).observe(nanos / 1e9);
    }

    @Override
    public void takeover(long sinceDecideNanos) {
        takeoverSeconds.observe(sinceDecideNanos / 1e9);
    }

    @Override
    public void confirmed(boolean send) {
        confirms.labelValues(Boolean.toString(send)).inc();
    }

    @Override
    public void duty(String kind, boolean run) {
        duties.labelValues(kind, Boolean.toString(run)).inc();
    }

    @Override
    public void storeUnavailable() {
        storeErrors.inc();
    }

    void rescued(String outcome) {
        rescues.labelValues(outcome).inc();
    }

    void alertDelivered(String channel, boolean delivered) {
        alerts.labelValues(channel, delivered ? "sent" : "failed").inc();
    }

    void heartbeatWritten() {
        heartbeats.inc();
    }

    void taskError(String task) {
        taskErrors.labelValues(task).inc();
    }

    void storeError() {
        storeErrors.inc();
    }

    byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            new PrometheusTextFormatWriter(false).write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
