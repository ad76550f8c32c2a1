package dev.openclaw.twin.state;

import java.time.Instant;

/**
 * What a daemon publishes about itself every heartbeat interval. Only its own daemon writes it.
 * Readers judge liveness by {@code seq} changing, timed on their own clock, never by
 * {@code writtenAt} (the writer's clock may be wrong).
 *
 * @param state {@code running}, or {@code stopped} in the last heartbeat of a clean shutdown
 * @param incarnation a random id of this run of the daemon (a restart makes a new one); null in a
 *     heartbeat written by a version before incarnations
 */
public record Heartbeat(
        String twin,
        long seq,
        long pid,
        String host,
        String version,
        Instant startedAt,
        Instant writtenAt,
        String state,
        GatewayHealth gateway,
        String incarnation) {

    /** A heartbeat without an incarnation, as versions before incarnations wrote them. */
    public Heartbeat(
            String twin,
            long seq,
            long pid,
            String host,
            String version,
            Instant startedAt,
            Instant writtenAt,
            String state,
            GatewayHealth gateway) {
        this(twin, seq, pid, host, version, startedAt, writtenAt, state, gateway, null);
    }

    public static final String RUNNING = "running";
    public static final String STOPPED = "stopped";

    public boolean stopped() {
        return STOPPED.equals(state);
    }

    /**
     * The gateway's readiness as the twin's own daemon last saw it.
     *
     * @param problem a misconfiguration its daemon found (a {@code gateway_url} whose {@code /readyz}
     *     keeps failing while the gateway's plugin calls the daemon), for a person; null if none, and
     *     in heartbeats of versions before it
     */
    public record GatewayHealth(boolean ready, Instant checkedAt, String detail, String problem) {

        public GatewayHealth(boolean ready, Instant checkedAt, String detail) {
            this(ready, checkedAt, detail, null);
        }
    }
}
