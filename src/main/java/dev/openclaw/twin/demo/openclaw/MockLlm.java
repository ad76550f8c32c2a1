package dev.openclaw.twin.demo.openclaw;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A local OpenAI-compatible model for real gateways: answers {@code POST /v1/chat/completions}
 * (streamed as server-sent events when asked) with "re: " and the start of the last user message,
 * and counts every call, so a test knows how many model calls a message cost. A message containing
 * "slowly" takes 6 s to answer; the first call whose message contains "take your time" takes 20 s,
 * later ones answer at once (a long first turn, but a quick takeover of it).
 */
public final class MockLlm implements AutoCloseable {

    private static final JsonMapper JSON = new JsonMapper();

    private final HttpServer server;
    private final List<String> prompts = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicBoolean tookItsTime =
            new java.util.concurrent.atomic.AtomicBoolean();

    private final java.nio.file.Path requestLog;

    /** @param requestLog where every request body is appended, one per line (for diagnosis) */
    public MockLlm(java.nio.file.Path requestLog) throws IOException {
        this.requestLog = requestLog;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        server.createContext("/v1/chat/completions", this::complete);
        server.createContext("/v1/models", exchange -> {
            try (exchange) {
                send(
                        exchange,
                        "application/json",
                        "{\"object\":\"list\",\"data\":[{\"id\":\"mock\",\"object\":\"model\"}]}");
            }
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    /**
     * The gateway config's {@code models} section that makes {@code mock/mock} this LLM at
     * {@code llmPort} (an OpenAI-compatible endpoint, no cost, text only).
     */
    public static Map<String, Object> modelsConfig(int llmPort) {
        Map<String, Object> mockModel = Map.of(
                "id",
                "mock",
                "name",
                "mock",
                "reasoning",
                false,
                "input",
                List.of("text"),
                "cost",
                Map.of("input", 0, "output", 0, "cacheRead", 0, "cacheWrite", 0),
                "contextWindow",
                128000,
                "maxTokens",
                1024);
        return Map.of(
                "mode",
                "merge",
                "providers",
                Map.of(
                        "mock",
                        Map.of(
                                "baseUrl",
                                "http://127.0.0.1:" + llmPort + "/v1",
                                "apiKey",
                                "sk-local",
                                "api",
                                "openai-completions",
                                "models",
                                List.of(mockModel))));
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The last user message of every call so far. */
    public List<String> prompts() {
        return List.copyOf(prompts);
    }

    public int calls() {
        return prompts.size();
    }

    private void complete(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] raw = exchange.getRequestBody().readAllBytes();
            JsonNode request = JSON.readTree(raw);
            if (requestLog != null) {
                synchronized (this) {
                    java.nio.file.Files.write(
                            requestLog,
                            (new String(raw, StandardCharsets.UTF_8).replace('\n', ' ') + "\n")
                                    .getBytes(StandardCharsets.UTF_8),
                            java.nio.file.StandardOpenOption.CREATE,
                            java.nio.file.StandardOpenOption.APPEND);
                }
            }
            String last = lastUserMessage(request);
            prompts.add(last);
            if (last.contains("slowly")) {
                // A long generation: a window in which a test can kill the gateway mid-turn.
                java.util.concurrent.locks.LockSupport.parkNanos(
                        java.time.Duration.ofSeconds(6).toNanos());
            } else if (last.contains("take your time") && !tookItsTime.getAndSet(true)) {
                // Long enough for a daemon to be killed and started again while the gateway waits.
                java.util.concurrent.locks.LockSupport.parkNanos(
                        java.time.Duration.ofSeconds(20).toNanos());
            }
            // One short line: a reply with a newline would reach IRC as two messages.
            String flat = last.replaceAll("\\s+", " ");
            // Numbered: a gateway drops a reply that repeats the session's last one word for word, and
            // a takeover turn's prompt can end with the same person's line as an earlier turn's.
            String reply = "re: " + (flat.length() > 60 ? flat.substring(flat.length() - 60) : flat) + " (#"
                    + prompts.size() + ")";
            if (request.path("stream").asBoolean(false)) {
                StringBuilder sse = new StringBuilder();
                sse.append("data: ").append(chunk(reply, null)).append("\n\n");
                sse.append("data: ").append(chunk(null, "stop")).append("\n\n");
                sse.append("data: [DONE]\n\n");
                send(exchange, "text/event-stream", sse.toString());
            } else {
                ObjectNode body = JSON.createObjectNode();
                body.put("id", "chatcmpl-mock").put("object", "chat.completion").put("model", "mock");
                ObjectNode choice = body.putArray("choices").addObject();
                choice.put("index", 0).put("finish_reason", "stop");
                choice.putObject("message").put("role", "assistant").put("content", reply);
                body.putObject("usage")
                        .put("prompt_tokens", 1)
                        .put("completion_tokens", 1)
                        .put("total_tokens", 2);
                send(exchange, "application/json", JSON.writeValueAsString(body));
            }
        }
    }

    private static String chunk(String content, String finish) {
        ObjectNode body = JSON.createObjectNode();
        body.put("id", "chatcmpl-mock")
                .put("object", "chat.completion.chunk")
                .put("created", 0)
                .put("model", "mock");
        ObjectNode choice = body.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode delta = choice.putObject("delta");
        if (content != null) {
            delta.put("role", "assistant").put("content", content);
        }
        if (finish == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finish);
        }
        return JSON.writeValueAsString(body);
    }

    private static String lastUserMessage(JsonNode request) {
        String last = "";
        for (JsonNode m : request.path("messages")) {
            if (!m.path("role").asString("").equals("user")) {
                continue;
            }
            JsonNode content = m.path("content");
            String text = content.isString() ? content.asString() : "";
            if (content.isArray()) {
                StringBuilder parts = new StringBuilder();
                content.forEach(part -> parts.append(part.path("text").asString("")));
                text = parts.toString();
            }
            // The gateway appends its own context as a user message after the person's.
            if (!text.startsWith("<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT")) {
                last = text;
            }
        }
        return last.strip();
    }

    private static void send(HttpExchange exchange, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
