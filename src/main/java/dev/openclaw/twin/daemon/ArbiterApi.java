package dev.openclaw.twin.daemon;

import dev.openclaw.twin.arbiter.ArbitratedStore;
import dev.openclaw.twin.state.ArbiterUnavailableException;
import dev.openclaw.twin.state.Claim;
import dev.openclaw.twin.state.ClaimEnd;
import dev.openclaw.twin.state.ClaimWire;
import dev.openclaw.twin.state.StoreUnavailableException;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /v1/claims/create|read|end|time} (DESIGN §6, additive): a cloud folder's arbiter creates,
 * reads and ends claims for the twins that ask it. Bodies are read like claim files on the share
 * ({@link ClaimWire}); a twin that does not arbitrate now (or cannot reach its copy of the folder)
 * answers {@code 503} with why and whom it takes for the arbiter, which the asking twin treats as
 * "no arbiter now".
 */
final class ArbiterApi {

    /** Claim keys are a channel's ids or a hash-length content key: far below this. */
    static final int KEY_LIMIT = 4096;

    private final ArbitratedStore store;

    ArbiterApi(ArbitratedStore store) {
        this.store = store;
    }

    Object create(RequestBody body) {
        Claim claim = parse(() -> ClaimWire.claim(body.node("claim")));
        checkKey(claim.key());
        try {
            return Map.of("created", store.serveCreate(claim));
        } catch (StoreUnavailableException e) {
            throw refused(e);
        }
    }

    Object read(RequestBody body) {
        String key = body.required("key");
        checkKey(key);
        try {
            ArbitratedStore.Read read = store.serveRead(key);
            Map<String, Object> answer = new LinkedHashMap<>(ClaimWire.state(read.state()));
            read.storedAge().ifPresent(age -> answer.put("storedAgeMillis", age.toMillis()));
            return answer;
        } catch (StoreUnavailableException e) {
            throw refused(e);
        }
    }

    /** At most this many keys in one {@code /v1/claims/read-many}. */
    static final int READ_MANY_LIMIT = 200;

    /**
     * {@code POST /v1/claims/read-many {keys}} → {@code {claims: [{key, state, ...}]}}: the takeover
     * watcher of a twin that does not arbitrate looks at every message it watches each tick, in one
     * round trip rather than one each.
     */
    Object readMany(RequestBody body) {
        JsonNode keys = body.node("keys");
        if (keys == null || !keys.isArray() || keys.size() > READ_MANY_LIMIT) {
            throw new RequestBody.BadRequest("field 'keys' must be a list of at most " + READ_MANY_LIMIT + " keys");
        }
        java.util.List<String> asked = new java.util.ArrayList<>();
        for (JsonNode key : keys) {
            if (!key.isString() || key.stringValue().isBlank()) {
                throw new RequestBody.BadRequest("field 'keys' must hold strings");
            }
            checkKey(key.stringValue());
            asked.add(key.stringValue());
        }
        java.util.List<Object> claims = new java.util.ArrayList<>();
        try {
            for (Map.Entry<String, dev.openclaw.twin.state.ClaimState> read :
                    store.serveReadMany(asked).entrySet()) {
                Map<String, Object> claim = new LinkedHashMap<>();
                claim.put("key", read.getKey());
                claim.putAll(ClaimWire.state(read.getValue()));
                claims.add(claim);
            }
        } catch (StoreUnavailableException e) {
            throw refused(e);
        }
        return Map.of("claims", claims);
    }

    /** {@code POST /v1/claims/time}: the arbiter's clock, on which the folder lock's slots are counted. */
    Object time(RequestBody body) {
        try {
            return Map.of("nowMillis", store.serveNow().toEpochMilli());
        } catch (StoreUnavailableException e) {
            throw refused(e);
        }
    }

    Object end(RequestBody body) {
        String key = body.required("key");
        checkKey(key);
        JsonNode generation = body.node("generation");
        if (generation == null
                || !generation.isIntegralNumber()
                || !generation.canConvertToInt()
                || generation.intValue() < 1) {
            throw new RequestBody.BadRequest("field 'generation' must be a whole number ≥ 1");
        }
        ClaimEnd end = parse(() -> ClaimWire.end(body.node("end")));
        try {
            return Map.of("end", ClaimWire.end(store.serveEnd(key, generation.intValue(), end)));
        } catch (StoreUnavailableException e) {
            throw refused(e);
        }
    }

    private static void checkKey(String key) {
        if (key.length() > KEY_LIMIT) {
            throw new RequestBody.BadRequest(
                    "claim key too long (" + key.length() + " characters, limit " + KEY_LIMIT + ")");
        }
    }

    private static RequestBody.BadRequest refused(StoreUnavailableException e) {
        String why = e instanceof ArbiterUnavailableException ? e.getMessage() : "cannot reach its copy of the folder";
        return new RequestBody.BadRequest(503, "not arbitrating: " + why);
    }

    @FunctionalInterface
    private interface Parse<T> {
        T get() throws ClaimWire.Invalid;
    }

    private static <T> T parse(Parse<T> parse) {
        try {
            return parse.get();
        } catch (ClaimWire.Invalid e) {
            throw new RequestBody.BadRequest(e.getMessage());
        }
    }
}
