package dev.openclaw.twin.sync;

import dev.openclaw.twin.state.Claim;
import dev.openclaw.twin.state.ClaimEnd;
import dev.openclaw.twin.state.ClaimState;
import dev.openclaw.twin.state.FileStateStore;
import dev.openclaw.twin.state.StateStore;
import dev.openclaw.twin.state.StoreUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Keeps two twins from syncing one folder at once, with the store's atomic claims (never a lock
 * file: an empty one read as stale, staleness compared two hosts' clocks, and unlock was
 * check-then-delete).
 *
 * <p>The lock is a sequence of generations, each its own claim key {@code sync-lock:<folder>:<slot>:<n>}
 * (its own key so the store ages each one: {@link FileStateStore#claimAge}). Acquiring creates
 * generation n + 1 when generation n has ended, or after ending it when its holder has held it for
 * longer than {@link #LEASE} by the store's age of it. Both the end and the
 * create are exclusive, so of two twins that race, one gets the lock. Releasing ends one's own
 * generation. Generations are grouped in slots of the share's clock (one {@link #LEASE} long; a file
 * share's clock, read by a probe: syncing folders is a file share's feature, and a lock on a
 * consensus store would be a lease of its own) so
 * that finding the newest reads a few claims, not the folder's whole history, and old slots are
 * pruned with the other claims; a lock taken in the previous slot is looked at too, and a twin
 * whose create lands after its slot ended gives the lock back (so a twin never holds a lock in a
 * slot others have stopped looking at while it is within its lease).
 */
final class FolderLock {

    /** A generation held longer than this (on the store's clock) belongs to a sync that died. */
    static final Duration LEASE = Duration.ofMinutes(10);

    /** More generations than this in one slot: the store is not what we think; refuse. */
    private static final int MAX_PER_SLOT = 10_000;

    /** How acquiring went. */
    sealed interface Acquired {
        /**
         * This twin holds generation {@code key}; {@code tookOver}: the one before was taken from a
         * holder that died (by this twin or another), not released.
         */
        record Held(String key, boolean tookOver) implements Acquired {}

        /** Another twin holds it: {@code holder} for messages. */
        record Busy(String holder) implements Acquired {}
    }

    /** The file share's clock now (empty if it cannot tell): what lease slots are counted on. */
    @FunctionalInterface
    interface ShareTime {
        java.util.Optional<Instant> now() throws StoreUnavailableException;
    }

    private final StateStore store;
    private final ShareTime shareTime;
    private final String folder;
    private final String twin;
    private final Clock clock;

    /**
     * @param store where the lock's claims go: the share, or on a cloud folder the daemon's store
     *     (claims arbitrated by one twin)
     */
    FolderLock(StateStore store, ShareTime shareTime, String folder, String twin, Clock clock) {
        this.store = store;
        this.shareTime = shareTime;
        this.folder = folder;
        this.twin = twin;
        this.clock = clock;
    }

    Acquired acquire() throws StoreUnavailableException {
        for (int attempt = 0; ; attempt++) {
            long slot = slot(storeNow());
            boolean tookOver = false;
            for (long s = slot - 1; s <= slot; s++) {
                Newest newest = newest(s);
                boolean endedHere = false;
                if (holds(newest.state())) {
                    Optional<Acquired.Busy> busy = endIfStale(newest);
                    if (busy.isPresent()) {
                        return busy.get();
                    }
                    endedHere = true;
                }
                if (newest.number() > 0) {
                    // The generation before ours was revoked (here or by another twin), not released:
                    // its sync died and may have left temporary files.
                    tookOver = endedHere || newest.state() instanceof ClaimState.Revoked;
                }
                if (s == slot) {
                    String key = key(slot, newest.number() + 1);
                    if (!store.createClaim(new Claim(key, twin, reason(), clock.instant(), 1))) {
                        return new Acquired.Busy(describe(newest(slot).state()));
                    }
                    if (slot(storeNow()) == slot) {
                        return new Acquired.Held(key, tookOver);
                    }
                    // Created after the slot ended: twins in the next slot may not have seen it.
                    release(new Acquired.Held(key, tookOver));
                    if (attempt > 0) {
                        return new Acquired.Busy("nobody (the store's clock moved on while locking; retry)");
                    }
                }
            }
        }
    }

    /**
     * Ends this twin's generation.
     *
     * @return false if it had been ended by another twin already (this sync outlived its lease)
     */
    boolean release(Acquired.Held held) throws StoreUnavailableException {
        ClaimEnd mine = new ClaimEnd(ClaimEnd.SENT, twin, clock.instant());
        return mine.equals(store.endClaim(held.key(), 1, mine));
    }

    /** Who took generation {@code key} over from this twin, for messages. */
    String takenOverBy(Acquired.Held held) throws StoreUnavailableException {
        return switch (store.readClaim(held.key())) {
            case ClaimState.Revoked r -> r.end().twin();
            case ClaimState.Sent s -> s.end().twin();
            default -> "another twin";
        };
    }

    private record Newest(long slot, int number, ClaimState state) {}

    private Newest newest(long slot) throws StoreUnavailableException {
        Newest newest = new Newest(slot, 0, new ClaimState.Unclaimed());
        for (int n = 1; n <= MAX_PER_SLOT; n++) {
            ClaimState state = store.readClaim(key(slot, n));
            if (state instanceof ClaimState.Unclaimed) {
                return newest;
            }
            newest = new Newest(slot, n, state);
        }
        throw new StoreUnavailableException(
                "more than " + MAX_PER_SLOT + " sync locks of " + folder + " in one slot", null);
    }

    private static boolean holds(ClaimState state) {
        // Unreadable: being written (or damaged); whoever wrote it holds it until its lease runs out.
        return state instanceof ClaimState.Held || state instanceof ClaimState.Unreadable;
    }

    /**
     * Ends {@code newest} if its holder is gone: its lease has run out, or it is this twin's own
     * from a process that has ended (or from this one: a sync here that could not release it). Busy
     * if it is not, or if another twin ended it first.
     */
    private Optional<Acquired.Busy> endIfStale(Newest newest) throws StoreUnavailableException {
        String key = key(newest.slot(), newest.number());
        Optional<Duration> age = store.claimAge(key);
        boolean leftHere = newest.state() instanceof ClaimState.Held h && leftByThisTwin(h.claim());
        if (!leftHere && age.isPresent() && age.get().compareTo(LEASE) < 0) {
            return Optional.of(new Acquired.Busy(describe(newest.state())));
        }
        ClaimEnd mine = new ClaimEnd(ClaimEnd.REVOKED, twin, clock.instant());
        ClaimEnd standing = store.endClaim(key, 1, mine);
        if (!mine.equals(standing) && !standing.sent()) {
            return Optional.of(new Acquired.Busy(standing.twin() + ", taking over a sync that died"));
        }
        return Optional.empty();
    }

    /**
     * The claim's reason names the process that took it: {@code sync <folder> by pid <pid> started
     * <instant>}. Twins are one per host, so a claim of this twin names a process of this host.
     * Within one process syncs of a folder run one at a time (the daemon's and the command's loops),
     * so a claim of this very process is a leftover too.
     */
    private String reason() {
        ProcessHandle self = ProcessHandle.current();
        return "sync " + folder + " by pid " + self.pid() + " started "
                + self.info().startInstant().map(Instant::toString).orElse("?");
    }

    private boolean leftByThisTwin(Claim claim) {
        if (!twin.equals(claim.twin()) || claim.reason() == null) {
            return false;
        }
        String[] words = claim.reason().split(" ");
        // sync <folder> by pid <pid> started <instant>
        if (words.length != 7 || !words[2].equals("by") || !words[3].equals("pid") || !words[5].equals("started")) {
            return false;
        }
        if (claim.reason().equals(reason())) {
            return true;
        }
        long pid;
        try {
            pid = Long.parseLong(words[4]);
        } catch (NumberFormatException e) {
            return false;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty()) {
            return true;
        }
        // The pid may be reused by another process: alive only if it started when the claim says.
        Optional<String> started = process.get().info().startInstant().map(Instant::toString);
        return started.isPresent() && !started.get().equals(words[6]);
    }

    private static String describe(ClaimState state) {
        return switch (state) {
            case ClaimState.Held h -> h.claim().twin() + " since " + h.claim().claimedAt();
            case ClaimState.Unreadable u -> "a twin whose lock is being written";
            default -> "another twin";
        };
    }

    private Instant storeNow() throws StoreUnavailableException {
        return shareTime
                .now()
                .orElseThrow(() -> new StoreUnavailableException(
                        "cannot tell the time on the store " + store.describe() + " (read-only?)", null));
    }

    private static long slot(Instant storeTime) {
        return Math.floorDiv(storeTime.toEpochMilli(), LEASE.toMillis());
    }

    private String key(long slot, int number) {
        return "sync-lock:" + folder + ":" + slot + ":" + number;
    }
}
