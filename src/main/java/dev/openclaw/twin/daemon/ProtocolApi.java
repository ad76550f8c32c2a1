package dev.openclaw.twin.daemon;

import dev.openclaw.twin.protocol.ClaimCoordinator;
import dev.openclaw.twin.protocol.DecideRequest;
import dev.openclaw.twin.protocol.LocalMessageId;
import dev.openclaw.twin.protocol.RequestTime;
import java.util.Map;

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
        LocalMessageId id = new LocalMessageId(
                body.required("channel"), body.optional("conversationId").orElse(""), body.required("messageId"));
        return Map.of(
                "send",
                claims.confirm(id, RequestTime.parse(body.optional("timestamp").orElse(null))));
    }

    Object duty(RequestBody body) {
        return claims.duty(body.required("job"), body.required("slot"));
    }
}
