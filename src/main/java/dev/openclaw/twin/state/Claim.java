package dev.openclaw.twin.state;

import java.time.Instant;

/**
 * One generation of a claim on a message (or a duty): the twin that holds it. Generation 1 is the
 * first claim; a claim revoked from a holder that went down is followed by generation 2, and so on.
 *
 * @param key what is claimed: {@code channel:conversation:messageId}, a content key, or {@code duty:job:slot}
 */
public record Claim(String key, String twin, String reason, Instant claimedAt, int generation) {}
