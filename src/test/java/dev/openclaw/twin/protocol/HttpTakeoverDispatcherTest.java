package dev.openclaw.twin.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Both dispatchers against a real local HTTP receiver that fails on demand. */
class HttpTakeoverDispatcherTest {

    private static final JsonMapper JSON = new JsonMapper();

    private record Received(String path, String authorization, String idempotencyKey, JsonNode body) {}

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<Duration> waits = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private HttpServer server;
    private HttpClient http;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        server.createContext("/", exchange -> {
            try (exchange) {
                received.add(new Received(
                        exchange.getRequestURI().getPath(),
                        exchange.getRequestHeaders().getFirst("Authorization"),
                        exchange.getRequestHeaders().getFirst("Idempotency-Key"),
                        JSON.readTree(exchange.getRequestBody().readAllBytes())));
                int code = failuresLeft.getAndDecrement() > 0 ? 503 : 200;
                exchange.sendResponseHeaders(code, -1);
            }
        });
        server.start();
        http = HttpClient.newHttpClient();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        http.close();
    }

    private URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static TakeoverDispatcher.Takeover takeover() {
        DecideRequest request = new DecideRequest(
                "irc",
                "#flock",
                "local:c:7",
                "human!~h@127.0.0.1",
                "what is the capital of Peru?",
                "1700000000000",
                "agent:main:irc:group:#flock",
                null);
        return new TakeoverDispatcher.Takeover(request, "case", "takeover", 2, "content:irc:#flock:abc#0");
    }

    @Test
    void anOpenClawTakeoverIsAnAgentTurnInTheSessionDeliveredToTheConversation() {
        HttpTakeoverDispatcher dispatcher =
                HttpTakeoverDispatcher.openClaw(http, base(), Optional.of("hooks-secret"), waits::add);
        assertThat(dispatcher.dispatch(takeover())).isTrue();
        Received r = received.getFirst();
        assertThat(r.path()).isEqualTo("/hooks/agent");
        assertThat(r.authorization()).isEqualTo("Bearer hooks-secret");
        assertThat(r.idempotencyKey()).isEqualTo("content:irc:#flock:abc#0#g2");
        assertThat(r.body().get("message").asString()).isEqualTo("what is the capital of Peru?");
        assertThat(r.body().get("name").asString()).isEqualTo("openclaw-twin takeover");
        assertThat(r.body().get("sessionKey").asString()).isEqualTo("agent:main:irc:group:#flock");
        assertThat(r.body().get("sessionMode").asString()).isEqualTo("persistent");
        assertThat(r.body().get("channel").asString()).isEqualTo("irc");
        assertThat(r.body().get("to").asString()).isEqualTo("#flock");
        assertThat(r.body().get("deliver").asBoolean()).isTrue();
    }

    @Test
    void aWebhookIsRetriedWithBackoffUntilAccepted() {
        failuresLeft.set(3);
        HttpTakeoverDispatcher dispatcher =
                HttpTakeoverDispatcher.webhook(http, base().resolve("/takeover"), Optional.empty(), waits::add);
        assertThat(dispatcher.dispatch(takeover())).isTrue();
        assertThat(received)
                .hasSize(4)
                .allSatisfy(r -> assertThat(r.idempotencyKey()).isEqualTo("content:irc:#flock:abc#0#g2"));
        assertThat(waits).containsExactly(Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(800));
        JsonNode body = received.getLast().body();
        assertThat(body.get("messageId").asString()).isEqualTo("local:c:7");
        assertThat(body.get("twin").asString()).isEqualTo("case");
        assertThat(body.get("generation").asInt()).isEqualTo(2);
        assertThat(received.getLast().authorization()).isNull();
    }

    @Test
    void aReceiverThatNeverAcceptsIsGivenUpOn() {
        failuresLeft.set(Integer.MAX_VALUE);
        HttpTakeoverDispatcher dispatcher =
                HttpTakeoverDispatcher.webhook(http, base().resolve("/takeover"), Optional.of("t"), waits::add);
        assertThat(dispatcher.dispatch(takeover())).isFalse();
        Duration waited = waits.stream().reduce(Duration.ZERO, Duration::plus);
        assertThat(waited).isGreaterThanOrEqualTo(Duration.ofSeconds(30)).isLessThan(Duration.ofSeconds(40));
        assertThat(received.getFirst().authorization()).isEqualTo("Bearer t");
    }
}
