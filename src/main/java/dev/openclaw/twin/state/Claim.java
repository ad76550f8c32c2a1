package dev.openclaw.twin.state;

import java.time.Instant;

/**
 * One generation of a claim on a message (or a duty): the twin that holds it. Generation 1 is the
 * first claim; a claim revoked from a holder that went down is followed by generation 2, and so on.
 *
 * @param key what is claimed: {@code channel:conversation:messageId}, a content key, or {@code duty:job:slot}
 * @param claimedAt on the holder's clock
 * @param incarnation the run of the holder's daemon that made the claim ({@link Heartbeat#incarnation()}):
 *     once that daemon has restarted, nobody is going to confirm the claim. Null in claims written by a
 *     version before incarnations.
 */
public record Claim(String key, String twin, String reason, Instant claimedAt, int generation, String incarnation) {

    /** A claim without an incarnation, as versions before incarnations wrote them. */
    public Claim(String key, String twin, String reason, Instant claimedAt, int generation) {
        this(key, twin, reason, claimedAt, generation, null);
    }
}
