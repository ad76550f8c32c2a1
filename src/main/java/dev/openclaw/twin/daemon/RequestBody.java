package dev.openclaw.twin.daemon;

import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * A JSON request body with field access that fails as a 400 naming the field, so a client's
 * mistake is answered precisely and never with a stack trace.
 */
final class RequestBody {

    /** A request the daemon will not act on; {@code status} is the HTTP status to answer with. */
    static final class BadRequest extends RuntimeException {
        private final int status;

        BadRequest(int status, String message) {
            super(message);
            this.status = status;
        }

        BadRequest(String message) {
            this(400, message);
        }

        int status() {
            return status;
        }
    }

    private final JsonNode json;

    RequestBody(JsonNode json) {
        if (json == null || !json.isObject()) {
            throw new BadRequest("the body must be a JSON object");
        }
        this.json = json;
    }

    /** A field as JSON, for bodies that carry records ({@code /v1/claims/*}); null when missing. */
    JsonNode node(String field) {
        return json.get(field);
    }

    String required(String field) {
        return optional(field)
                .filter(v -> !v.isBlank())
                .orElseThrow(() -> new BadRequest("missing field '" + field + "'"));
    }

    Optional<String> optional(String field) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isString() && !value.isNumber()) {
            throw new BadRequest("field '" + field + "' must be a string");
        }
        return Optional.of(value.asString());
    }

    /** A JSON boolean field, if present. */
    Optional<Boolean> flag(String field) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isBoolean()) {
            throw new BadRequest("field '" + field + "' must be true or false");
        }
        return Optional.of(value.asBoolean());
    }
}
