package dev.openclaw.twin.protocol;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code takeover_dispatch: {type: webhook, url}}: POSTs the original decide request plus
 * {@code twin, reason, generation} (and the claim key) to a URL, with an {@code Idempotency-Key}
 * header. Retried with exponential backoff until accepted (any 2xx) or {@link #GIVE_UP_AFTER}:
 * at least once; the receiver deduplicates by the key.
 */
public final class WebhookTakeoverDispatcher implements TakeoverDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookTakeoverDispatcher.class);
    private static final JsonMapper JSON = new JsonMapper();
    static final Duration GIVE_UP_AFTER = Duration.ofSeconds(30);
    private static final Duration FIRST_RETRY = Duration.ofMillis(200);
    private static final Duration MAX_RETRY = Duration.ofSeconds(5);

    private final HttpClient http;
    private final URI url;
    private final Optional<String> token;
    private final Sleeper sleeper;

    /** Waits between retries; tests pass one that does not sleep. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    public WebhookTakeoverDispatcher(HttpClient http, URI url, Optional<String> token, Sleeper sleeper) {
        this.http = http;
        this.url = url;
        this.token = token;
        this.sleeper = sleeper;
    }

    @Override
    public boolean dispatch(Takeover takeover) {
        byte[] body = JSON.writeValueAsBytes(body(takeover));
        Duration wait = FIRST_RETRY;
        Duration waited = Duration.ZERO;
        for (int attempt = 1; ; attempt++) {
            String problem = post(takeover, body);
            if (problem == null) {
                return true;
            }
            if (waited.compareTo(GIVE_UP_AFTER) >= 0) {
                LOG.warn("takeover webhook {} failed {} times, giving up: {}", url, attempt, problem);
                return false;
            }
            if (attempt == 1) {
                LOG.info("takeover webhook {} failed, retrying: {}", url, problem);
            }
            try {
                sleeper.sleep(wait); // backoff between retries of a failed delivery
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            waited = waited.plus(wait);
            wait = wait.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : wait.multipliedBy(2);
        }
    }

    /** Null when delivered, else what went wrong. */
    private String post(Takeover takeover, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", takeover.idempotencyKey())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        try {
            HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() / 100 == 2 ? null : "HTTP " + response.statusCode();
        } catch (IOException e) {
            return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    static Map<String, Object> body(Takeover takeover) {
        DecideRequest r = takeover.request();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("channel", r.channel());
        body.put("conversationId", r.conversationId());
        body.put("messageId", r.messageId());
        body.put("senderId", r.senderId());
        body.put("text", r.text());
        body.put("timestamp", r.timestamp());
        body.put("sessionKey", r.sessionKey());
        body.put("replyTo", r.replyTo());
        body.put("twin", takeover.twin());
        body.put("reason", takeover.reason());
        body.put("generation", takeover.generation());
        body.put("claimKey", takeover.claimKey());
        return body;
    }
}
