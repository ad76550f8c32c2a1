package dev.openclaw.twin.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.demo.LocalFlock;
import dev.openclaw.twin.state.FileStateStore;
import dev.openclaw.twin.testing.MutableClock;
import dev.openclaw.twin.testing.TestConfigs;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two daemons in this JVM on a cloud folder, each on its own copy (no sync between them here):
 * claims are not made in the folder but by the arbiter, tars, over its daemon_url, so the claim
 * files exist only in tars's copy and case still sees tars's claim at once.
 */
class CloudFolderDaemonsTest {

    private static final JsonMapper JSON = new JsonMapper();

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-28T12:00:00Z"));
    /** case's wall clock: the same as tars's unless a test skews it. */
    private final MutableClock caseClock = new MutableClock(Instant.parse("2026-03-28T12:00:00Z"));

    private final HttpClient http = HttpClient.newHttpClient();
    private Daemon tars;
    private Daemon kase;
    private List<Integer> ports;

    @BeforeEach
    void start() throws IOException {
        ports = LocalFlock.freePorts(2);
        tars = daemon("tars", 0, clock);
        kase = daemon("case", 1, caseClock);
        tars.start();
        kase.start();
    }

    @AfterEach
    void stop() {
        if (kase != null) {
            kase.close();
        }
        if (tars != null) {
            tars.close();
        }
        http.close();
    }

    private Daemon daemon(String twin, int index, MutableClock clock) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("folder-" + twin));
        TwinsConfig config = TestConfigs.parse("""
                twins:
                  tars: {hostname: 127.0.0.1, gateway_url: "http://127.0.0.1:1", daemon_url: "http://127.0.0.1:%d"}
                  case: {hostname: 127.0.0.1, gateway_url: "http://127.0.0.1:1", daemon_url: "http://127.0.0.1:%d"}
                shared_storage: {type: cloud, path: %s, sync_lag: 300ms}
                coordination: {rotation: manual, primary: tars, timezone: UTC, offline_after_seconds: 2,
                               takeover_delay_seconds: 1}
                monitoring: {heartbeat_interval: 100ms}
                """.formatted(ports.get(0), ports.get(1), folder));
        return new Daemon(
                config,
                twin,
                new FileStateStore(folder, "twin-primary.json"),
                clock,
                System::nanoTime,
                "test",
                ports.get(index));
    }

    private HttpResponse<String> post(int port, String path, String body) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode decide(Daemon daemon, String messageId) throws Exception {
        String body = """
                {"channel":"telegram","conversationId":"chat-1","messageId":"%s","senderId":"human","text":"what is new?"}
                """.formatted(messageId);
        HttpResponse<String> response = post(daemon.httpPort(), "/v1/decide", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static long claimFiles(Path folder) throws IOException {
        Path claims = folder.resolve("twin/claims");
        if (!Files.isDirectory(claims)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(claims)) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void theArbiterClaimsForBothTwinsAndOnlyItsCopyHoldsClaimFiles() throws Exception {
        // Each names tars as the arbiter, and tars arbitrates once case agrees and the sync lag has passed.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            HttpResponse<String> probe = post(tars.httpPort(), "/v1/claims/read", "{\"key\":\"probe\"}");
            assertThat(probe.statusCode()).as(probe.body()).isEqualTo(200);
        });

        JsonNode atTars = decide(tars, "m1");
        assertThat(atTars.get("respond").asBoolean()).isTrue();
        assertThat(atTars.get("reason").asString()).isEqualTo("primary");
        JsonNode atCase = decide(kase, "m1");
        assertThat(atCase.get("respond").asBoolean()).isFalse();
        assertThat(atCase.get("reason").asString()).isEqualTo("claimed-by-other");
        assertThat(atCase.get("claimedBy").asString()).isEqualTo("tars");

        HttpResponse<String> confirm = post(
                tars.httpPort(),
                "/v1/confirm",
                "{\"channel\":\"telegram\",\"conversationId\":\"chat-1\",\"messageId\":\"m1\"}");
        assertThat(JSON.readTree(confirm.body()).get("send").asBoolean()).isTrue();

        HttpResponse<String> many = post(tars.httpPort(), "/v1/claims/read-many", "{\"keys\":[\"probe\"]}");
        assertThat(many.statusCode()).as(many.body()).isEqualTo(200);
        assertThat(JSON.readTree(many.body()).get("claims").get(0).get("state").asString())
                .isEqualTo("unclaimed");
        JsonNode again = decide(kase, "m1");
        assertThat(again.get("claimedBy").asString())
                .as("case's read of the claim, refreshed in one round trip with the others it watches")
                .isEqualTo("tars");

        assertThat(claimFiles(dir.resolve("folder-tars"))).isEqualTo(2); // the claim and its end marker
        assertThat(claimFiles(dir.resolve("folder-case")))
                .as("case never writes a claim file")
                .isZero();
    }

    @Test
    void aTwinThatIsNotTheArbiterRefusesToArbitrateAndSaysWhoIs() throws Exception {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            HttpResponse<String> refused = post(kase.httpPort(), "/v1/claims/read", "{\"key\":\"probe\"}");
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(refused.body()).get("error").asString())
                    .isEqualTo("not arbitrating: case is not the arbiter: tars is, by its view");
        });
        HttpResponse<String> bad = post(tars.httpPort(), "/v1/claims/create", "{\"claim\":{\"key\":\"k\"}}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).get("error").asString()).isEqualTo("claim: field 'twin' is missing");
    }

    @Test
    void theFolderLocksSlotsAreCountedOnTheArbitersClockWhateverTheAskingTwinsSays() throws Exception {
        // case's clock 12 minutes fast: by its own clock (and its copy's file times) the lock's
        // 10-minute slot is the next one, and it would take a lock of its own beside tars's.
        caseClock.advance(Duration.ofMinutes(12));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            HttpResponse<String> time = post(tars.httpPort(), "/v1/claims/time", "{}");
            assertThat(time.statusCode()).as(time.body()).isEqualTo(200);
        });
        dev.openclaw.twin.arbiter.ArbiterClient asking = new dev.openclaw.twin.arbiter.ArbiterClient(
                http,
                java.util.Map.of("tars", URI.create("http://127.0.0.1:" + ports.get(0))),
                java.util.Optional.empty(),
                Duration.ofSeconds(5),
                Duration.ZERO,
                System::nanoTime);

        assertThat(asking.now("tars")).as("the arbiter's clock, not case's").isEqualTo(clock.instant());
        HttpResponse<String> refused = post(kase.httpPort(), "/v1/claims/time", "{}");
        assertThat(refused.statusCode())
                .as("a twin that does not arbitrate names no time")
                .isEqualTo(503);
    }
}
