package dev.openclaw.twin.protocol;

/**
 * Runs a taken-over message's turn on this twin: the message's gateway must produce the reply (and
 * call {@code /v1/confirm} before sending it). Dispatch happens after the decide has been answered,
 * never inside it.
 */
public interface TakeoverDispatcher {

    /** One takeover to carry out. */
    /**
     * @param resend a second turn of a generation this twin holds whose first turn's reply was
     *     dropped (its confirm's answer was lost): a turn of its own, not a retry of the first
     */
    record Takeover(
            DecideRequest request, String twin, String reason, int generation, String claimKey, boolean resend) {

        public Takeover(DecideRequest request, String twin, String reason, int generation, String claimKey) {
            this(request, twin, reason, generation, claimKey, false);
        }

        /** Retries of one takeover share it; a new generation, or a resend, is a new turn. */
        public String idempotencyKey() {
            return claimKey + "#g" + generation + (resend ? "#resend" : "");
        }
    }

    /**
     * Delivers {@code takeover}, retrying as it sees fit; returns false if it finally could not (the
     * caller then gives the claim up so another twin can take it).
     */
    boolean dispatch(Takeover takeover);

    /** A dispatcher for a flock with none configured: takeovers are logged and given up. */
    TakeoverDispatcher NONE = takeover -> false;
}
