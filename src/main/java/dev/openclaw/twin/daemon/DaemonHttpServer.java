package dev.openclaw.twin.daemon;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.health.FlockStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The daemon's HTTP API (DESIGN §6) on the JDK's HTTP server, one virtual thread per request. Bound
 * to loopback unless a token is configured; with a token every request must carry it.
 */
final class DaemonHttpServer {

    private static final Logger LOG = LoggerFactory.getLogger(DaemonHttpServer.class);
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    /** Requests are small JSON documents; anything bigger is a mistake or an attack. */
    private static final int MAX_BODY = 64 * 1024;

    private final HttpServer server;
    private final String twin;
    private final Supplier<FlockStatus> status;
    private final Clock clock;
    private final DaemonMetrics metrics;
    private final Optional<byte[]> expectedAuthorization;
    private final Map<String, PostHandler> posts;
    /** {@code /healthz}: at least {@code {"ok":true,"twin":...}}. */
    private final Supplier<Map<String, Object>> healthz;

    /** Answers one POST endpoint's JSON body; throws {@link RequestBody.BadRequest} for a bad one. */
    @FunctionalInterface
    interface PostHandler {
        Object handle(RequestBody body);
    }

    DaemonHttpServer(
            TwinsConfig.Daemon settings,
            int port,
            String twin,
            Supplier<FlockStatus> status,
            Supplier<Map<String, Object>> healthz,
            Clock clock,
            DaemonMetrics metrics,
            Map<String, PostHandler> posts) {
        this.healthz = healthz;
        this.twin = twin;
        this.status = status;
        this.clock = clock;
        this.metrics = metrics;
        this.posts = Map.copyOf(posts);
        this.expectedAuthorization =
                settings.token().map(t -> ("Bearer " + t.value()).getBytes(StandardCharsets.UTF_8));
        try {
            server = HttpServer.create(new InetSocketAddress(settings.bind(), port), 64);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot listen on " + settings.bind() + ":" + port + " (" + e.getMessage() + ")", e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
    }

    void start() {
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        // The catch blocks answer on the exchange, so they sit inside the try that closes it.
        try (exchange) {
            try {
                route(exchange);
            } catch (RequestBody.BadRequest e) {
                send(exchange, e.status(), Map.of("error", e.getMessage()));
            } catch (RuntimeException e) {
                LOG.error("HTTP {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
                send(exchange, 500, Map.of("error", "internal error (see the daemon's log)"));
            }
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        if (!authorized(exchange)) {
            send(exchange, 401, Map.of("error", "missing or wrong bearer token"));
            return;
        }
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        switch (path) {
            case "/" -> {
                if (method.equals("GET") || method.equals("HEAD")) {
                    byte[] body = StatusPage.render(status.get(), twin, clock.instant())
                            .getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
                    exchange.getResponseHeaders().set("Cache-Control", "no-store");
                    exchange.sendResponseHeaders(200, method.equals("HEAD") ? -1 : body.length);
                    if (method.equals("GET")) {
                        exchange.getResponseBody().write(body);
                    }
                } else {
                    send(exchange, 405, Map.of("error", "use GET"));
                }
            }
            case "/healthz" -> requireGet(exchange, method, healthz::get);
            case "/v1/status" -> requireGet(exchange, method, status::get);
            case "/metrics" -> {
                if (method.equals("GET")) {
                    byte[] body = metrics.scrape();
                    exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                } else {
                    send(exchange, 405, Map.of("error", "use GET"));
                }
            }
            default -> {
                PostHandler handler = posts.get(path);
                if (handler == null) {
                    send(exchange, 404, Map.of("error", "no such endpoint: " + path));
                } else if (!method.equals("POST")) {
                    send(exchange, 405, Map.of("error", "use POST with a JSON body"));
                } else {
                    send(exchange, 200, handler.handle(new RequestBody(readJson(exchange))));
                }
            }
        }
    }

    private static JsonNode readJson(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            throw new RequestBody.BadRequest(413, "body larger than " + MAX_BODY + " bytes");
        }
        try {
            return JSON.readTree(body);
        } catch (JacksonException e) {
            throw new RequestBody.BadRequest("not valid JSON: " + e.getOriginalMessage());
        }
    }

    private void requireGet(HttpExchange exchange, String method, Supplier<Object> body) throws IOException {
        if (method.equals("GET")) {
            send(exchange, 200, body.get());
        } else {
            send(exchange, 405, Map.of("error", "use GET"));
        }
    }

    private boolean authorized(HttpExchange exchange) {
        if (expectedAuthorization.isEmpty()) {
            return true;
        }
        String given = exchange.getRequestHeaders().getFirst("Authorization");
        return given != null
                && MessageDigest.isEqual(expectedAuthorization.get(), given.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int code, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(code, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
