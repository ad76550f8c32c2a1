package dev.openclaw.twin.state;

import dev.openclaw.twin.coordination.Overrides;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The flock's shared state. Small on purpose: a file directory implements it today, etcd later,
 * and the same conformance tests run against both. Reads report missing or corrupt entries instead
 * of failing; a store that cannot be reached at all throws {@link StoreUnavailableException}.
 */
public interface StateStore {

    /** Publishes this twin's heartbeat (single writer per twin). */
    void writeHeartbeat(Heartbeat heartbeat) throws StoreUnavailableException;

    /** Every twin's heartbeat by name, including unreadable ones as {@link StoreRead.Corrupt}. */
    Map<String, StoreRead<Heartbeat>> readHeartbeats() throws StoreUnavailableException;

    /**
     * When the store last saw each twin's heartbeat change, on the store's own clock (e.g. a file
     * server's modification time), or empty when the store keeps no such time.
     */
    Optional<Instant> heartbeatChangedAt(String twin) throws StoreUnavailableException;

    /** Now on the store's clock, comparable with {@link #heartbeatChangedAt}; empty if unknown. */
    Optional<Instant> storeNow() throws StoreUnavailableException;

    StoreRead<PrimaryState> readPrimaryState() throws StoreUnavailableException;

    void writePrimaryState(PrimaryState state) throws StoreUnavailableException;

    StoreRead<Overrides> readOverrides() throws StoreUnavailableException;

    void writeOverrides(Overrides overrides) throws StoreUnavailableException;

    /** Appends one event to {@code twin}'s audit trail (one writer per trail). */
    void appendEvent(String twin, Instant at, String kind, Map<String, Object> details)
            throws StoreUnavailableException;

    /** Where the store lives, for messages. */
    String describe();
}
