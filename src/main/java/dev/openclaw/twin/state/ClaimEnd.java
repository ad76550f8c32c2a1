package dev.openclaw.twin.state;

import java.time.Instant;

/**
 * How one generation of a claim ended: its holder sent the reply, or another twin revoked it from a
 * holder that went down. Written once, by whoever is first: confirm and revoke race on it.
 */
public record ClaimEnd(String kind, String twin, Instant at) {

    public static final String SENT = "sent";
    public static final String REVOKED = "revoked";

    public boolean sent() {
        return SENT.equals(kind);
    }
}
