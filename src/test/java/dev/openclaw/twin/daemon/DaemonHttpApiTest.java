package dev.openclaw.twin.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.state.FileStateStore;
import dev.openclaw.twin.state.StateStore;
import dev.openclaw.twin.testing.MutableClock;
import dev.openclaw.twin.testing.TestConfigs;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One daemon in this JVM on a real state directory and a real port, spoken to over raw sockets so
 * the test controls every header a browser or an attacker would send: the API refuses web pages
 * (content type, Host, Origin), answers HEAD, names no library class in its errors, and keeps its
 * periodic tasks alive and watched.
 */
class DaemonHttpApiTest {

    private static final JsonMapper JSON = new JsonMapper();
    private static final String OVERRIDE_BOTH = "{\"action\":\"both\"}";

    @TempDir
    Path state;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-28T12:00:00Z"));
    /** The daemon's monotonic clock: real time, plus what the test adds. */
    private final AtomicLong nanoOffset = new AtomicLong();

    private final AtomicBoolean failNextHeartbeatRead = new AtomicBoolean();
    private volatile CountDownLatch heartbeatWriteGate;
    private Daemon daemon;

    @AfterEach
    void stop() {
        CountDownLatch gate = heartbeatWriteGate;
        if (gate != null) {
            gate.countDown();
        }
        if (daemon != null) {
            daemon.close();
        }
    }

    private void start() {
        TwinsConfig config = TestConfigs.parse("""
                twins:
                  tars: {hostname: tars.home.arpa, gateway_url: "http://127.0.0.1:1",
                         daemon_url: "http://192.168.7.10:7420"}
                  case: {hostname: 10.0.0.2, gateway_url: "http://127.0.0.1:1"}
                shared_storage: {type: local, path: %s}
                coordination: {odd_primary: tars, even_primary: case, timezone: UTC}
                monitoring: {heartbeat_interval: 100ms}
                """.formatted(state));
        daemon = new Daemon(
                config,
                "tars",
                faultyStore(new FileStateStore(state, "twin-primary.json")),
                clock,
                () -> System.nanoTime() + nanoOffset.get(),
                "test",
                0);
        daemon.start();
    }

    /** {@code store}, except that the test can make a heartbeat read throw or a heartbeat write hang. */
    private StateStore faultyStore(StateStore store) {
        return (StateStore) Proxy.newProxyInstance(
                StateStore.class.getClassLoader(), new Class<?>[] {StateStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("readHeartbeats") && failNextHeartbeatRead.getAndSet(false)) {
                        // What an 8 MB heartbeat file from a peer did to a 64 MB daemon.
                        throw new OutOfMemoryError("Java heap space");
                    }
                    CountDownLatch gate = heartbeatWriteGate;
                    if (method.getName().equals("writeHeartbeat") && gate != null) {
                        gate.await(60, TimeUnit.SECONDS);
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** One HTTP/1.1 exchange over a fresh socket, exactly as written; the whole response. */
    private Response raw(String method, String path, List<String> headers, String body) throws IOException {
        StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
        boolean hasHost = headers.stream().anyMatch(h -> h.regionMatches(true, 0, "Host:", 0, 5));
        if (!hasHost) {
            request.append("Host: 127.0.0.1:").append(daemon.httpPort()).append("\r\n");
        }
        headers.forEach(h -> request.append(h).append("\r\n"));
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            request.append("Content-Length: ").append(bytes.length).append("\r\n");
        }
        request.append("Connection: close\r\n\r\n");
        try (Socket socket = new Socket("127.0.0.1", daemon.httpPort())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(response.substring(9, 12));
            int split = response.indexOf("\r\n\r\n");
            return new Response(status, response.substring(0, split), response.substring(split + 4));
        }
    }

    private record Response(int status, String head, String body) {
        JsonNode json() {
            return JSON.readTree(body);
        }
    }

    private Response postJson(String path, String body, String... headers) throws IOException {
        List<String> all = new java.util.ArrayList<>(List.of("Content-Type: application/json"));
        all.addAll(List.of(headers));
        return raw("POST", path, all, body);
    }

    private Response get(String path, String... headers) throws IOException {
        return raw("GET", path, List.of(headers), null);
    }

    @Test
    void aTextPlainPostAsAWebPageCanSendItIsRefusedAndChangesNothing() throws Exception {
        start();
        // fetch(url, {method: "POST", mode: "no-cors", body}) from any page: text/plain, no preflight.
        Response response = raw(
                "POST",
                "/v1/override",
                List.of("Content-Type: text/plain;charset=UTF-8", "Origin: http://evil.example"),
                OVERRIDE_BOTH);
        assertThat(response.status()).isEqualTo(415);
        assertThat(response.json().get("error").asString()).contains("application/json");
        Response noType = raw("POST", "/v1/override", List.of(), OVERRIDE_BOTH);
        assertThat(noType.status()).isEqualTo(415);
        assertThat(state.resolve("twin/overrides.json")).doesNotExist();

        assertThat(postJson("/v1/override", OVERRIDE_BOTH).status()).isEqualTo(200);
        assertThat(state.resolve("twin/overrides.json")).exists();
    }

    @Test
    void aRequestForAnotherHostNameIsRefusedAgainstDnsRebinding() throws Exception {
        start();
        int port = daemon.httpPort();
        assertThat(get("/v1/status", "Host: attacker.example:" + port).status()).isEqualTo(421);
        assertThat(get("/healthz", "Host: attacker.example").status()).isEqualTo(421);
        assertThat(postJson("/v1/override", OVERRIDE_BOTH, "Host: rebind.attacker.example:" + port)
                        .status())
                .isEqualTo(421);
        assertThat(raw("GET", "http://attacker.example/healthz", List.of(), null)
                        .status())
                .as("absolute form")
                .isEqualTo(421);
        assertThat(state.resolve("twin/overrides.json")).doesNotExist();
        // Any IP address is answered (a rebinding page has a name of its own): a plugin may reach its
        // daemon by an address the config does not name, and refusing it would keep that twin silent.
        assertThat(get("/healthz", "Host: 10.0.0.7:" + port).status()).isEqualTo(200);
        assertThat(get("/healthz", "Host: [fd00::7]:" + port).status()).isEqualTo(200);
        assertThat(get("/healthz", "Host: 10.0.0.7.attacker.example").status()).isEqualTo(421);
        assertThat(get("/healthz", "Host: 1234").status())
                .as("a bare number is no address")
                .isEqualTo(421);
        // The daemon's own names: loopback, its host name and its daemon_url host (as peers use it).
        for (String host : List.of(
                "localhost:" + port,
                "LOCALHOST",
                "127.0.0.1:" + port,
                "[::1]:" + port,
                "tars.home.arpa:" + port,
                "192.168.7.10:7420")) {
            Response ok = get("/healthz", "Host: " + host);
            assertThat(ok.status()).as(host).isEqualTo(200);
            assertThat(ok.body()).startsWith("{\"ok\":true,\"twin\":\"tars\""); // then what peers need in an outage
        }
    }

    @Test
    void aPostFromAnotherOriginIsRefused() throws Exception {
        start();
        int port = daemon.httpPort();
        for (String origin : List.of(
                "http://evil.example", "null", "http://localhost:" + (port + 1), "https://127.0.0.1.evil.example")) {
            Response refused = postJson("/v1/override", OVERRIDE_BOTH, "Origin: " + origin);
            assertThat(refused.status()).as(origin).isEqualTo(403);
            assertThat(refused.json().get("error").asString()).contains("cross-origin");
        }
        assertThat(state.resolve("twin/overrides.json")).doesNotExist();
        // The status page's own origin may post (the daemon's page is its own origin).
        assertThat(postJson("/v1/override", OVERRIDE_BOTH, "Origin: http://127.0.0.1:" + port)
                        .status())
                .isEqualTo(200);
        // A GET with a foreign Origin is answered (no CORS header: the page cannot read it).
        Response read = get("/healthz", "Origin: http://evil.example");
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.head()).doesNotContainIgnoringCase("Access-Control-Allow-Origin");
    }

    @Test
    void thePluginsRequestsPassUnchanged() throws Exception {
        start();
        // openclaw-plugin/index.js: Node's fetch, content-type application/json, no Origin.
        Response decided = postJson(
                "/v1/decide",
                "{\"channel\":\"discord\",\"conversationId\":\"c1\",\"messageId\":\"m1\",\"senderId\":\"u1\",\"text\":\"hi\"}",
                "Host: 127.0.0.1:" + daemon.httpPort(),
                "Accept: */*",
                "User-Agent: node");
        assertThat(decided.status()).as(decided.body()).isEqualTo(200);
        assertThat(decided.json().has("respond")).isTrue();
        assertThat(raw(
                                "POST",
                                "/v1/duty",
                                List.of("content-type: application/json; charset=utf-8"),
                                "{\"job\":\"x\",\"slot\":\"1\"}")
                        .status())
                .isEqualTo(200);
    }

    /** {@code POST /v1/promise} is a peer's word: checked field by field, and never given while this twin reaches the store. */
    @Test
    void aPromiseIsRefusedWhileTheStoreIsReachableAndItsRequestIsValidated() throws Exception {
        start();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> get("/healthz").json().path("store").asString().equals("ok"));
        Response refused = postJson(
                "/v1/promise", "{\"twin\":\"case\",\"identity\":\"discord:c1:m1\",\"global\":true,\"decidedAgoMs\":5}");
        assertThat(refused.status()).as(refused.body()).isEqualTo(200);
        assertThat(refused.json().path("promised").asBoolean()).isFalse();
        assertThat(refused.json().path("twin").asString()).isEqualTo("tars");
        assertThat(refused.json().path("reason").asString()).contains("reaches the store");

        assertThat(postJson("/v1/promise", "{\"twin\":\"mallory\",\"identity\":\"x\",\"decidedAgoMs\":5}")
                        .json()
                        .path("error")
                        .asString())
                .contains("another twin of this flock");
        assertThat(postJson("/v1/promise", "{\"twin\":\"tars\",\"identity\":\"x\",\"decidedAgoMs\":5}")
                        .status())
                .as("itself")
                .isEqualTo(400);
        assertThat(postJson(
                                "/v1/promise",
                                "{\"twin\":\"case\",\"identity\":\"" + "x".repeat(5000) + "\",\"decidedAgoMs\":5}")
                        .status())
                .isEqualTo(400);
        assertThat(postJson("/v1/promise", "{\"twin\":\"case\",\"identity\":\"x\",\"decidedAgoMs\":-1}")
                        .status())
                .isEqualTo(400);
        assertThat(postJson("/v1/promise", "{\"twin\":\"case\",\"identity\":\"x\",\"decidedAgoMs\":\"soon\"}")
                        .status())
                .isEqualTo(400);
        assertThat(postJson(
                                "/v1/promise",
                                "{\"twin\":\"case\",\"identity\":\"x\",\"global\":\"yes\",\"decidedAgoMs\":1}")
                        .status())
                .isEqualTo(400);
    }

    @Test
    void headIsAnsweredWhereverGetIs() throws Exception {
        start();
        for (String path : List.of("/healthz", "/v1/status", "/metrics", "/")) {
            Response head = raw("HEAD", path, List.of(), null);
            assertThat(head.status()).as(path).isEqualTo(200);
            assertThat(head.body()).as(path).isEmpty();
        }
        assertThat(raw("HEAD", "/v1/override", List.of(), null).status()).isEqualTo(405);
    }

    @Test
    void jsonErrorsNameNoLibraryClassNorException() throws Exception {
        start();
        for (String body : List.of(
                "{", // Jackson: "... (start marker at [Source: REDACTED (`StreamReadFeature...` disabled) ..."
                "{\"action\":",
                "[".repeat(2_000),
                "{\"action\":" + "1".repeat(2_000) + "}",
                "{\"action\":\"\\q\"}",
                "")) {
            Response response = postJson("/v1/override", body);
            assertThat(response.status()).as(body).isEqualTo(400);
            assertThat(response.json().get("error").asString())
                    .as(body)
                    .satisfiesAnyOf(
                            m -> assertThat(m).startsWith("not valid JSON"),
                            m -> assertThat(m).contains("JSON object"))
                    .doesNotContain("`", "Stream", "Exception", "jackson", "java.", "Source");
        }
        assertThat(postJson("/v1/override", "{\"action\":").json().get("error").asString())
                .isEqualTo("not valid JSON: Unexpected end-of-input within/between Object entries (line 1, column 11)");
    }

    @Test
    void aThrowableInTheHeartbeatTaskIsCountedAndTheBeatGoesOn() throws Exception {
        start();
        await().atMost(Duration.ofSeconds(20)).until(() -> heartbeatsWritten() >= 2);
        failNextHeartbeatRead.set(true);
        await().atMost(Duration.ofSeconds(20)).until(() -> !failNextHeartbeatRead.get());
        double afterFault = heartbeatsWritten();
        await().atMost(Duration.ofSeconds(20)).until(() -> heartbeatsWritten() >= afterFault + 5);
        assertThat(get("/metrics").body()).contains("twin_task_errors_total{task=\"heartbeat\"} 1.0");
        assertThat(get("/healthz").status()).isEqualTo(200);
    }

    @Test
    void aStalledHeartbeatLoopMakesHealthz503AndIsAStatusProblem() throws Exception {
        start();
        await().atMost(Duration.ofSeconds(20)).until(() -> heartbeatsWritten() >= 2);
        assertThat(get("/healthz").body()).startsWith("{\"ok\":true,\"twin\":\"tars\",");
        heartbeatWriteGate = new CountDownLatch(1); // the next heartbeat write hangs (a stuck NFS mount)
        nanoOffset.addAndGet(Duration.ofSeconds(12).toNanos());
        await().atMost(Duration.ofSeconds(20)).until(() -> get("/healthz").status() == 503);
        JsonNode unhealthy = get("/healthz").json();
        assertThat(unhealthy.get("ok").asBoolean()).isFalse();
        assertThat(unhealthy.get("twin").asString()).isEqualTo("tars");
        assertThat(unhealthy.get("problem").asString()).matches("heartbeat loop stalled for \\d+ s");
        assertThat(get("/v1/status").json().get("problems").toString()).contains("tars: heartbeat loop stalled for");

        heartbeatWriteGate.countDown();
        heartbeatWriteGate = null;
        await().atMost(Duration.ofSeconds(20)).until(() -> get("/healthz").status() == 200);
        assertThat(get("/v1/status").json().get("problems").toString()).doesNotContain("stalled");
    }

    @Test
    void theTakeoverWatcherHasItsOwnThread() throws Exception {
        start();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> Thread.getAllStackTraces().keySet().stream()
                        .anyMatch(t -> t.getName().equals("twin-takeover-watcher")));
        daemon.close();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> Thread.getAllStackTraces().keySet().stream()
                        .noneMatch(t -> t.getName().equals("twin-takeover-watcher")
                                || t.getName().equals("twin-daemon-scheduler")));
    }

    private double heartbeatsWritten() throws IOException {
        Matcher m = Pattern.compile("(?m)^twin_heartbeats_written_total (\\S+)$")
                .matcher(get("/metrics").body());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
