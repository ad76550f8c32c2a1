package dev.openclaw.twin.arbiter;

import dev.openclaw.twin.state.ArbiterUnavailableException;
import dev.openclaw.twin.state.Claim;
import dev.openclaw.twin.state.ClaimEnd;
import dev.openclaw.twin.state.ClaimState;
import dev.openclaw.twin.state.ClaimWire;
import dev.openclaw.twin.state.ShareText;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Asks the arbiter's daemon to create, read or end a claim ({@code POST
 * daemon_url/v1/claims/create|read|end}, DESIGN §6). Every failure is an {@link
 * ArbiterUnavailableException}: the arbiter down or paused, not arbitrating by its own view, or an
 * older version without these endpoints (404). Each call waits at most {@code timeout}, since a
 * decide waits for it; after a failure the same arbiter is not asked again for {@code cooldown}, so
 * a paused arbiter costs one timeout, not one per watched message. Answers are read like the share:
 * field by field, within 64 KB.
 */
public final class ArbiterClient {

    static final int ANSWER_LIMIT = 64 * 1024;
    private static final JsonMapper JSON = new JsonMapper();

    private final HttpClient http;
    private final Map<String, URI> daemonUrls;
    private final Optional<String> authorization;
    private final Duration timeout;
    private final Duration cooldown;
    private final LongSupplier nanoTime;
    private final Map<String, Long> failedAtNanos = new ConcurrentHashMap<>();

    public ArbiterClient(
            HttpClient http,
            Map<String, URI> daemonUrls,
            Optional<String> token,
            Duration timeout,
            Duration cooldown,
            LongSupplier nanoTime) {
        this.http = http;
        this.daemonUrls = Map.copyOf(daemonUrls);
        this.authorization = token.map(t -> "Bearer " + t);
        this.timeout = timeout;
        this.cooldown = cooldown;
        this.nanoTime = nanoTime;
    }

    public boolean create(String arbiter, Claim claim) throws ArbiterUnavailableException {
        JsonNode answer = call(arbiter, "create", Map.of("claim", ClaimWire.claim(claim)));
        JsonNode created = answer.get("created");
        if (created == null || !created.isBoolean()) {
            throw invalid(arbiter, "no 'created'");
        }
        return created.booleanValue();
    }

    public ArbitratedStore.Read read(String arbiter, String key) throws ArbiterUnavailableException {
        JsonNode answer = call(arbiter, "read", Map.of("key", key));
        try {
            JsonNode age = answer.get("storedAgeMillis");
            Optional<Duration> storedAge = age != null && age.isIntegralNumber() && age.longValue() >= 0
                    ? Optional.of(Duration.ofMillis(age.longValue()))
                    : Optional.empty();
            return new ArbitratedStore.Read(ClaimWire.state(answer), storedAge);
        } catch (ClaimWire.Invalid e) {
            throw invalid(arbiter, e.getMessage());
        }
    }

    public ClaimEnd end(String arbiter, String key, int generation, ClaimEnd end) throws ArbiterUnavailableException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("key", key);
        body.put("generation", generation);
        body.put("end", ClaimWire.end(end));
        JsonNode answer = call(arbiter, "end", body);
        try {
            return ClaimWire.end(answer.get("end"));
        } catch (ClaimWire.Invalid e) {
            throw invalid(arbiter, e.getMessage());
        }
    }

    /**
     * The states of {@code keys} by the arbiter, in one round trip ({@code POST
     * daemon_url/v1/claims/read-many}); keys it did not answer for are left out.
     */
    public Map<String, ClaimState> readMany(String arbiter, java.util.List<String> keys)
            throws ArbiterUnavailableException {
        JsonNode claims = call(arbiter, "read-many", Map.of("keys", keys), READ_MANY_ANSWER_LIMIT)
                .get("claims");
        if (claims == null || !claims.isArray()) {
            throw invalid(arbiter, "no 'claims'");
        }
        java.util.Set<String> asked = new java.util.HashSet<>(keys);
        Map<String, ClaimState> states = new LinkedHashMap<>();
        try {
            for (JsonNode claim : claims) {
                JsonNode key = claim.get("key");
                if (key != null && key.isString() && asked.contains(key.stringValue())) {
                    states.put(key.stringValue(), ClaimWire.state(claim));
                }
            }
        } catch (ClaimWire.Invalid e) {
            throw invalid(arbiter, e.getMessage());
        }
        return states;
    }

    /** A read-many's answer: up to 200 claim states of a few hundred bytes each. */
    static final int READ_MANY_ANSWER_LIMIT = 1024 * 1024;

    /**
     * The arbiter's clock now ({@code POST daemon_url/v1/claims/time} → {@code {nowMillis}}): what a
     * lock's lease slots are counted on, so that every twin asking one arbiter counts the same slots
     * whatever its own clock says. Late by the answer's way back (a loopback or LAN round trip), far
     * below a slot.
     */
    public Instant now(String arbiter) throws ArbiterUnavailableException {
        JsonNode now = call(arbiter, "time", Map.of()).get("nowMillis");
        if (now == null || !now.isIntegralNumber() || now.longValue() < 0) {
            throw invalid(arbiter, "no 'nowMillis'");
        }
        return Instant.ofEpochMilli(now.longValue());
    }

    private JsonNode call(String arbiter, String operation, Map<String, Object> body)
            throws ArbiterUnavailableException {
        return call(arbiter, operation, body, ANSWER_LIMIT);
    }

    private JsonNode call(String arbiter, String operation, Map<String, Object> body, int answerLimit)
            throws ArbiterUnavailableException {
        URI base = daemonUrls.get(arbiter);
        if (base == null) {
            throw new ArbiterUnavailableException("the arbiter " + arbiter + " has no daemon_url", null);
        }
        Long failed = failedAtNanos.get(arbiter);
        if (failed != null && nanoTime.getAsLong() - failed < cooldown.toNanos()) {
            throw new ArbiterUnavailableException("the arbiter " + arbiter + " did not answer a moment ago", null);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/v1/claims/" + operation))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        authorization.ifPresent(value -> request.header("Authorization", value));
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            failedAtNanos.put(arbiter, nanoTime.getAsLong());
            throw new ArbiterUnavailableException(
                    "the arbiter " + arbiter + " does not answer ("
                            + e.getClass().getSimpleName() + ")",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ArbiterUnavailableException("interrupted while asking the arbiter " + arbiter, e);
        }
        failedAtNanos.remove(arbiter);
        if (response.body().length > answerLimit) {
            throw invalid(arbiter, "an answer of " + response.body().length + " bytes");
        }
        JsonNode json;
        try {
            json = JSON.readTree(response.body());
        } catch (JacksonException e) {
            throw invalid(arbiter, "an answer that is not JSON (HTTP " + response.statusCode() + ")");
        }
        if (response.statusCode() == 404) {
            throw new ArbiterUnavailableException(
                    "the arbiter " + arbiter + " does not arbitrate claims (an older version?)", null, true);
        }
        if (response.statusCode() != 200 || json == null || !json.isObject()) {
            JsonNode error = json == null ? null : json.get("error");
            throw new ArbiterUnavailableException(
                    "the arbiter " + arbiter + " refused (HTTP " + response.statusCode() + "): "
                            + (error != null && error.isString()
                                    ? ShareText.printable(error.stringValue(), 200)
                                    : "no reason given"),
                    null);
        }
        return json;
    }

    private static ArbiterUnavailableException invalid(String arbiter, String what) {
        return new ArbiterUnavailableException("the arbiter " + arbiter + " answered " + what, null);
    }
}
