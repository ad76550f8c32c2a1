package dev.openclaw.twin.gateway;

import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A twin daemon's {@code /healthz} answer as read by whoever asks (doctor, connect, a peer's
 * daemon): the twin it says it is, and what newer versions add for peers in a store outage.
 * Untrusted: each field counts only with the expected type and value.
 *
 * @param storeReachable {@code store}: {@code ok} (true) or {@code unreachable} (false); empty when
 *     missing or anything else (an older version)
 * @param claimant {@code claimant} as sent, when a string; whether it names a twin of the flock is
 *     the reader's to check
 * @param arbiter {@code arbiter} as sent, when a string: on a cloud folder, the twin it takes for the
 *     arbiter of claims (the reader checks it names a twin)
 * @param arbitratedAgo {@code arbitratedMillisAgo}, when a whole number ≥ 0: how long ago it last
 *     arbitrated claims (or started)
 */
public record HealthzBody(
        String twin,
        Optional<Boolean> storeReachable,
        Optional<String> claimant,
        Optional<String> arbiter,
        Optional<java.time.Duration> arbitratedAgo) {

    public HealthzBody(String twin, Optional<Boolean> storeReachable, Optional<String> claimant) {
        this(twin, storeReachable, claimant, Optional.empty(), Optional.empty());
    }

    private static final JsonMapper JSON = new JsonMapper();

    /** The body, if it is JSON with a string {@code twin}: what a twin daemon's healthz says. */
    public static Optional<HealthzBody> parse(String body) {
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (JacksonException e) {
            return Optional.empty();
        }
        JsonNode twin = json == null ? null : json.get("twin");
        if (twin == null || !twin.isString()) {
            return Optional.empty();
        }
        return Optional.of(new HealthzBody(
                twin.asString(),
                store(json.get("store")),
                string(json.get("claimant")),
                string(json.get("arbiter")),
                millis(json.get("arbitratedMillisAgo"))));
    }

    private static Optional<Boolean> store(JsonNode store) {
        if (store == null || !store.isString()) {
            return Optional.empty();
        }
        return switch (store.asString()) {
            case "ok" -> Optional.of(true);
            case "unreachable" -> Optional.of(false);
            default -> Optional.empty();
        };
    }

    private static Optional<java.time.Duration> millis(JsonNode node) {
        return node != null && node.isIntegralNumber() && node.canConvertToLong() && node.longValue() >= 0
                ? Optional.of(java.time.Duration.ofMillis(node.longValue()))
                : Optional.empty();
    }

    private static Optional<String> string(JsonNode node) {
        return node != null && node.isString() ? Optional.of(node.asString()) : Optional.empty();
    }
}
