package dev.openclaw.twin.arbiter;

import dev.openclaw.twin.coordination.Overrides;
import dev.openclaw.twin.state.ArbiterUnavailableException;
import dev.openclaw.twin.state.Claim;
import dev.openclaw.twin.state.ClaimEnd;
import dev.openclaw.twin.state.ClaimState;
import dev.openclaw.twin.state.Heartbeat;
import dev.openclaw.twin.state.PrimaryState;
import dev.openclaw.twin.state.StateStore;
import dev.openclaw.twin.state.StoreRead;
import dev.openclaw.twin.state.StoreUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The store of a twin on a cloud-synced folder: everything but claims is this twin's own copy of
 * the folder (heartbeats, {@code twin-primary.json}, overrides, events, backups, sync, each with one
 * writer per file, which such a folder syncs safely), while claims go to the arbiter ({@link
 * ArbiterRole}). The arbiter runs them on its own copy through the ordinary file store, where an
 * exclusive create is atomic (one machine), so its claims survive its restart and reach the other
 * copies by the folder's sync, for whoever arbitrates next. Every other twin asks the arbiter's
 * daemon ({@link ArbiterClient}) and never writes a claim file, so the sync never meets two writers
 * of one claim file. No arbiter to be had: {@link ArbiterUnavailableException}.
 */
public final class ArbitratedStore implements StateStore {

    private final StateStore local;
    private final ArbiterRole role;
    private final ArbiterClient client;
    /** This twin's wall clock: its copy's files are stamped by it, so on the arbiter it is the claims' clock. */
    private final Clock clock;

    private final LongSupplier nanoTime;

    public ArbitratedStore(
            StateStore local, ArbiterRole role, ArbiterClient client, Clock clock, LongSupplier nanoTime) {
        this.local = local;
        this.role = role;
        this.client = client;
        this.clock = clock;
        this.nanoTime = nanoTime;
    }

    // ---- claims: the arbiter's ------------------------------------------------------------------

    @Override
    public boolean createClaim(Claim claim) throws StoreUnavailableException {
        requireLocal();
        String arbiter = role.arbiter();
        if (arbiter.equals(role.self())) {
            return serveCreate(claim);
        }
        try {
            return client.create(arbiter, claim);
        } finally {
            recentReads.remove(claim.key());
        }
    }

    /**
     * A claim's state by the arbiter. The takeover watcher reads every watched message's claim every
     * tick, and at chat rates (50 messages a second, each watched by the standbys until it is sent,
     * a thousand at once behind a primary that died) one round trip each made a tick last seconds:
     * takeovers came minutes late, the watch budget filled up and messages went unanswered. So a
     * non-arbiter asks for the claims it looked at lately in one round trip ({@code read-many})
     * whenever one it is asked for is older than {@link #READ_FRESH}, and answers from those reads
     * meanwhile. A read is only a hint: whatever this twin does on it goes through a create or an
     * end, which the arbiter decides atomically on its copy (a stale "unclaimed" or "revoked" makes
     * a create that fails; a stale "held" delays a takeover by that much). This twin's own create or
     * end of a key forgets its read.
     */
    @Override
    public ClaimState readClaim(String key) throws StoreUnavailableException {
        requireLocal();
        String arbiter = role.arbiter();
        if (arbiter.equals(role.self())) {
            return serveRead(key).state();
        }
        long now = nanoTime.getAsLong();
        RecentRead recent = recentReads.get(key);
        if (recent != null && recent.arbiter().equals(arbiter) && now - recent.readAtNanos() < READ_FRESH.toNanos()) {
            recent.askedAtNanos = now;
            return recent.state();
        }
        List<String> batch = new ArrayList<>();
        batch.add(key);
        int chars = key.length();
        // A key read before is the watcher's (a decide reads a key first): only its reads carry the
        // others along, so that a decide's round trip stays one claim long.
        for (Map.Entry<String, RecentRead> other :
                recent == null ? Map.<String, RecentRead>of().entrySet() : recentReads.entrySet()) {
            RecentRead r = other.getValue();
            if (batch.size() >= BATCH || chars >= BATCH_CHARS) {
                break;
            }
            // Asked for lately and not final: the watcher will ask again within a tick or two.
            if (!other.getKey().equals(key)
                    && now - r.askedAtNanos < ASKED_LATELY.toNanos()
                    && now - r.readAtNanos() >= READ_FRESH.toNanos() / 2
                    && !(r.state() instanceof ClaimState.Sent)) {
                batch.add(other.getKey());
                chars += other.getKey().length();
            }
        }
        Map<String, ClaimState> states = batch.size() == 1 ? readOne(arbiter, key) : readMany(arbiter, batch, key);
        ClaimState state = states.get(key);
        if (state == null) {
            state = client.read(arbiter, key).state();
        }
        if (recentReads.size() >= RECENT_READS) {
            // Bounded: a flood of keys costs round trips, not memory.
            recentReads.values().removeIf(r -> now - r.askedAtNanos >= ASKED_LATELY.toNanos());
            if (recentReads.size() >= RECENT_READS) {
                recentReads.clear();
            }
        }
        for (Map.Entry<String, ClaimState> read : states.entrySet()) {
            RecentRead previous = recentReads.get(read.getKey());
            RecentRead fresh = new RecentRead(arbiter, read.getValue(), now);
            fresh.askedAtNanos = previous == null || read.getKey().equals(key) ? now : previous.askedAtNanos;
            recentReads.put(read.getKey(), fresh);
        }
        if (!states.containsKey(key)) {
            RecentRead fresh = new RecentRead(arbiter, state, now);
            fresh.askedAtNanos = now;
            recentReads.put(key, fresh);
        }
        return state;
    }

    /** How long a non-arbiter's read of a claim stands in for another: a few takeover ticks. */
    static final Duration READ_FRESH = Duration.ofMillis(400);

    /** A claim read is refreshed with the others while it was asked for within this. */
    static final Duration ASKED_LATELY = Duration.ofSeconds(3);

    private Map<String, ClaimState> readOne(String arbiter, String key) throws StoreUnavailableException {
        return Map.of(key, client.read(arbiter, key).state());
    }

    /**
     * An arbiter of an older version has no read-many (404): the one claim asked for is read alone,
     * and alone for the next {@link #OLDER_VERSION_KEPT} (a failed read-many and a read each time
     * would double its load during an upgrade; once upgraded, it is asked again).
     */
    private Map<String, ClaimState> readMany(String arbiter, List<String> batch, String key)
            throws StoreUnavailableException {
        OlderArbiter older = withoutReadMany;
        if (older != null
                && older.twin().equals(arbiter)
                && nanoTime.getAsLong() - older.foundNanos() < OLDER_VERSION_KEPT.toNanos()) {
            return readOne(arbiter, key);
        }
        try {
            return client.readMany(arbiter, batch);
        } catch (ArbiterUnavailableException e) {
            if (!e.olderVersion()) {
                throw e;
            }
            withoutReadMany = new OlderArbiter(arbiter, nanoTime.getAsLong());
            return readOne(arbiter, key);
        }
    }

    private static final Duration OLDER_VERSION_KEPT = Duration.ofMinutes(5);

    private record OlderArbiter(String twin, long foundNanos) {}

    /** The arbiter last found without read-many (an older version), if any. */
    private volatile OlderArbiter withoutReadMany;

    /** At most this many claims per read-many (the arbiter's limit), of at most this many key characters in all. */
    static final int BATCH = 100;

    static final int BATCH_CHARS = 32 * 1024;

    /** At most this many reads kept. */
    static final int RECENT_READS = 10_000;

    /** A read of a claim, and when it was last asked for (by this twin's watcher or decide). */
    private static final class RecentRead {
        private final String arbiter;
        private final ClaimState state;
        private final long readAtNanos;
        volatile long askedAtNanos;

        RecentRead(String arbiter, ClaimState state, long readAtNanos) {
            this.arbiter = arbiter;
            this.state = state;
            this.readAtNanos = readAtNanos;
        }

        String arbiter() {
            return arbiter;
        }

        ClaimState state() {
            return state;
        }

        long readAtNanos() {
            return readAtNanos;
        }
    }

    private final Map<String, RecentRead> recentReads = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public ClaimEnd endClaim(String key, int generation, ClaimEnd end) throws StoreUnavailableException {
        requireLocal();
        String arbiter = role.arbiter();
        if (arbiter.equals(role.self())) {
            return serveEnd(key, generation, end);
        }
        try {
            return client.end(arbiter, key, generation, end);
        } finally {
            recentReads.remove(key);
        }
    }

    /** From the arbiter's answer: how long ago it stored generation 1, by the arbiter's folder. */
    @Override
    public Optional<Duration> claimAge(String key) throws StoreUnavailableException {
        requireLocal();
        String arbiter = role.arbiter();
        Read read = arbiter.equals(role.self()) ? serveRead(key) : client.read(arbiter, key);
        return read.storedAge();
    }

    /**
     * The arbiter's clock now: what the folder lock's lease slots are counted on ({@code
     * sync.FolderLock}). Each twin's copy is stamped by its own machine's clock, so slots counted on
     * it differ between twins whose clocks differ, and two twins could each take the lock in a slot
     * of its own; every twin asking one arbiter counts the arbiter's. When the arbiter changes, its
     * successor's clock counts (the lock also looks at the slot before; a successor more than a slot
     * behind could miss a lock taken just before the change: NTP keeps clocks far closer).
     */
    public Optional<Instant> arbiterNow() throws StoreUnavailableException {
        requireLocal();
        String arbiter = role.arbiter();
        return Optional.of(arbiter.equals(role.self()) ? serveNow() : client.now(arbiter));
    }

    /**
     * Only the arbiter prunes (claim files have one writer); the sync carries the deletions. Not
     * under the arbiter's lock: a prune lists every claim and rewrites repeat marks, and the peers'
     * creates and ends (300 ms timeouts) would wait for it; it deletes only claims older than the
     * retention, which no create or end touches, as on a shared directory where twins prune beside
     * each other's creates.
     */
    @Override
    public int pruneOlderThan(Duration retention) throws StoreUnavailableException {
        if (!role.arbiter().equals(role.self()) || !role.serving()) {
            return 0;
        }
        return local.pruneOlderThan(retention);
    }

    /** The marks are written by the arbiter's pruning and synced: this copy's are the arbiter's of a moment ago. */
    @Override
    public int repeatsPrunedBelow(String base) throws StoreUnavailableException {
        return local.repeatsPrunedBelow(base);
    }

    // ---- the arbiter's side: what the other twins' requests run ----------------------------------

    /** A claim state as the arbiter read it, and how long ago it stored generation 1 (empty: never). */
    public record Read(ClaimState state, Optional<Duration> storedAge) {}

    /**
     * Creates {@code claim} on this twin's copy if this twin arbitrates. Idempotent for its
     * creator: asked again for a claim it already holds (a retry whose first answer was lost), it
     * says created, so the holder never holds a claim without knowing.
     */
    public synchronized boolean serveCreate(Claim claim) throws StoreUnavailableException {
        requireServing();
        if (local.createClaim(claim)) {
            return true;
        }
        return switch (local.readClaim(claim.key())) {
            case ClaimState.Held h -> sameClaim(h.claim(), claim);
            case ClaimState.Sent s -> sameClaim(s.claim(), claim);
            case ClaimState.Revoked r -> sameClaim(r.claim(), claim);
            default -> false;
        };
    }

    /** The states of {@code keys} if this twin arbitrates, without their ages: a peer's watcher's read-many. */
    public synchronized Map<String, ClaimState> serveReadMany(List<String> keys) throws StoreUnavailableException {
        requireServing();
        Map<String, ClaimState> states = new java.util.LinkedHashMap<>();
        for (String key : keys) {
            states.put(key, local.readClaim(key));
        }
        return states;
    }

    public synchronized Read serveRead(String key) throws StoreUnavailableException {
        requireServing();
        ClaimState state = local.readClaim(key);
        Optional<Duration> age = state instanceof ClaimState.Unclaimed ? Optional.empty() : local.claimAge(key);
        return new Read(state, age);
    }

    /** This twin's clock, if it arbitrates: the lock slots' clock for every twin that asks it. */
    public Instant serveNow() throws StoreUnavailableException {
        requireServing();
        return clock.instant();
    }

    public synchronized ClaimEnd serveEnd(String key, int generation, ClaimEnd end) throws StoreUnavailableException {
        requireServing();
        return local.endClaim(key, generation, end);
    }

    private static boolean sameClaim(Claim stored, Claim asked) {
        return stored.generation() == asked.generation()
                && stored.twin().equals(asked.twin())
                && stored.incarnation() != null
                && stored.incarnation().equals(asked.incarnation());
    }

    private void requireServing() throws StoreUnavailableException {
        requireLocal();
        Optional<String> why = role.whyNotServing();
        if (why.isPresent()) {
            throw new ArbiterUnavailableException(why.get(), null);
        }
    }

    /** This twin's own copy of the folder gone is a lost store (it steps down), not a missing arbiter. */
    private void requireLocal() throws StoreUnavailableException {
        if (!local.looksReachable()) {
            throw new StoreUnavailableException(local.describe() + " is missing (is the cloud folder there?)", null);
        }
    }

    // ---- everything else: this twin's copy of the folder ------------------------------------------

    @Override
    public void writeHeartbeat(Heartbeat heartbeat) throws StoreUnavailableException {
        local.writeHeartbeat(heartbeat);
    }

    @Override
    public Map<String, StoreRead<Heartbeat>> readHeartbeats() throws StoreUnavailableException {
        return local.readHeartbeats();
    }

    @Override
    public Map<String, Duration> heartbeatAges() throws StoreUnavailableException {
        return local.heartbeatAges();
    }

    @Override
    public StoreRead<PrimaryState> readPrimaryState() throws StoreUnavailableException {
        return local.readPrimaryState();
    }

    @Override
    public void writePrimaryState(PrimaryState state) throws StoreUnavailableException {
        local.writePrimaryState(state);
    }

    @Override
    public StoreRead<Overrides> readOverrides() throws StoreUnavailableException {
        return local.readOverrides();
    }

    @Override
    public void writeOverrides(Overrides overrides) throws StoreUnavailableException {
        local.writeOverrides(overrides);
    }

    @Override
    public void recordManualRescue(String twin, Instant at) throws StoreUnavailableException {
        local.recordManualRescue(twin, at);
    }

    @Override
    public Optional<Instant> lastManualRescue(String twin) throws StoreUnavailableException {
        return local.lastManualRescue(twin);
    }

    @Override
    public void appendEvent(String twin, Instant at, String kind, Map<String, Object> details)
            throws StoreUnavailableException {
        local.appendEvent(twin, at, kind, details);
    }

    @Override
    public boolean looksReachable() {
        return local.looksReachable();
    }

    @Override
    public String describe() {
        return local.describe() + " (cloud folder: claims arbitrated by the acting arbiter's daemon)";
    }
}
