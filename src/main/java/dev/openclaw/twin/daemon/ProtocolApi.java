package dev.openclaw.twin.daemon;

import dev.openclaw.twin.protocol.ClaimCoordinator;
import dev.openclaw.twin.protocol.DecideRequest;
import dev.openclaw.twin.protocol.LocalMessageId;
import dev.openclaw.twin.protocol.RequestTime;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** The JSON side of {@code /v1/decide}, {@code /v1/confirm} and {@code /v1/duty} (DESIGN §6). */
final class ProtocolApi {

    private final ClaimCoordinator claims;

    ProtocolApi(ClaimCoordinator claims) {
        this.claims = claims;
    }

    Object decide(RequestBody body) {
        DecideRequest request = new DecideRequest(
                body.required("channel"),
                body.optional("conversationId").orElse(""),
                body.required("messageId"),
                body.required("senderId"),
                body.optional("text").orElse(""),
                body.optional("timestamp").orElse(null),
                body.optional("sessionKey").orElse(null),
                body.optional("replyTo").orElse(null));
        return claims.decide(request);
    }

    Object confirm(RequestBody body) {
        Optional<Instant> askedAt = RequestTime.parse(body.optional("timestamp").orElse(null));
        Optional<String> messageId = body.optional("messageId").filter(id -> !id.isBlank());
        if (messageId.isEmpty()) {
            // A takeover turn: the gateway knows its session, not the message.
            String session = body.optional("sessionKey")
                    .filter(k -> !k.isBlank())
                    .orElseThrow(() -> new RequestBody.BadRequest("missing field 'messageId' (or 'sessionKey')"));
            return Map.of("send", claims.confirmSession(session, askedAt));
        }
        LocalMessageId id = new LocalMessageId(
                body.required("channel"), body.optional("conversationId").orElse(""), messageId.get());
        return Map.of("send", claims.confirm(id, askedAt));
    }

    Object duty(RequestBody body) {
        return claims.duty(body.required("job"), body.required("slot"));
    }
}
