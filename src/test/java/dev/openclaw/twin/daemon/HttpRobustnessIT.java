package dev.openclaw.twin.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.openclaw.twin.demo.LocalFlock;
import dev.openclaw.twin.testing.TwinLauncher;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real daemon process (the demo's: {@code -Xmx64m}) under what issue 14 threw at it, all at once:
 * 10,000 decides with maximal bodies (just under 64 KB of text) from concurrent clients, 1,000
 * half-open sockets, and cross-origin requests as a web page would send them. It must stay healthy
 * throughout (its heartbeat keeps beating), answer every decide, keep its RSS within 128 MB, refuse
 * the cross-origin requests and never answer with a stack trace or an exception or class name.
 *
 * <p>The daemon under fire is the day's standby, so it watches what it decides (the case that keeps
 * text for a takeover). Before the ledger was bounded, ~800 such decides ran its heap out.
 */
class HttpRobustnessIT {

    private static final JsonMapper JSON = new JsonMapper();
    private static final int DECIDES = 10_000;
    private static final int CLIENTS = 16;
    private static final int HALF_OPEN = 1_000;
    private static final long MAX_RSS_KB = 128 * 1024;
    /** Just under the daemon's 64 KB body cap once wrapped in JSON. */
    private static final int TEXT_CHARS = 65_536 - 600;

    private static final Pattern FORBIDDEN = Pattern.compile("Exception|java\\.|tools\\.jackson|\\tat ");

    @TempDir
    Path dir;

    private LocalFlock flock;
    private HttpServer gatewayAndWebhook;
    private final AtomicInteger takeovers = new AtomicInteger();
    private final List<Socket> halfOpen = new ArrayList<>();
    private final ConcurrentLinkedQueue<String> badBodies = new ConcurrentLinkedQueue<>();

    @AfterEach
    void stop() throws IOException {
        for (Socket s : halfOpen) {
            s.close();
        }
        if (flock != null) {
            flock.close();
            Path logs = Files.createDirectories(TwinLauncher.REPO.resolve("target/failsafe-reports/daemon-logs"));
            for (String twin : flock.twins()) {
                Path log = dir.resolve(twin + ".log");
                if (Files.exists(log)) {
                    Files.copy(
                            log,
                            logs.resolve("HttpRobustnessIT-" + twin + ".log"),
                            StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        if (gatewayAndWebhook != null) {
            gatewayAndWebhook.stop(0);
        }
    }

    @Test
    void aDaemonUnderMaximalDecidesHalfOpenSocketsAndCrossOriginRequestsStaysHealthyAndSmall() throws Exception {
        // Both gateways ready (so the primary stays acting primary), and a webhook that takes every takeover.
        gatewayAndWebhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        gatewayAndWebhook.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().transferTo(OutputStreamSink.INSTANCE);
                if (exchange.getRequestURI().getPath().startsWith("/takeover")) {
                    takeovers.incrementAndGet();
                }
                exchange.sendResponseHeaders(200, -1);
            }
        });
        gatewayAndWebhook.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        gatewayAndWebhook.start();
        int port = gatewayAndWebhook.getAddress().getPort();
        flock = new LocalFlock(
                dir,
                List.of("tars", "case"),
                LocalFlock.Timings.DEMO,
                Map.of("tars", port, "case", port),
                URI.create("http://127.0.0.1:" + port + "/takeover"),
                Map.of());
        flock.startAll();
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(300))
                .until(flock::allOnline);
        String primary = flock.status("tars").get("actingPrimary").asString();
        String target = primary.equals("tars") ? "case" : "tars";
        int daemonPort = flock.daemonPort(target);
        long pid = heartbeat(target).get("pid").asLong();

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong maxRssKb = new AtomicLong();
        Thread rss = Thread.ofPlatform().daemon().start(() -> {
            while (running.get()) {
                rssKb(pid).ifPresent(kb -> maxRssKb.accumulateAndGet(kb, Math::max));
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });

        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
        URI decide = URI.create("http://127.0.0.1:" + daemonPort + "/v1/decide");
        AtomicInteger next = new AtomicInteger();
        AtomicInteger answered = new AtomicInteger();
        AtomicInteger retries = new AtomicInteger();
        String filler = "y".repeat(TEXT_CHARS);
        long startSeq = heartbeat(target).get("seq").asLong();
        long started = System.nanoTime();

        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS + 1);
        List<Future<?>> work = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            work.add(clients.submit(() -> {
                for (int i; (i = next.getAndIncrement()) < DECIDES; ) {
                    String body = JSON.writeValueAsString(Map.of(
                            "channel",
                            i % 2 == 0 ? "discord" : "irc",
                            "conversationId",
                            "#flock",
                            "messageId",
                            "m" + i,
                            "senderId",
                            "flooder",
                            "text",
                            i + filler,
                            "sessionKey",
                            "agent:main:flood:" + i));
                    assertThat(body.length()).isLessThan(64 * 1024);
                    HttpResponse<String> response = sendWithRetries(http, decide, body, retries);
                    check(response.body());
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                    assertThat(JSON.readTree(response.body()).has("respond")).isTrue();
                    answered.incrementAndGet();
                }
                return null;
            }));
        }
        // Cross-origin requests throughout, as a web page (or a DNS-rebound one) sends them.
        AtomicInteger refused = new AtomicInteger();
        work.add(clients.submit(() -> {
            while (next.get() < DECIDES) {
                refused.addAndGet(crossOriginRound(daemonPort));
            }
            return null;
        }));

        // A third of the way in: 1,000 half-open sockets, never finished.
        await().atMost(Duration.ofMinutes(5)).until(() -> answered.get() >= DECIDES / 3);
        byte[] partial = ("POST /v1/decide HTTP/1.1\r\nHost: 127.0.0.1:" + daemonPort
                        + "\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n\r\n{\"channel\":")
                .getBytes(StandardCharsets.US_ASCII);
        int notConnected = 0;
        for (int i = 0; i < HALF_OPEN; i++) {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress("127.0.0.1", daemonPort), 2_000);
                if (i % 2 == 0) {
                    s.getOutputStream().write(partial); // half a request; the rest never comes
                }
            } catch (IOException e) {
                notConnected++; // the accept queue was full for a moment
            }
            halfOpen.add(s);
        }
        assertThat(notConnected).isLessThan(HALF_OPEN / 2);
        long seqAtHalfOpen = heartbeat(target).get("seq").asLong();
        // Heartbeats go on while the sockets are held (they used to stop: no descriptor left for the file).
        await().atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> heartbeat(target).get("seq").asLong() >= seqAtHalfOpen + 10);

        for (Future<?> f : work) {
            f.get(15, TimeUnit.MINUTES);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long endSeq = heartbeat(target).get("seq").asLong();

        // The daemon has cut the half-open sockets off by now (10 s to send a request).
        for (Socket s : halfOpen.subList(0, 50)) {
            if (!s.isConnected()) {
                continue;
            }
            s.setSoTimeout(30_000);
            assertThat(closedByPeer(s.getInputStream())).isTrue();
        }
        HttpResponse<String> health = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + daemonPort + "/healthz"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> last = sendWithRetries(
                http,
                decide,
                "{\"channel\":\"discord\",\"conversationId\":\"c\",\"messageId\":\"last\",\"senderId\":\"u\",\"text\":\"hi\"}",
                retries);
        assertThat(last.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10))
                .ignoreExceptions()
                .until(() -> heartbeat(target).get("seq").asLong() > endSeq);
        running.set(false);
        rss.join();
        http.shutdownNow();
        clients.shutdownNow();

        System.out.printf(
                "HttpRobustnessIT: %d decides of %d chars in %.1f s (%.0f decides/s, %d client retries),"
                        + " %d cross-origin requests refused, %d takeovers, heartbeat seq %d -> %d,"
                        + " max RSS %.1f MB%n",
                answered.get(),
                TEXT_CHARS,
                seconds,
                answered.get() / seconds,
                retries.get(),
                refused.get(),
                takeovers.get(),
                startSeq,
                endSeq,
                maxRssKb.get() / 1024.0);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).startsWith("{\"ok\":true,\"twin\":\"" + target + "\",");
        assertThat(answered.get()).isEqualTo(DECIDES);
        assertThat(badBodies).as("answers naming an exception or a class").isEmpty();
        assertThat(refused.get()).isPositive();
        assertThat(flock.stateDir().resolve("twin/overrides.json")).doesNotExist();
        assertThat(maxRssKb.get()).as("max RSS in kB").isPositive().isLessThanOrEqualTo(MAX_RSS_KB);
        assertThat(flock.running(target)).isTrue();
    }

    /** Decide {@code body}; a connection the daemon refused while its slots were held is tried again. */
    private HttpResponse<String> sendWithRetries(HttpClient http, URI uri, String body, AtomicInteger retries)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            try {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(uri)
                                .timeout(Duration.ofSeconds(30))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 503 || System.nanoTime() > deadline) {
                    return response;
                }
                check(response.body());
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("decide not answered within 90 s", e);
                }
            }
            retries.incrementAndGet();
            Thread.sleep(50);
        }
    }

    /** One of each request a web page can make; how many were refused as they must be. */
    private int crossOriginRound(int port) throws IOException {
        String both = "{\"action\":\"both\"}";
        int refused = 0;
        refused +=
                rawStatus(port, "POST", "Content-Type: text/plain\r\nOrigin: http://evil.example", both) == 415 ? 1 : 0;
        refused += rawStatus(port, "POST", "Content-Type: application/json\r\nOrigin: http://evil.example", both) == 403
                ? 1
                : 0;
        refused += rawStatus(port, "POST", "Host: evil.example\r\nContent-Type: application/json", both) == 421 ? 1 : 0;
        refused += rawStatus(port, "GET", "Host: evil.example:" + port, null) == 421 ? 1 : 0;
        return refused;
    }

    private int rawStatus(int port, String method, String headers, String body) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(30_000);
            String host = headers.contains("Host:") ? "" : "Host: 127.0.0.1:" + port + "\r\n";
            byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            String request = method + " /v1/override HTTP/1.1\r\n" + host + headers + "\r\nContent-Length: "
                    + bytes.length + "\r\nConnection: close\r\n\r\n";
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(bytes);
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (response.length() < 12) {
                return -1; // cut off while the half-open sockets held every slot
            }
            check(response.substring(response.indexOf("\r\n\r\n") + 4));
            return Integer.parseInt(response.substring(9, 12));
        } catch (IOException e) {
            return -1;
        }
    }

    private void check(String body) {
        if (body != null && FORBIDDEN.matcher(body).find()) {
            badBodies.add(body.length() > 300 ? body.substring(0, 300) : body);
        }
    }

    private JsonNode heartbeat(String twin) throws IOException {
        return JSON.readTree(Files.readString(flock.stateDir().resolve("twin/heartbeats/" + twin + ".json")));
    }

    private static java.util.Optional<Long> rssKb(long pid) {
        try {
            Matcher m = Pattern.compile("(?m)^VmRSS:\\s+(\\d+) kB")
                    .matcher(Files.readString(Path.of("/proc/" + pid + "/status")));
            return m.find() ? java.util.Optional.of(Long.parseLong(m.group(1))) : java.util.Optional.empty();
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    private static boolean closedByPeer(InputStream in) {
        try {
            return in.read() == -1;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    /** Discards what is written to it. */
    private static final class OutputStreamSink extends java.io.OutputStream {
        static final OutputStreamSink INSTANCE = new OutputStreamSink();

        @Override
        public void write(int b) {}

        @Override
        public void write(byte[] b, int off, int len) {}
    }
}
