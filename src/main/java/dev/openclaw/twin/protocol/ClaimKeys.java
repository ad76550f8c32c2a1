package dev.openclaw.twin.protocol;

import dev.openclaw.twin.coordination.Message;
import dev.openclaw.twin.files.Sha256;
import java.util.Locale;
import java.util.Set;

/**
 * How every twin names the same message the same way (DESIGN §4). Channels whose message ids are
 * global use {@code channel:conversation:messageId}. On others (IRC gives each twin's connection its
 * own ids) the key is derived from content: channel, conversation, sender and text give a base, and
 * the base's occurrence number (the first "hi" from bob is #0, the second #1) tells repeats apart.
 */
public final class ClaimKeys {

    /** Channels whose message ids are the same for every twin. */
    public static final Set<String> GLOBAL_ID_CHANNELS = Set.of(
            "discord", "telegram", "slack", "whatsapp", "signal", "matrix", "msteams", "googlechat", "mattermost");

    private ClaimKeys() {}

    public static boolean hasGlobalIds(Message message) {
        return GLOBAL_ID_CHANNELS.contains(message.channel().toLowerCase(Locale.ROOT))
                && !message.messageId().isBlank();
    }

    public static String globalKey(Message message) {
        return message.channel() + ":" + message.conversationId() + ":" + message.messageId();
    }

    /** What identical repeats of a message share; the occurrence number is appended to it. */
    public static String contentBase(Message message) {
        String joined = String.join(
                "\u0000",
                message.channel(),
                message.conversationId(),
                message.senderId(),
                message.text().strip());
        return "content:" + message.channel() + ":" + message.conversationId() + ":" + sha256(joined);
    }

    public static String contentKey(String base, int occurrence) {
        return base + "#" + occurrence;
    }

    public static String dutyKey(String job, String slot) {
        return "duty:" + job + ":" + slot;
    }

    private static String sha256(String text) {
        return Sha256.hex(text);
    }
}
