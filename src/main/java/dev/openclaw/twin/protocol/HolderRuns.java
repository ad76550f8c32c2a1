package dev.openclaw.twin.protocol;

import java.time.Instant;

/**
 * What this twin knows of the runs of its peers' daemons (their incarnations, from heartbeats and
 * direct probes): a claim made by a run that has since been replaced by a restart, or that has
 * stopped running (its address refuses connections, its heartbeat still), will never be confirmed,
 * since a new run refuses to confirm a message it never decided.
 */
@FunctionalInterface
public interface HolderRuns {

    /** Knows no runs: no claim is ever judged abandoned by a restart. */
    HolderRuns NONE = (twin, incarnation, claimedAt) -> false;

    /**
     * Whether {@code twin}'s daemon has been seen running as a newer run than {@code incarnation},
     * the run that made a claim at {@code claimedAt} (on {@code twin}'s own clock), or that run has
     * stopped running.
     */
    boolean restartedSince(String twin, String incarnation, Instant claimedAt);
}
