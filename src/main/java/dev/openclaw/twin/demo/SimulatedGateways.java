package dev.openclaw.twin.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Plays every twin's OpenClaw gateway and its plugin, the way they use the daemon: each message
 * reaches every twin (IRC style: each gives it its own id), each asks its daemon {@code /v1/decide}
 * with a short timeout (failing closed); a twin told to respond "generates" its reply for a while,
 * then asks {@code /v1/confirm}, and only a granted confirm counts as an answer. Takeover webhooks
 * are handled the same way. Also serves each twin's gateway {@code /readyz}, which a fault can fail.
 */
public final class SimulatedGateways implements AutoCloseable {

    private static final JsonMapper JSON = new JsonMapper();
    /** The plugin gives up on a decide this fast (hooks must not block the conversation). */
    static final Duration DECIDE_TIMEOUT = Duration.ofSeconds(1);

    /** Longer than the daemon's staleness bound, so a confirm the daemon grants is never one we gave up on. */
    static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(5);

    private final List<String> twins;
    private final History history;
    private final Duration generationMin;
    private final Duration generationMax;
    private final Map<String, Duration> clockSkews;
    private final Random random;
    private final Map<String, HttpServer> readyServers = new LinkedHashMap<>();
    private final Map<String, Boolean> ready = new ConcurrentHashMap<>();
    private final HttpServer webhook;
    private final HttpClient http;
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "demo-gateways");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, AtomicInteger> localSeq = new ConcurrentHashMap<>();
    private final Map<String, Integer> messageOfLocalId = new ConcurrentHashMap<>();
    private final Map<Integer, String> channels = new ConcurrentHashMap<>();
    private final List<String> rejected = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Set<Integer> lostReplies = ConcurrentHashMap.newKeySet();
    private final Set<String> seenTakeovers = ConcurrentHashMap.newKeySet();
    private final AtomicReference<Duration> pauseNextResponder = new AtomicReference<>();
    private final java.util.concurrent.atomic.AtomicBoolean restartNextResponder =
            new java.util.concurrent.atomic.AtomicBoolean();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile LocalFlock flock;

    public SimulatedGateways(
            List<String> twins,
            History history,
            Duration generationMin,
            Duration generationMax,
            Map<String, Duration> clockSkews,
            long seed)
            throws IOException {
        this.twins = List.copyOf(twins);
        this.history = history;
        this.generationMin = generationMin;
        this.generationMax = generationMax;
        this.clockSkews = Map.copyOf(clockSkews);
        this.random = new Random(seed);
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofMillis(500))
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
        for (String twin : twins) {
            ready.put(twin, true);
            localSeq.put(twin, new AtomicInteger());
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
            server.createContext("/readyz", exchange -> {
                try (exchange) {
                    respond(exchange, ready.get(twin) ? 200 : 503, "{}");
                }
            });
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.start();
            readyServers.put(twin, server);
        }
        webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        webhook.createContext("/takeover", this::takeover);
        webhook.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        webhook.start();
    }

    public Map<String, Integer> gatewayPorts() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        readyServers.forEach(
                (twin, server) -> ports.put(twin, server.getAddress().getPort()));
        return ports;
    }

    public URI takeoverUrl() {
        return URI.create("http://127.0.0.1:" + webhook.getAddress().getPort() + "/takeover");
    }

    public void attach(LocalFlock flock) {
        this.flock = flock;
    }

    /** A failing gateway: its {@code /readyz} answers 503 until set ready again. */
    public void setReady(String twin, boolean isReady) {
        ready.put(twin, isReady);
    }

    /** The next twin told to respond is SIGSTOPped before it can confirm, for {@code pause}. */
    /**
     * The next twin told to respond has its daemon SIGKILLed and started again while its gateway
     * generates the reply: the confirm then reaches the new run, which never decided the message.
     */
    public void restartNextResponderBeforeConfirm() {
        restartNextResponder.set(true);
    }

    public void pauseNextResponderBeforeConfirm(Duration pause) {
        pauseNextResponder.set(pause);
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** Delivers {@code message} to every twin at once, as an IRC channel would. */
    public void send(int index, String kind, String sender, String text) {
        send(index, kind, sender, text, false);
    }

    /**
     * Delivers {@code message} to every twin at once: on IRC ({@code globalId} false) each twin's
     * connection gives it an id of its own; on Telegram every twin sees the same id.
     */
    public void send(int index, String kind, String sender, String text, boolean globalId) {
        history.sent(new History.Sent(index, kind, text, System.nanoTime()));
        String channel = globalId ? "telegram" : "irc";
        channels.put(index, channel);
        for (String twin : twins) {
            String localId = globalId
                    ? "tg-" + index
                    : "local:" + twin + ":" + localSeq.get(twin).incrementAndGet();
            messageOfLocalId.put(twin + "|" + localId, index);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("channel", channel);
            body.put("conversationId", "#flock");
            body.put("messageId", localId);
            body.put("senderId", sender);
            body.put("text", text);
            body.put("timestamp", Long.toString(now(twin)));
            body.put("sessionKey", "agent:main:" + channel + ":group:#flock");
            long start = System.nanoTime();
            inFlight.incrementAndGet();
            exchange(twin, "/v1/decide", body, DECIDE_TIMEOUT).whenComplete((reply, failure) -> {
                try {
                    JsonNode answer = reply == null ? null : reply.answer();
                    if (answer == null) {
                        history.decideFailed(
                                index,
                                new History.FailedDecide(
                                        twin,
                                        start,
                                        reply != null
                                                && reply.failure() instanceof java.net.http.HttpTimeoutException));
                        return;
                    }
                    boolean respond = answer.get("respond").asBoolean();
                    history.decided(
                            index,
                            new History.Decision(
                                    twin,
                                    respond,
                                    answer.get("reason").asString(),
                                    System.nanoTime() - start,
                                    answer.get("elapsedMs").asLong(),
                                    start));
                    if (respond) {
                        Duration pause = pauseNextResponder.getAndSet(null);
                        if (pause != null && flock != null) {
                            pauseFor(twin, pause);
                        } else if (flock != null && restartNextResponder.getAndSet(false)) {
                            restart(index, twin);
                        }
                        generateThenConfirm(index, twin, localId, "inline");
                    }
                } finally {
                    inFlight.decrementAndGet();
                }
            });
        }
    }

    private void restart(int index, String twin) {
        History.Fault fault = new History.Fault("restart between claim and confirm", twin, System.nanoTime(), 0);
        history.fault(fault);
        history.restartedMidTurn(new History.MidTurnRestart(index, twin, fault.startNanos()));
        Thread.ofVirtual().start(() -> {
            try {
                flock.kill(twin);
                flock.start(twin);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                history.faultEnded(fault, System.nanoTime());
            }
        });
    }

    private void pauseFor(String twin, Duration pause) {
        History.Fault fault = new History.Fault("SIGSTOP between claim and confirm", twin, System.nanoTime(), 0);
        history.fault(fault);
        flock.pause(twin);
        timer.schedule(
                () -> {
                    flock.resume(twin);
                    history.faultEnded(fault, System.nanoTime());
                },
                pause.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void takeover(HttpExchange exchange) throws IOException {
        try (exchange) {
            JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
            String idempotency = exchange.getRequestHeaders().getFirst("Idempotency-Key");
            respond(exchange, 200, "{\"ok\":true}");
            if (idempotency != null && !seenTakeovers.add(idempotency)) {
                return; // a retried delivery: the turn already runs
            }
            String twin = body.get("twin").asString();
            String localId = body.get("messageId").asString();
            Integer index = messageOfLocalId.get(twin + "|" + localId);
            if (index == null) {
                return;
            }
            history.dispatched(
                    index, new History.Dispatch(twin, body.get("generation").asInt(), System.nanoTime()));
            generateThenConfirm(index, twin, localId, "takeover");
        }
    }

    /** The reply takes a while to generate; then the plugin asks whether it may send it. */
    private void generateThenConfirm(int index, String twin, String localId, String via) {
        long span = generationMax.toMillis() - generationMin.toMillis();
        long generation;
        synchronized (random) {
            generation = generationMin.toMillis() + (span <= 0 ? 0 : random.nextLong(span + 1));
        }
        inFlight.incrementAndGet();
        timer.schedule(
                () -> {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("channel", channels.get(index));
                    body.put("conversationId", "#flock");
                    body.put("messageId", localId);
                    body.put("timestamp", Long.toString(now(twin)));
                    post(twin, "/v1/confirm", body, CONFIRM_TIMEOUT).whenComplete((answer, failure) -> {
                        try {
                            if (answer != null && answer.get("send").asBoolean()) {
                                history.answered(index, new History.Answer(twin, via, System.nanoTime()));
                            } else {
                                history.refused(index, twin);
                            }
                        } finally {
                            inFlight.decrementAndGet();
                        }
                    });
                },
                generation,
                TimeUnit.MILLISECONDS);
    }

    /** This twin's wall clock, skewed as its host's would be. */
    private long now(String twin) {
        return System.currentTimeMillis()
                + clockSkews.getOrDefault(twin, Duration.ZERO).toMillis();
    }

    /** What a request to a daemon came to: its JSON answer, or null and why not (null if it was an HTTP error). */
    private record Reply(JsonNode answer, Throwable failure) {}

    private java.util.concurrent.CompletableFuture<JsonNode> post(
            String twin, String path, Map<String, Object> body, Duration timeout) {
        return exchange(twin, path, body, timeout).thenApply(Reply::answer);
    }

    private java.util.concurrent.CompletableFuture<Reply> exchange(
            String twin, String path, Map<String, Object> body, Duration timeout) {
        LocalFlock f = flock;
        if (f == null) {
            return java.util.concurrent.CompletableFuture.completedFuture(new Reply(null, null));
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + f.daemonPort(twin) + path))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((response, failure) -> {
            if (failure != null) {
                Throwable cause =
                        failure instanceof java.util.concurrent.CompletionException ? failure.getCause() : failure;
                Integer index = messageOfLocalId.get(twin + "|" + body.get("messageId"));
                // Timed out: the daemon may hold the claim and be alive, so nobody takes over. A
                // confirm cut off by the daemon's death may have been granted (at most once). A
                // decide cut off so is not: the others must revoke the dead twin's claim.
                boolean lost = cause instanceof java.net.http.HttpTimeoutException
                        || (path.equals("/v1/confirm") && !(cause instanceof java.net.ConnectException));
                if (lost && index != null) {
                    lostReplies.add(index);
                }
                return new Reply(null, cause);
            }
            if (response.statusCode() != 200) {
                String text = response.body();
                rejected.add(path + " to " + twin + ": HTTP " + response.statusCode() + " "
                        + text.substring(0, Math.min(200, text.length())));
                return new Reply(null, null);
            }
            return new Reply(JSON.readTree(response.body()), null);
        });
    }

    /** Requests a daemon answered with an error status: none, unless the API or the daemon is broken. */
    public List<String> rejected() {
        return List.copyOf(rejected);
    }

    /**
     * Messages for which a daemon's answer to a decide or confirm was lost: the request timed out
     * (an overloaded machine), or the daemon died while answering a confirm. The plugin fails
     * closed then, and the message may rightly go unanswered.
     */
    public Set<Integer> lostReplies() {
        return Set.copyOf(lostReplies);
    }

    private static void respond(HttpExchange exchange, int code, String body) throws IOException {
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(code, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        readyServers.values().forEach(s -> s.stop(0));
        webhook.stop(0);
        http.close();
    }
}
