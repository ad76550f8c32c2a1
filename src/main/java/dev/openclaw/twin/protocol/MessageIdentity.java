package dev.openclaw.twin.protocol;

import dev.openclaw.twin.coordination.Message;

/**
 * What every twin calls one message without the store: its global key on channels with global ids,
 * else its content base (each twin's gateway has its own ids there, and the occurrence number of a
 * repeat needs the store to be counted).
 *
 * @param global whether {@code value} is a global key (it names exactly one message)
 */
public record MessageIdentity(String value, boolean global) {

    public MessageIdentity {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("a message identity must not be blank");
        }
    }

    public static MessageIdentity of(Message message) {
        return ClaimKeys.hasGlobalIds(message)
                ? new MessageIdentity(ClaimKeys.globalKey(message), true)
                : new MessageIdentity(ClaimKeys.contentBase(message), false);
    }
}
