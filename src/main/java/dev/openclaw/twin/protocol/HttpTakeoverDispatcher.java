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
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Hands a takeover over by one HTTP POST with an {@code Idempotency-Key} header (claim key and
 * generation), retried with exponential backoff until accepted (any 2xx) or {@link #GIVE_UP_AFTER}:
 * at least once; the receiver deduplicates by the key. Two kinds:
 *
 * <ul>
 *   <li>{@link #webhook}: the original decide request plus {@code twin, reason, generation} to a URL
 *       ({@code takeover_dispatch: {type: webhook, url}}), for other agents, the demo and tests;
 *   <li>{@link #openClaw}: an agent turn in the message's session on this twin's own gateway
 *       ({@code POST /hooks/agent}), delivered to the message's conversation, so the reply leaves
 *       through the twin's own connection and passes its plugin's confirm like any other.
 * </ul>
 */
public final class HttpTakeoverDispatcher implements TakeoverDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(HttpTakeoverDispatcher.class);
    private static final JsonMapper JSON = new JsonMapper();
    static final Duration GIVE_UP_AFTER = Duration.ofSeconds(30);
    private static final Duration FIRST_RETRY = Duration.ofMillis(200);
    private static final Duration MAX_RETRY = Duration.ofSeconds(5);

    private final HttpClient http;
    private final URI url;
    private final Optional<String> token;
    private final Function<Takeover, Map<String, Object>> body;
    private final Duration timeout;
    private final Sleeper sleeper;

    /** Waits between retries; tests pass one that does not sleep. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private HttpTakeoverDispatcher(
            HttpClient http,
            URI url,
            Optional<String> token,
            Function<Takeover, Map<String, Object>> body,
            Duration timeout,
            Sleeper sleeper) {
        this.http = http;
        this.url = url;
        this.token = token;
        this.body = body;
        this.timeout = timeout;
        this.sleeper = sleeper;
    }

    public static HttpTakeoverDispatcher webhook(HttpClient http, URI url, Optional<String> token, Sleeper sleeper) {
        return new HttpTakeoverDispatcher(
                http, url, token, HttpTakeoverDispatcher::webhookBody, Duration.ofSeconds(5), sleeper);
    }

    /**
     * @param gatewayUrl the twin's own gateway
     * @param hooksToken the gateway's {@code hooks.token} (not its gateway token)
     */
    public static HttpTakeoverDispatcher openClaw(
            HttpClient http, URI gatewayUrl, Optional<String> hooksToken, Sleeper sleeper) {
        // The turn runs while we wait (a model call: seconds); a retry with the same key never runs twice.
        return new HttpTakeoverDispatcher(
                http,
                gatewayUrl.resolve("/hooks/agent"),
                hooksToken,
                HttpTakeoverDispatcher::agentTurn,
                Duration.ofMinutes(5),
                sleeper);
    }

    @Override
    public boolean dispatch(Takeover takeover) {
        byte[] body = JSON.writeValueAsBytes(this.body.apply(takeover));
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
                .timeout(timeout)
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

    /** The name of takeover turns, as the plugin ({@code openclaw-plugin/index.js}) expects it. */
    public static final String TAKEOVER_TURN_NAME = "openclaw-twin takeover";

    /** OpenClaw's {@code POST /hooks/agent}: a persistent-session turn delivered to the conversation. */
    static Map<String, Object> agentTurn(Takeover takeover) {
        DecideRequest r = takeover.request();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("message", r.text());
        // The gateway runs a hook turn as a one-off cron job of this name; the plugin knows by it
        // that the turn is a takeover, not a scheduled duty for the acting primary.
        body.put("name", TAKEOVER_TURN_NAME);
        if (r.sessionKey() != null) {
            body.put("sessionKey", r.sessionKey());
            body.put("sessionMode", "persistent");
        }
        body.put("channel", r.channel());
        body.put("to", r.replyTo() != null ? r.replyTo() : r.conversationId());
        body.put("deliver", true);
        body.put("waitForCompletion", true);
        return body;
    }

    static Map<String, Object> webhookBody(Takeover takeover) {
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
