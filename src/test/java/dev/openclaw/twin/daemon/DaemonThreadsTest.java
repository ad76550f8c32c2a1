package dev.openclaw.twin.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.state.FileStateStore;
import dev.openclaw.twin.testing.MutableClock;
import dev.openclaw.twin.testing.TestConfigs;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every thread a daemon starts ends with {@link Daemon#close}: its schedulers (the takeover
 * watcher's own among them), the HTTP client and the virtual threads of requests, probes, pings and
 * prunes, even those blocked on a peer or a dead-man's switch that never answers.
 */
class DaemonThreadsTest {

    private static final String HTTP_DISPATCHER = "HTTP-Dispatcher";

    @TempDir
    Path state;

    /** Answers nothing until the test ends: a hung peer and a hung dead-man's switch. */
    private final CountDownLatch release = new CountDownLatch(1);

    private final AtomicInteger hungRequests = new AtomicInteger();
    private HttpServer hanging;
    private Daemon daemon;

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
        release.countDown();
        if (hanging != null) {
            hanging.stop(0);
        }
    }

    @Test
    void closeEndsEveryThreadTheDaemonStartedEvenThoseBlockedOnThePeersAndTheNetwork() throws Exception {
        hanging = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        hanging.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        hanging.createContext("/", exchange -> {
            hungRequests.incrementAndGet();
            try (exchange) {
                release.await(30, TimeUnit.SECONDS);
                exchange.sendResponseHeaders(200, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        hanging.start();
        String hung = "http://127.0.0.1:" + hanging.getAddress().getPort();
        // The JDK's HTTP server runs a dispatcher thread of its own: the daemon's must end too.
        int dispatchers = platformThreadsNamed(List.of(HTTP_DISPATCHER)).size();
        TwinsConfig config = TestConfigs.parse("""
                twins:
                  tars: {hostname: 10.0.0.1, gateway_url: "%s/gw"}
                  case: {hostname: 10.0.0.2, daemon_url: "%s"}
                shared_storage: {type: local, path: %s}
                coordination: {offline_after_seconds: 2, takeover_delay_seconds: 1}
                monitoring: {heartbeat_interval: 100ms, health_check_interval: 1s, deadman_url: "%s/ping"}
                rescue: {auto: false}
                """.formatted(hung, hung, state, hung));
        daemon = new Daemon(
                config,
                "tars",
                new FileStateStore(state, "twin-primary.json"),
                new MutableClock(Instant.parse("2026-11-29T10:00:00Z")),
                System::nanoTime,
                "test",
                0,
                Daemon.minimumClaimRetention(config));
        daemon.start();
        try (HttpClient http = HttpClient.newHttpClient()) {
            assertThat(http.send(
                                    HttpRequest.newBuilder(
                                                    URI.create("http://127.0.0.1:" + daemon.httpPort() + "/healthz"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode())
                    .isEqualTo(200);
        }
        // The dead-man's ping hangs on its virtual thread; the gateway and peer probes hang on the client.
        await().atMost(Duration.ofSeconds(10)).until(() -> hungRequests.get() >= 3);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(daemon.threadsRunning())
                        .contains(
                                DaemonExecutors.SCHEDULER,
                                DaemonExecutors.TAKEOVER_WATCHER,
                                DaemonExecutors.HTTP_CLIENT)
                        .anyMatch(name -> name.startsWith("twin-deadman-")));

        daemon.close();

        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(daemon.threadsRunning()).isEmpty());
        await().atMost(Duration.ofSeconds(5))
                .until(() -> platformThreadsNamed(List.of(DaemonExecutors.SCHEDULER, DaemonExecutors.TAKEOVER_WATCHER))
                        .isEmpty());
        await().atMost(Duration.ofSeconds(5))
                .until(() -> platformThreadsNamed(List.of(HTTP_DISPATCHER)).size() == dispatchers);
    }

    private static List<String> platformThreadsNamed(List<String> names) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(names::contains)
                .toList();
    }
}
