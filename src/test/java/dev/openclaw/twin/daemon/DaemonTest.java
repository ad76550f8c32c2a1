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
        TwinsConfig config = TestConfigs.parse("""
                twins:
                  tars: {hostname: 10.0.0.1, gateway_url: "http://127.0.0.1:1"}
                  case: {hostname: 10.0.0.2, gateway_url: "http://127.0.0.1:1"}
                shared_storage: {type: local, path: %s}
                coordination: {odd_primary: tars, even_primary: case, timezone: Europe/London}
                monitoring: {heartbeat_interval: 100ms}
                %s
                """.formatted(state, extraYaml));
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
        Files.writeString(state.resolve("twin-primary.json"), """
                {"date": "2026-03-28", "primary": "case", "secondary": "tars", "bothRespond": true,
                 "lastUpdated": "2026-03-28T20:00:00Z"}
                """);
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
}
