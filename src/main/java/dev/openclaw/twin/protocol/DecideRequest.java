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

    /**
     * What a decided message that is not watched needs to keep: its identity and session (confirm
     * finds it by them). The text, the sender and the reply target go, so a ledger of thousands of
     * decided messages stays small.
     */
    public DecideRequest forConfirm() {
        return new DecideRequest(channel, conversationId, messageId, "", "", null, sessionKey, null);
    }

    /** The characters this request holds, for estimating its memory. */
    public long retainedChars() {
        return length(channel)
                + length(conversationId)
                + length(messageId)
                + length(senderId)
                + length(text)
                + length(timestamp)
                + length(sessionKey)
                + length(replyTo);
    }

    private static long length(String s) {
        return s == null ? 0 : s.length();
    }

    /** This twin's own identity of the message: what confirm names it by. */
    public LocalMessageId localId() {
        return new LocalMessageId(channel, conversationId, messageId);
    }
}
