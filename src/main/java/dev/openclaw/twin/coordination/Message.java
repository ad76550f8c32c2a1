package dev.openclaw.twin.coordination;

import java.util.Objects;

/** An inbound chat message as a gateway sees it. */
public record Message(String channel, String conversationId, String messageId, String senderId, String text) {

    public Message {
        Objects.requireNonNull(text, "text");
        channel = Objects.requireNonNullElse(channel, "");
        conversationId = Objects.requireNonNullElse(conversationId, "");
        messageId = Objects.requireNonNullElse(messageId, "");
        senderId = Objects.requireNonNullElse(senderId, "");
    }

    public static Message ofText(String senderId, String text) {
        return new Message("", "", "", senderId, text);
    }
}
