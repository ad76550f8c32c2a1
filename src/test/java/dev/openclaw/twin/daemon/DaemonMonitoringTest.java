package dev.openclaw.twin.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.openclaw.twin.state.FileStateStore;
import dev.openclaw.twin.testing.HttpReceiver;
import dev.openclaw.twin.testing.MutableClock;
import dev.openclaw.twin.testing.TestConfigs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One daemon in this JVM: its dead-man's-switch pings and its metrics of the flock's health. */
class DaemonMonitoringTest {

    @TempDir
    Path state;

    private Daemon daemon;
    private final HttpReceiver receiver = newReceiver();

    private static HttpReceiver newReceiver() {
        try {
            return new HttpReceiver();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
        receiver.close();
    }

    @Test
    void theDeadMansSwitchIsPingedEveryHealthCheckAndMetricsShowTheGateway() throws Exception {
        daemon = new Daemon(
                TestConfigs.parse("""
                        twins:
                          tars: {hostname: 10.0.0.1, gateway_url: "%s"}
                          case: {hostname: 10.0.0.2}
                        shared_storage: {type: local, path: %s}
                        monitoring: {heartbeat_interval: 100ms, health_check_interval: 1s, deadman_url: "%s"}
                        rescue: {auto: false}
                        """.formatted(receiver.url("/gw"), state, receiver.url("/ping/abc-123"))),
                "tars",
                new FileStateStore(state, "twin-primary.json"),
                new MutableClock(Instant.parse("2026-11-29T10:00:00Z")),
                System::nanoTime,
                "test",
                0);
        daemon.start();

        await().atMost(Duration.ofSeconds(10))
                .until(() -> receiver.received().stream()
                                .filter(r -> r.path().equals("/ping/abc-123"))
                                .count()
                        >= 2);
        assertThat(receiver.received().stream().filter(r -> r.path().equals("/ping/abc-123")))
                .allMatch(r -> r.method().equals("GET"));

        try (HttpClient http = HttpClient.newHttpClient()) {
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                String metrics = http.send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + daemon.httpPort() + "/metrics"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
                assertThat(metrics)
                        .contains("twin_gateway_ready{twin=\"tars\"} 1.0")
                        .contains("twin_gateway_ready{twin=\"case\"} 0.0")
                        .contains("twin_up{twin=\"tars\"} 1.0")
                        // case is never seen: tars answers, whoever is primary today.
                        .contains("twin_acting_primary{twin=\"tars\"} 1.0")
                        .contains("twin_acting_primary{twin=\"case\"} 0.0")
                        .containsPattern("twin_primary\\{twin=\"case\"} [01]\\.0");
            });
        }
    }
}
