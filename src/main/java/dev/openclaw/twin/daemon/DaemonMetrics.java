package dev.openclaw.twin.daemon;

import dev.openclaw.twin.health.LivenessTracker;
import dev.openclaw.twin.health.TwinState;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** The daemon's Prometheus metrics, in a registry of its own (no global state). */
final class DaemonMetrics {

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
    private final Counter heartbeats = Counter.builder()
            .name("twin_heartbeats_written_total")
            .help("Heartbeats this daemon published")
            .register(registry);
    private final Counter storeErrors = Counter.builder()
            .name("twin_store_errors_total")
            .help("Failed reads or writes of the shared store")
            .register(registry);

    DaemonMetrics(List<String> twins) {
        for (String twin : twins) {
            up.labelValues(twin).set(0);
        }
    }

    void update(LivenessTracker tracker, List<String> twins) {
        for (String twin : twins) {
            TwinState state = tracker.stateOf(twin);
            up.labelValues(twin).set(state.isUp() ? 1 : 0);
            tracker.sinceLastChange(twin)
                    .ifPresent(d -> lastSeen.labelValues(twin).set(d.toMillis() / 1000.0));
        }
    }

    void heartbeatWritten() {
        heartbeats.inc();
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
