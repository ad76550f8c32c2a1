package dev.openclaw.twin.arbiter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.openclaw.twin.state.ArbiterUnavailableException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * An arbiter on loopback answering as daemons do: 404 {@code {"error":"no such endpoint"}} for a
 * route its version lacks (what a daemon of the previous release answers to read-many), 503 while it
 * does not arbitrate. The asking twin must tell them apart to fall back during an upgrade.
 */
class ArbiterClientTest {

    private static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (var out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Test
    void anArbiterOfAnOlderVersionIsToldApartFromOneThatDoesNotArbitrateNow() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/claims/read-many", e -> reply(e, 404, "{\"error\":\"no such endpoint\"}"));
        server.createContext(
                "/v1/claims/time", e -> reply(e, 503, "{\"error\":\"not arbitrating: tars is not the arbiter\"}"));
        server.start();
        try (HttpClient http = HttpClient.newHttpClient()) {
            ArbiterClient client = new ArbiterClient(
                    http,
                    Map.of(
                            "tars",
                            URI.create("http://127.0.0.1:" + server.getAddress().getPort())),
                    Optional.empty(),
                    Duration.ofSeconds(5),
                    Duration.ZERO,
                    System::nanoTime);

            assertThatThrownBy(() -> client.readMany("tars", List.of("discord:c:1")))
                    .isInstanceOfSatisfying(
                            ArbiterUnavailableException.class,
                            e -> assertThat(e.olderVersion()).isTrue());
            assertThatThrownBy(() -> client.now("tars"))
                    .isInstanceOfSatisfying(
                            ArbiterUnavailableException.class,
                            e -> assertThat(e.olderVersion()).isFalse());
        } finally {
            server.stop(0);
        }
    }
}
