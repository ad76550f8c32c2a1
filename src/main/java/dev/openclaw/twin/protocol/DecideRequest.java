package dev.openclaw.twin.protocol;

import dev.openclaw.twin.coordination.Message;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code POST /v1/decide}'s body (DESIGN §6): one inbound message as this twin's gateway saw it.
 * {@code messageId} is the gateway's own id, which on some channels (IRC) differs between twins.
 *
 * @param sessionKey the OpenClaw session to run a takeover turn in (optional)
 * @param replyTo where a takeover's reply goes (optional; default the conversation)
 */
public record DecideRequest(
        String channel,
        String conversationId,
        String messageId,
        String senderId,
        String text,
        String timestamp,
        String sessionKey,
        String replyTo) {

    public Message message() {
        return new Message(channel, conversationId, messageId, senderId, text);
    }

    /** When the gateway received it ({@code timestamp}: epoch milliseconds or ISO-8601), if given. */
    public Optional<Instant> receivedAt() {
        return RequestTime.parse(timestamp);
    }

    /** This twin's own identity of the message: what confirm names it by. */
    public LocalMessageId localId() {
        return new LocalMessageId(channel, conversationId, messageId);
    }
}
