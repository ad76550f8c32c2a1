package dev.openclaw.twin.daemon;

import dev.openclaw.twin.config.Secret;
import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.protocol.PeerPromises;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link PeerPromises} over {@code POST daemon_url/v1/promise}, to every peer with a daemon_url at
 * once. A peer promises only with {@code {"promised": true, "twin": <itself>}}; any other answer
 * (an older version's 404, an error, another twin at that URL) is a refusal, and no answer within
 * the timeout, three times, is none.
 */
final class HttpPeerPromises implements PeerPromises {

    private static final JsonMapper JSON = new JsonMapper();

    private final HttpClient http;
    private final Map<String, URI> promise = new LinkedHashMap<>();
    private final Optional<String> authorization;
    private final Duration timeout;

    HttpPeerPromises(HttpClient http, TwinsConfig config, String self, Duration timeout) {
        this.http = http;
        this.timeout = timeout;
        this.authorization = config.daemon().token().map(Secret::value).map(t -> "Bearer " + t);
        config.twins().values().stream()
                .filter(t -> !t.name().equals(self))
                .forEach(t -> t.daemonUrl().ifPresent(url -> promise.put(t.name(), url.resolve("/v1/promise"))));
    }

    @Override
    public Duration roundTime() {
        return timeout.multipliedBy(ATTEMPTS).plusMillis(200);
    }

    @Override
    public CompletableFuture<Map<String, Answer>> ask(Request request) {
        String body = JSON.writeValueAsString(Map.of(
                "twin", request.from(),
                "identity", request.identity().value(),
                "global", request.identity().global(),
                "decidedAgoMs", request.decidedAgo().toMillis()));
        Map<String, CompletableFuture<Answer>> asked = new LinkedHashMap<>();
        promise.forEach((peer, uri) -> asked.put(peer, ask(peer, uri, body)));
        return CompletableFuture.allOf(asked.values().toArray(CompletableFuture[]::new))
                .thenApply(done -> {
                    Map<String, Answer> answers = new LinkedHashMap<>();
                    asked.forEach((peer, answer) -> answers.put(peer, answer.join()));
                    return answers;
                });
    }

    /** One peer's answer; no answer at all (a lost packet, a refused connection) is asked again, up to {@link #ATTEMPTS} times. */
    private CompletableFuture<Answer> ask(String peer, URI uri, String body) {
        CompletableFuture<Answer> answer = askOnce(peer, uri, body);
        for (int attempt = 1; attempt < ATTEMPTS; attempt++) {
            answer = answer.thenCompose(
                    a -> a == Answer.NO_ANSWER ? askOnce(peer, uri, body) : CompletableFuture.completedFuture(a));
        }
        return answer;
    }

    static final int ATTEMPTS = 3;

    private CompletableFuture<Answer> askOnce(String peer, URI uri, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        authorization.ifPresent(value -> request.header("Authorization", value));
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
                .handle((response, failure) -> {
                    if (failure != null) {
                        return Answer.NO_ANSWER;
                    }
                    return response.statusCode() == 200 && promised(response.body(), peer)
                            ? Answer.PROMISED
                            : Answer.REFUSED;
                });
    }

    private static boolean promised(String body, String peer) {
        try {
            JsonNode json = JSON.readTree(body);
            return json != null
                    && json.path("promised").isBoolean()
                    && json.path("promised").asBoolean()
                    && json.path("twin").isString()
                    && json.path("twin").asString().equals(peer);
        } catch (JacksonException e) {
            return false;
        }
    }
}
