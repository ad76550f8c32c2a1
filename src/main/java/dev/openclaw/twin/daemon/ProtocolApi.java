package dev.openclaw.twin.daemon;

import dev.openclaw.twin.protocol.ClaimCoordinator;
import dev.openclaw.twin.protocol.DecideRequest;
import dev.openclaw.twin.protocol.LocalMessageId;
import dev.openclaw.twin.protocol.MessageIdentity;
import dev.openclaw.twin.protocol.PeerPromises;
import dev.openclaw.twin.protocol.PromiseAnswer;
import dev.openclaw.twin.protocol.RequestTime;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** The JSON side of {@code /v1/decide}, {@code /v1/confirm}, {@code /v1/duty} and {@code /v1/promise} (DESIGN §6). */
final class ProtocolApi {

    private final ClaimCoordinator claims;
    private final String self;

    ProtocolApi(ClaimCoordinator claims, String self) {
        this.claims = claims;
        this.self = self;
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

    /**
     * {@code POST /v1/promise}, from a peer's daemon: leave a message to it while neither reaches
     * the store ({@code reachesStore}: this twin's own view). Everything in it is a peer's word:
     * the asking twin must be one of the flock, the identity bounded, the age within the watch.
     */
    Object promise(RequestBody body, java.util.Set<String> peers, boolean reachesStore) {
        String from = body.required("twin");
        if (!peers.contains(from)) {
            throw new RequestBody.BadRequest("field 'twin' must name another twin of this flock");
        }
        String identity = body.required("identity");
        if (identity.length() > MAX_IDENTITY) {
            throw new RequestBody.BadRequest("field 'identity' longer than " + MAX_IDENTITY + " characters");
        }
        long agoMs;
        try {
            agoMs = Long.parseLong(body.required("decidedAgoMs"));
        } catch (NumberFormatException e) {
            throw new RequestBody.BadRequest("field 'decidedAgoMs' must be a whole number of milliseconds");
        }
        if (agoMs < 0 || agoMs > MAX_DECIDED_AGO.toMillis()) {
            throw new RequestBody.BadRequest("field 'decidedAgoMs' must be 0.." + MAX_DECIDED_AGO.toMillis());
        }
        PeerPromises.Request request = new PeerPromises.Request(
                from,
                new MessageIdentity(identity, body.flag("global").orElse(false)),
                java.time.Duration.ofMillis(agoMs));
        PromiseAnswer answer = claims.promise(request, reachesStore);
        return Map.of("promised", answer.promised(), "twin", self, "reason", answer.reason());
    }

    /** Longer than any claim key or content base this daemon makes. */
    static final int MAX_IDENTITY = 1024;
    /** No message is watched longer. */
    static final java.time.Duration MAX_DECIDED_AGO = java.time.Duration.ofMinutes(10);

    Object duty(RequestBody body) {
        return claims.duty(body.required("job"), body.required("slot"));
    }
}
