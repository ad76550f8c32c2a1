package dev.openclaw.twin.state;

import dev.openclaw.twin.coordination.Overrides;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The flock's shared state. Small on purpose: a file directory implements it today, etcd later,
 * and the same conformance tests run against both. Reads report missing or corrupt entries instead
 * of failing; a store that cannot be reached at all throws {@link StoreUnavailableException}.
 *
 * <p>Time comes out of a store only as ages ("this changed so long ago"), never as a clock to read:
 * a file server stamps modification times, a consensus store knows when it last revised a key or
 * how long a lease has left, and neither shares a clock with the twins. Incarnations travel in the
 * records ({@link Claim#incarnation()}, {@link Heartbeat#incarnation()}); retention is an age too
 * ({@link #pruneOlderThan}). A store that can watch its keys calls the listeners of {@link
 * #onChange} when they change, so a takeover need not wait for the next tick.
 */
public interface StateStore {

    /** Publishes this twin's heartbeat (single writer per twin). */
    void writeHeartbeat(Heartbeat heartbeat) throws StoreUnavailableException;

    /** Every twin's heartbeat by name, including unreadable ones as {@link StoreRead.Corrupt}. */
    Map<String, StoreRead<Heartbeat>> readHeartbeats() throws StoreUnavailableException;

    /**
     * How long ago the store saw each twin's heartbeat change, by the store's own time (a file
     * server's modification stamp against its stamp on a probe; a consensus store's revision time):
     * no twin's clock is involved. A twin whose heartbeat is missing is absent; so is one whose age
     * the store cannot tell.
     */
    Map<String, Duration> heartbeatAges() throws StoreUnavailableException;

    StoreRead<PrimaryState> readPrimaryState() throws StoreUnavailableException;

    void writePrimaryState(PrimaryState state) throws StoreUnavailableException;

    StoreRead<Overrides> readOverrides() throws StoreUnavailableException;

    void writeOverrides(Overrides overrides) throws StoreUnavailableException;

    /**
     * Records that a person rescued {@code twin} ({@code twin rescue}) at {@code at}: after an
     * escalation, automatic rescue starts over from then.
     */
    void recordManualRescue(String twin, Instant at) throws StoreUnavailableException;

    /** When a person last rescued {@code twin}, if ever. */
    Optional<Instant> lastManualRescue(String twin) throws StoreUnavailableException;

    /** Appends one event to {@code twin}'s audit trail (one writer per trail). */
    void appendEvent(String twin, Instant at, String kind, Map<String, Object> details)
            throws StoreUnavailableException;

    // ---- claims: the only operations that must be atomic across twins ----------------------------

    /**
     * Creates generation {@code claim.generation()} of {@code claim.key()} if it does not exist yet,
     * atomically across every twin.
     *
     * @return true if this call created it (the caller holds the claim), false if it existed
     */
    boolean createClaim(Claim claim) throws StoreUnavailableException;

    /** The newest generation of {@code key} and how it stands. */
    ClaimState readClaim(String key) throws StoreUnavailableException;

    /**
     * Ends generation {@code generation} of {@code key} with {@code end} unless it has ended already,
     * atomically across every twin: confirm ("sent") and revoke race here and exactly one wins.
     *
     * @return the end that stands: {@code end} if this call wrote it, else the earlier one
     */
    ClaimEnd endClaim(String key, int generation, ClaimEnd end) throws StoreUnavailableException;

    /**
     * How long ago generation 1 of {@code key} was stored, by the store's own time; empty if the key
     * is unclaimed (or pruned).
     */
    Optional<Duration> claimAge(String key) throws StoreUnavailableException;

    /**
     * Deletes every claim whose newest generation or end was written more than {@code retention}
     * ago, by the store's own time; returns how many keys went. Pruning a content key ({@code
     * <base>#<n>}) first raises the base's repeat mark to {@code n + 1}, so a twin that counts the
     * base afresh (restarted, or its count forgotten) starts past every occurrence whose claim is
     * gone (see {@link #repeatsPrunedBelow}).
     */
    int pruneOlderThan(Duration retention) throws StoreUnavailableException;

    /**
     * The repeat mark of a content base: every occurrence below it was claimed long ago and its
     * claim pruned, so the next message with this content is this occurrence or a later one. 0 if
     * none was pruned (or the mark cannot be read: the claims still in the store are the fallback).
     */
    int repeatsPrunedBelow(String base) throws StoreUnavailableException;

    /**
     * A cheap look (no write, no round trip where avoidable) whether the store is there at all now,
     * e.g. its directory still mounted; false means it is certainly not reachable.
     */
    default boolean looksReachable() {
        return true;
    }

    /**
     * Registers {@code listener} to be called (on a thread of the store's, briefly: it should only
     * wake a loop) whenever a claim or heartbeat may have changed. A hint, never the only way news
     * arrives: callers still look on their own schedule. Stores that cannot watch (a file
     * directory) never call it.
     */
    default void onChange(Runnable listener) {}

    /** Where the store lives, for messages. */
    String describe();
}
