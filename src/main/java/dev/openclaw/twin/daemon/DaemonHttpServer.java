package dev.openclaw.twin.daemon;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.health.FlockStatus;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The daemon's HTTP API (DESIGN §6) on the JDK's HTTP server, one virtual thread per request. Bound
 * to loopback unless a token is configured; with a token every request must carry it. Requests from
 * web pages are refused ({@link HttpRequestGuard}); slow and excess connections are cut off ({@link
 * HttpServerLimits}); errors are JSON without exception or class names.
 */
final class DaemonHttpServer {

    static {
        HttpServerLimits.apply();
    }

    private static final Logger LOG = LoggerFactory.getLogger(DaemonHttpServer.class);
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    /** Requests are small JSON documents; anything bigger is a mistake or an attack. */
    private static final int MAX_BODY = 64 * 1024;
    /**
     * POST bodies parsed and handled at once. Each may hold ~200 KB meanwhile (tree, strings, the
     * request); this keeps a burst of maximal requests within a small heap. Others wait their turn.
     */
    static final int MAX_CONCURRENT_BODIES = 8;
    /** A POST that cannot be parsed within this (the daemon is swamped) is answered 503. */
    private static final Duration BODY_WAIT = Duration.ofSeconds(5);

    private final HttpServer server;
    /** One virtual thread per request; the daemon's, closed with it. */
    private final ExecutorService executor;

    private final String twin;
    private final HttpRequestGuard guard;
    private final Supplier<FlockStatus> status;
    private final Supplier<Optional<String>> healthProblem;
    private final Clock clock;
    private final DaemonMetrics metrics;
    private final Optional<byte[]> expectedAuthorization;
    private final Map<String, PostHandler> posts;
    /** What {@code /healthz} adds to {@code ok} and {@code twin} (what peers need during a store outage). */
    private final Supplier<Map<String, Object>> healthz;

    private final Semaphore bodies = new Semaphore(MAX_CONCURRENT_BODIES);

    /** Answers one POST endpoint's JSON body; throws {@link RequestBody.BadRequest} for a bad one. */
    @FunctionalInterface
    interface PostHandler {
        Object handle(RequestBody body);
    }

    /**
     * @param names host names that mean this daemon besides loopback ({@link HttpRequestGuard#namesOf})
     * @param otherPort a port this daemon is reached on besides its own (its daemon_url's), if any
     * @param healthProblem why the daemon is unhealthy, if it is ({@code /healthz} answers 503)
     * @param executor runs each request (a virtual thread per task)
     * @throws Daemon.StartFailure if it cannot listen on the port
     */
    DaemonHttpServer(
            TwinsConfig.Daemon settings,
            int port,
            String twin,
            Set<String> names,
            Optional<Integer> otherPort,
            Supplier<FlockStatus> status,
            Supplier<Map<String, Object>> healthz,
            Supplier<Optional<String>> healthProblem,
            Clock clock,
            DaemonMetrics metrics,
            Map<String, PostHandler> posts,
            ExecutorService executor) {
        this.executor = executor;
        this.healthz = healthz;
        this.twin = twin;
        this.status = status;
        this.healthProblem = healthProblem;
        this.clock = clock;
        this.metrics = metrics;
        this.posts = Map.copyOf(posts);
        this.expectedAuthorization =
                settings.token().map(t -> ("Bearer " + t.value()).getBytes(StandardCharsets.UTF_8));
        try {
            server = HttpServer.create(new InetSocketAddress(settings.bind(), port), 64);
        } catch (BindException e) {
            executor.shutdown();
            throw new Daemon.StartFailure(
                    (e.getMessage() != null && e.getMessage().contains("in use")
                            ? "port " + port
                                    + " is in use (another twin daemon running?): stop it or use --port / daemon.port"
                            : "cannot listen on " + settings.bind() + ":" + port + " (" + e.getMessage()
                                    + "): daemon.bind must be an address of this host"),
                    e);
        } catch (IOException e) {
            executor.shutdown();
            throw new Daemon.StartFailure(
                    "cannot listen on " + settings.bind() + ":" + port + " (" + e.getMessage() + ")", e);
        }
        Set<Integer> ports = new HashSet<>();
        ports.add(server.getAddress().getPort());
        otherPort.ifPresent(ports::add);
        this.guard = new HttpRequestGuard(names, ports);
        server.setExecutor(executor);
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
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        // The catch blocks answer on the exchange, so they sit inside the try that closes it.
        try (exchange) {
            try {
                Optional<HttpRequestGuard.Refusal> refusal = guard.check(
                        exchange.getRequestMethod(), exchange.getRequestURI(), exchange.getRequestHeaders());
                if (refusal.isPresent()) {
                    send(
                            exchange,
                            refusal.get().status(),
                            Map.of("error", refusal.get().message()));
                } else {
                    route(exchange);
                }
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
        boolean read = method.equals("GET") || method.equals("HEAD");
        switch (path) {
            case "/" -> {
                if (read) {
                    byte[] body = StatusPage.render(status.get(), twin, clock.instant())
                            .getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("Cache-Control", "no-store");
                    sendBytes(exchange, 200, "text/html; charset=utf-8", body);
                } else {
                    send(exchange, 405, Map.of("error", "use GET"));
                }
            }
            case "/healthz" -> {
                if (read) {
                    // {"ok":true,"twin":...} is what peers parse (DESIGN §6); a stalled loop is a 503.
                    Optional<String> problem = healthProblem.get();
                    Map<String, Object> health = new LinkedHashMap<>();
                    health.put("ok", problem.isEmpty());
                    health.put("twin", twin);
                    healthz.get().forEach(health::putIfAbsent);
                    problem.ifPresent(p -> health.put("problem", p));
                    send(exchange, problem.isEmpty() ? 200 : 503, health);
                } else {
                    send(exchange, 405, Map.of("error", "use GET"));
                }
            }
            case "/v1/status" -> {
                if (read) {
                    send(exchange, 200, status.get());
                } else {
                    send(exchange, 405, Map.of("error", "use GET"));
                }
            }
            case "/metrics" -> {
                if (read) {
                    sendBytes(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
                } else {
                    send(exchange, 405, Map.of("error", "use GET"));
                }
            }
            default -> {
                PostHandler handler = posts.get(path);
                if (handler == null) {
                    send(exchange, 404, Map.of("error", "no such endpoint"));
                } else if (!method.equals("POST")) {
                    send(exchange, 405, Map.of("error", "use POST with a JSON body"));
                } else {
                    byte[] body = readBody(exchange);
                    send(exchange, 200, withPermit(() -> handler.handle(new RequestBody(parse(body)))));
                }
            }
        }
    }

    /**
     * The body's bytes, read before a permit is taken: a client that sends its body slowly holds
     * only its connection (cut off after {@link HttpServerLimits#MAX_REQUEST_SECONDS}), never a
     * permit the others need.
     */
    private static byte[] readBody(HttpExchange exchange) throws IOException {
        long declared = declaredLength(exchange);
        if (declared > MAX_BODY) {
            throw new RequestBody.BadRequest(413, "body larger than " + MAX_BODY + " bytes");
        }
        // One buffer of the declared size (no growing copies); chunked bodies are read up to the cap.
        byte[] body = exchange.getRequestBody().readNBytes(declared >= 0 ? (int) declared : MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            throw new RequestBody.BadRequest(413, "body larger than " + MAX_BODY + " bytes");
        }
        return body;
    }

    /** The request's Content-Length (the JDK has checked it is a number), or -1 if chunked. */
    private static long declaredLength(HttpExchange exchange) {
        String value = exchange.getRequestHeaders().getFirst("Content-Length");
        try {
            return value == null ? -1 : Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static JsonNode parse(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (JacksonException e) {
            throw new RequestBody.BadRequest(JsonProblem.describe(e));
        }
    }

    /** Runs {@code work} (parsing and handling a body) within {@link #MAX_CONCURRENT_BODIES}; 503 if none is free in time. */
    private Object withPermit(Supplier<Object> work) {
        try {
            if (!bodies.tryAcquire(BODY_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new RequestBody.BadRequest(503, "the daemon is busy; try again");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RequestBody.BadRequest(503, "the daemon is stopping");
        }
        try {
            return work.get();
        } finally {
            bodies.release();
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
        sendBytes(exchange, code, "application/json", JSON.writeValueAsBytes(body));
    }

    /** Answers {@code body}, or only its headers to a HEAD. */
    private static void sendBytes(HttpExchange exchange, int code, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(code, -1);
            return;
        }
        exchange.sendResponseHeaders(code, body.length);
        exchange.getResponseBody().write(body);
    }
}
