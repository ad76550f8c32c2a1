package dev.openclaw.twin.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.openclaw.twin.testing.HttpReceiver;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Real daemon processes: the primary's daemon is SIGKILLed and started again between its claim and
 * its confirm. The new run refuses the confirm (it never decided the message), and the other twin,
 * seeing the holder's daemon running as a new incarnation, revokes the claim and takes the message
 * over. Demo timings: heartbeat 300 ms, offline after 2 s, takeover_delay 1 s.
 */
class MidTurnRestartIT {

    private static final JsonMapper JSON = new JsonMapper();

    @TempDir
    Path dir;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void thePrimaryRestartedBetweenClaimAndConfirmIsTakenOverByTheOtherTwin() throws Exception {
        List<String> twins = List.of("tars", "case");
        try (HttpReceiver tarsGateway = new HttpReceiver();
                HttpReceiver caseGateway = new HttpReceiver();
                HttpReceiver takeovers = new HttpReceiver();
                LocalFlock flock = new LocalFlock(
                        dir,
                        twins,
                        LocalFlock.Timings.DEMO,
                        Map.of("tars", port(tarsGateway), "case", port(caseGateway)),
                        URI.create(takeovers.url("/takeover")),
                        Map.of())) {
            flock.startAll();
            await().atMost(Duration.ofSeconds(60)).until(flock::allOnline);

            Map<String, JsonNode> decided = new LinkedHashMap<>();
            for (String twin : twins) {
                decided.put(twin, post(flock, twin, "/v1/decide", decide(twin)));
            }
            String holder = twins.stream()
                    .filter(t -> decided.get(t).get("respond").asBoolean())
                    .findFirst()
                    .orElseThrow();
            String other =
                    twins.stream().filter(t -> !t.equals(holder)).findFirst().orElseThrow();
            assertThat(decided.get(other).get("reason").asString()).isEqualTo("claimed-by-other");

            // The holder's gateway is generating its reply when its daemon is killed and restarted.
            flock.kill(holder);
            long restart = System.nanoTime();
            flock.start(holder);
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> !takeovers.received().isEmpty());
            long tookOver = System.nanoTime();
            await().atMost(Duration.ofSeconds(60)).until(() -> answers(flock, holder));
            long upAgain = System.nanoTime();

            JsonNode takeover = JSON.readTree(takeovers.received().getFirst().body());
            assertThat(takeover.get("twin").asString()).isEqualTo(other);
            assertThat(takeover.get("generation").asInt()).isEqualTo(2);
            assertThat(takeovers.received()).as("one takeover").hasSize(1);

            // The holder's gateway now asks to send: the new run refuses; the takeover's reply goes out.
            assertThat(post(flock, holder, "/v1/confirm", confirm(holder))
                            .get("send")
                            .asBoolean())
                    .isFalse();
            assertThat(post(flock, other, "/v1/confirm", confirm(other))
                            .get("send")
                            .asBoolean())
                    .isTrue();

            long restartToTakeoverMs = (tookOver - restart) / 1_000_000;
            System.out.printf(
                    "restart mid-turn: process start -> takeover dispatched %d ms (new daemon answering after %d ms)%n",
                    restartToTakeoverMs, (upAgain - restart) / 1_000_000);
            // Target: takeover_delay + 1 s after the new run is up; the JVM's own start comes on top.
            assertThat(Duration.ofMillis(restartToTakeoverMs)).isLessThan(Duration.ofSeconds(30));
        }
    }

    private static int port(HttpReceiver receiver) {
        return URI.create(receiver.url("/")).getPort();
    }

    private static Map<String, Object> decide(String twin) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("channel", "irc");
        body.put("conversationId", "#flock");
        body.put("messageId", "local:" + twin + ":1");
        body.put("senderId", "human!~h@127.0.0.1");
        body.put("text", "what is the tallest mountain?");
        body.put("timestamp", Long.toString(System.currentTimeMillis()));
        body.put("sessionKey", "agent:main:irc:group:#flock");
        return body;
    }

    private static Map<String, Object> confirm(String twin) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("channel", "irc");
        body.put("conversationId", "#flock");
        body.put("messageId", "local:" + twin + ":1");
        return body;
    }

    private boolean answers(LocalFlock flock, String twin) {
        return flock.status(twin) != null;
    }

    private JsonNode post(LocalFlock flock, String twin, String path, Map<String, Object> body)
            throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + flock.daemonPort(twin) + path))
                        .timeout(Duration.ofSeconds(5))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
