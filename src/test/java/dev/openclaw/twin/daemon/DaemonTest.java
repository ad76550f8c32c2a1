package dev.openclaw.twin.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.state.FileStateStore;
import dev.openclaw.twin.testing.MutableClock;
import dev.openclaw.twin.testing.TestConfigs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One daemon in this JVM on a real state directory and a real HTTP port, with a wall clock the test
 * moves: the day boundary, overrides over HTTP and the API's answers to bad requests.
 */
class DaemonTest {

    /** 23:59:59 on Saturday 28 March 2026 in London (GMT; summer time starts at 01:00 UTC). */
    private static final Instant BEFORE_MIDNIGHT = Instant.parse("2026-03-28T23:59:59Z");

    private static final JsonMapper JSON = new JsonMapper();

    @TempDir
    Path state;

    private final MutableClock clock = new MutableClock(BEFORE_MIDNIGHT);
    private final HttpClient http = HttpClient.newHttpClient();
    private Daemon daemon;

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
        http.close();
    }

    private void start(String extraYaml) {
        start(extraYaml, 1);
    }

    /** @param gatewayPort where both twins' gateways answer /readyz (1: nowhere) */
    private void start(String extraYaml, int gatewayPort) {
        TwinsConfig config = TestConfigs.parse("""
                twins:
                  tars: {hostname: 10.0.0.1, gateway_url: "http://127.0.0.1:%d"}
                  case: {hostname: 10.0.0.2, gateway_url: "http://127.0.0.1:%d"}
                shared_storage: {type: local, path: %s}
                coordination: {odd_primary: tars, even_primary: case, timezone: Europe/London}
                monitoring: {heartbeat_interval: 100ms}
                %s
                """.formatted(gatewayPort, gatewayPort, state, extraYaml));
        daemon = new Daemon(
                config, "tars", new FileStateStore(state, "twin-primary.json"), clock, System::nanoTime, "test", 0);
        daemon.start();
    }

    private JsonNode primaryFile() throws Exception {
        return JSON.readTree(Files.readString(state.resolve("twin-primary.json")));
    }

    private HttpResponse<String> request(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + daemon.httpPort() + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (method.equals("POST")) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode post(String path, String body) throws Exception {
        HttpResponse<String> response = request("POST", path, body, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    @Test
    void twinPrimaryJsonIsRewrittenAtMidnightInTheConfiguredZone() throws Exception {
        start("");
        await().atMost(Duration.ofSeconds(5))
                .ignoreExceptions()
                .until(() -> primaryFile().get("date").asString().equals("2026-03-28"));
        assertThat(primaryFile().get("primary").asString()).isEqualTo("case");

        clock.advance(Duration.ofSeconds(2));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> primaryFile().get("date").asString().equals("2026-03-29"));
        JsonNode file = primaryFile();
        assertThat(file.get("primary").asString()).isEqualTo("tars");
        assertThat(file.get("secondary").asString()).isEqualTo("case");
        assertThat(file.get("timezone").asString()).isEqualTo("Europe/London");
    }

    @Test
    void overridesOverHttpReachTheStoreStatusAndTwinPrimaryJson() throws Exception {
        start("");
        JsonNode only = post("/v1/override", "{\"action\":\"only\",\"twin\":\"case\",\"until\":\"2h\",\"by\":\"ann\"}");
        assertThat(only.get("overrides").get("only").asString()).isEqualTo("case");
        assertThat(only.get("overrides").get("until").asString()).isEqualTo("2026-03-29T01:59:59Z");
        JsonNode stored = JSON.readTree(Files.readString(state.resolve("twin/overrides.json")));
        assertThat(stored.get("by").asString()).isEqualTo("ann");
        // /v1/status shows the store as of the daemon's last heartbeat.
        await().atMost(Duration.ofSeconds(5))
                .until(() -> JSON.readTree(
                                request("GET", "/v1/status", null, null).body())
                        .get("overrides")
                        .get("only")
                        .asString("")
                        .equals("case"));
        await().atMost(Duration.ofSeconds(5))
                .ignoreExceptions()
                .until(() -> primaryFile().get("override").asString().equals("only case"));

        post("/v1/override", "{\"action\":\"both\"}");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> primaryFile().get("bothRespond").asBoolean());
        assertThat(primaryFile().get("override").asString()).isEqualTo("both");

        JsonNode cleared = post("/v1/override", "{\"action\":\"clear\"}");
        assertThat(cleared.get("replaced").asString()).startsWith("both until cleared");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> !primaryFile().get("bothRespond").asBoolean());
        assertThat(Files.readString(state.resolve("twin/events/tars/2026-03-28.jsonl")))
                .contains("\"kind\":\"override\"", "only case until 2026-03-29T01:59:59Z (set by ann)");
    }

    @Test
    void aBothRespondSetByHandIsKeptForItsDay() throws Exception {
        start("");
        await().atMost(Duration.ofSeconds(5))
                .ignoreExceptions()
                .until(() -> primaryFile().has("order"));
        // Saved the way editors save (a new file renamed over the old), so the daemon never reads
        // it half-written; a half-written file is corrupt and repaired from scratch.
        Path edited = Files.writeString(state.resolve("twin-primary.json.edit"), """
                {"date": "2026-03-28", "primary": "case", "secondary": "tars", "bothRespond": true,
                 "lastUpdated": "2026-03-28T20:00:00Z"}
                """);
        Files.move(edited, state.resolve("twin-primary.json"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        // The daemon adds its fields back but keeps the flag...
        await().atMost(Duration.ofSeconds(5))
                .ignoreExceptions()
                .until(() -> primaryFile().has("order"));
        assertThat(primaryFile().get("bothRespond").asBoolean()).isTrue();
        // ...until the day ends.
        clock.advance(Duration.ofSeconds(2));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> primaryFile().get("date").asString().equals("2026-03-29"));
        assertThat(primaryFile().get("bothRespond").asBoolean()).isFalse();
    }

    @Test
    void badRequestsGetAPreciseJsonErrorNeverAStackTrace() throws Exception {
        start("");
        Map<String, String> expected = Map.of(
                "{not json", "not valid JSON",
                "[1, 2]", "the body must be a JSON object",
                "{}", "missing field 'action'",
                "{\"action\": \"sometimes\"}", "action 'sometimes' is not one of both, only, primary, clear",
                "{\"action\": \"only\", \"twin\": \"kipp\"}", "'kipp' is not a twin (twins: tars, case)",
                "{\"action\": \"both\", \"until\": {\"h\": 2}}", "field 'until' must be a string",
                "{\"action\": \"both\", \"until\": \"yesterday\"}", "is not a time");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            HttpResponse<String> response = request("POST", "/v1/override", e.getKey(), null);
            assertThat(response.statusCode()).as(e.getKey()).isEqualTo(400);
            assertThat(JSON.readTree(response.body()).get("error").asString())
                    .as(e.getKey())
                    .contains(e.getValue());
        }
        assertThat(request("GET", "/v1/override", null, null).statusCode()).isEqualTo(405);
        assertThat(request("POST", "/v1/nothing", "{}", null).statusCode()).isEqualTo(404);
        assertThat(state.resolve("twin/overrides.json")).doesNotExist();
    }

    @Test
    void withATokenEveryRequestMustCarryIt() throws Exception {
        start("daemon: {token: s3cret-token}");
        assertThat(request("GET", "/healthz", null, null).statusCode()).isEqualTo(401);
        assertThat(request("GET", "/healthz", null, "wrong").statusCode()).isEqualTo(401);
        HttpResponse<String> ok = request("GET", "/healthz", null, "s3cret-token");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(ok.body()).get("twin").asString()).isEqualTo("tars");
    }

    @Test
    void healthzKeepsOkAndTwinAndSaysWhetherTheStoreIsReachedAndWhoAnswers() throws Exception {
        start("");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> JSON.readTree(
                                request("GET", "/healthz", null, null).body())
                        .get("store")
                        .asString()
                        .equals("ok"));
        JsonNode body = JSON.readTree(request("GET", "/healthz", null, null).body());
        assertThat(body.get("ok").asBoolean()).isTrue();
        assertThat(body.get("twin").asString()).isEqualTo("tars");
        assertThat(body.get("claimant").asString()).isIn("tars", "case");
        assertThat(body.get("incarnation").asString()).isNotBlank();

        // The share goes away: the daemon says so to its peers.
        java.nio.file.Path away = state.resolveSibling(state.getFileName() + "-away");
        java.nio.file.Files.move(state, away);
        try {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> JSON.readTree(
                                    request("GET", "/healthz", null, null).body())
                            .get("store")
                            .asString()
                            .equals("unreachable"));
        } finally {
            java.nio.file.Files.move(away, state);
        }
    }

    @Test
    void decideAnswersAtOnceConfirmGatesTheReplyAndMetricsCountThem() throws Exception {
        // The gateways are up (a twin whose gateway is down hands its messages on). case's heartbeat
        // is never seen, but it is the primary of the day and nobody is known up: case claims.
        com.sun.net.httpserver.HttpServer gateway =
                com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 10);
        gateway.createContext("/readyz", exchange -> {
            try (exchange) {
                exchange.sendResponseHeaders(200, -1);
            }
        });
        gateway.start();
        try {
            decideConfirmAndMetrics(gateway.getAddress().getPort());
        } finally {
            gateway.stop(0);
        }
    }

    private void decideConfirmAndMetrics(int gatewayPort) throws Exception {
        start("", gatewayPort);
        await().atMost(Duration.ofSeconds(5))
                .ignoreExceptions()
                .until(() -> primaryFile().has("order"));
        // 2026-03-28 is even: case is primary, but its daemon was never seen: tars acts for it.
        JsonNode decided = post(
                "/v1/decide",
                "{\"channel\":\"discord\",\"conversationId\":\"c1\",\"messageId\":\"m1\",\"senderId\":\"u1\","
                        + "\"text\":\"what is the time?\"}");
        assertThat(decided.get("respond").asBoolean()).isTrue();
        assertThat(decided.get("reason").asString()).isEqualTo("acting-primary");
        assertThat(decided.get("claimedBy").asString()).isEqualTo("tars");
        JsonNode named = post(
                "/v1/decide",
                "{\"channel\":\"discord\",\"conversationId\":\"c1\",\"messageId\":\"m2\",\"senderId\":\"u1\","
                        + "\"text\":\"tars, what is the time?\"}");
        assertThat(named.get("reason").asString()).isEqualTo("named");
        for (String id : new String[] {"m1", "m2"}) {
            assertThat(post(
                                    "/v1/confirm",
                                    "{\"channel\":\"discord\",\"conversationId\":\"c1\",\"messageId\":\"" + id + "\"}")
                            .get("send")
                            .asBoolean())
                    .isTrue();
        }
        assertThat(post("/v1/confirm", "{\"channel\":\"discord\",\"conversationId\":\"c1\",\"messageId\":\"m9\"}")
                        .get("send")
                        .asBoolean())
                .as("never decided here")
                .isFalse();
        assertThat(post("/v1/duty", "{\"job\":\"heartbeat\",\"slot\":\"2026-03-28T23:59\"}")
                        .get("run")
                        .asBoolean())
                .isTrue();
        HttpResponse<String> missing = request("POST", "/v1/decide", "{\"channel\":\"irc\"}", null);
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.body()).contains("missing field 'messageId'");

        String metrics = request("GET", "/metrics", null, null).body();
        assertThat(metrics)
                .contains("twin_decisions_total{reason=\"acting-primary\"} 1.0")
                .contains("twin_decisions_total{reason=\"named\"} 1.0")
                .contains("twin_decide_seconds_bucket")
                .contains("twin_confirms_total{send=\"true\"} 2.0")
                .contains("twin_confirms_total{send=\"false\"} 1.0")
                .contains("twin_duties_total{kind=\"heartbeat\",run=\"true\"} 1.0");
    }

    @Test
    void aClaimRetentionShorterThanTheFlocksTimingsAllowIsRefused() {
        TwinsConfig config = TestConfigs.parse("""
                twins:
                  tars: {hostname: 10.0.0.1}
                  case: {hostname: 10.0.0.2}
                  kipp: {hostname: 10.0.0.3}
                shared_storage: {type: local, path: %s}
                coordination:
                  rotation: round-robin
                  order: [tars, case, kipp]
                  offline_after_seconds: 2
                  takeover_delay_seconds: 1
                monitoring: {heartbeat_interval: 300ms}
                """.formatted(state));
        // offline_after plus a takeover delay per twin, twice: the demo's timings give 10 s.
        assertThat(Daemon.minimumClaimRetention(config)).isEqualTo(Duration.ofSeconds(10));
        FileStateStore store = new FileStateStore(state, "twin-primary.json");
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                        new Daemon(config, "tars", store, clock, System::nanoTime, "test", 0, Duration.ofSeconds(9)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT10S");
    }
}
