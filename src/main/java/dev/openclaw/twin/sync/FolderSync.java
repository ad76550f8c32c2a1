package dev.openclaw.twin.sync;

import dev.openclaw.twin.arbiter.ArbitratedStore;
import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.state.ArbiterUnavailableException;
import dev.openclaw.twin.state.FileStateStore;
import dev.openclaw.twin.state.StateStore;
import dev.openclaw.twin.state.StoreUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Two-way sync of one folder between this twin and the shared store, by content hash, against the
 * state this twin recorded after its last sync (the base):
 *
 * <ul>
 *   <li>changed here only → copied to the store; changed there only → copied here;
 *   <li>deleted here only → deleted there, and the other way round;
 *   <li>changed on both sides → the store's version keeps the name and this twin's is kept beside
 *       it as {@code name.conflict-<twin>-<time>.ext} on both sides (never overwritten silently);
 *   <li>deleted on one side and changed on the other → the changed version stays.
 * </ul>
 *
 * Every write is atomic; the base and the store's index are written at the end. A sync killed at
 * any point leaves whole files only, and the next run converges: what it finds already equal on both
 * sides it simply records.
 *
 * <p>The share is untrusted: every path from the index or a manifest must pass {@link SyncPath}, and
 * every read, write and delete on either side goes through it too (no symlink on the way). What is
 * refused is left alone (never taken for a deletion) and reported in {@link SyncReport#problems()};
 * the rest of the folder syncs.
 */
public final class FolderSync {

    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);

    /** Told after each file is done (tests use it to interrupt a sync at a chosen point). */
    @FunctionalInterface
    public interface Progress {
        void done(String action, String path) throws IOException;
    }

    /** The store is unavailable or another twin is syncing the folder: nothing was changed. */
    public static final class SyncException extends IOException {
        public SyncException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** How close to the end of a sync a file's modification time is too recent to be trusted. */
    static final java.time.Duration RACY_WINDOW = java.time.Duration.ofSeconds(2);

    /** A recorded modification time that never matches: the file is read at the next sync. */
    static final long UNKNOWN_TIME = -1;

    private final String twin;
    private final TwinsConfig.SyncFolder folder;
    private final Path local;
    private final Path storeRoot;
    private final SharedFolder shared;
    private final FileStateStore store;
    private final FolderLock lock;
    private final FileRules rules;
    private final long maxFileSize;
    private final Clock clock;
    private final Progress progress;
    private final Consumer<Path> reading;

    /**
     * @param local the folder on this twin
     * @param storeRoot the shared store's directory
     * @param store the same store's state, whose claims hold the folder's lock
     * @param reading told of each local file read (hashed)
     */
    public FolderSync(
            String twin,
            TwinsConfig.SyncFolder folder,
            Path local,
            Path storeRoot,
            FileStateStore store,
            long maxFileSize,
            Clock clock,
            Progress progress,
            Consumer<Path> reading) {
        this(twin, folder, local, storeRoot, store, store, maxFileSize, clock, progress, reading);
    }

    /** @param lockClaims where the folder lock's claims go (on a cloud folder, the daemon's arbitrated store) */
    public FolderSync(
            String twin,
            TwinsConfig.SyncFolder folder,
            Path local,
            Path storeRoot,
            FileStateStore store,
            StateStore lockClaims,
            long maxFileSize,
            Clock clock,
            Progress progress,
            Consumer<Path> reading) {
        this.twin = twin;
        this.folder = folder;
        this.local = local;
        this.storeRoot = storeRoot;
        this.shared = new SharedFolder(storeRoot, folder.shared());
        this.store = store;
        // On a cloud folder each copy is stamped by its own machine's clock: the lock's slots are
        // counted on the arbiter's, the same for every twin asking it.
        FolderLock.ShareTime lockTime =
                lockClaims instanceof ArbitratedStore arbitrated ? () -> arbiterNow(arbitrated) : store::shareClockNow;
        this.lock = new FolderLock(lockClaims, lockTime, folder.shared(), twin, clock);
        this.rules = new FileRules(folder);
        this.maxFileSize = maxFileSize;
        this.clock = clock;
        this.progress = progress;
        this.reading = reading;
    }

    public SyncReport run(boolean dryRun) throws IOException {
        long started = System.nanoTime();
        Instant now = clock.instant();
        if (!Files.isDirectory(storeRoot)) {
            throw new SyncException("the shared store " + storeRoot + " is not there", null);
        }
        FolderLock.Acquired.Held held = dryRun ? null : lock();
        try {
            List<String> problems = new ArrayList<>();
            if (held != null) {
                shared.create();
                Files.createDirectories(local);
                if (held.tookOver()) {
                    // The last sync died: it may have left temporary files on the store.
                    SyncFiles.removeLeftovers(shared.files(), rules);
                }
            }
            SharedFolder.Listing baseListing = shared.manifest(twin);
            problems.addAll(baseListing.problems());
            Map<String, FileState> base = baseListing.files();
            LocalTree.Scan scan = LocalTree.scan(local, rules, base, maxFileSize, reading);
            if (!dryRun) {
                for (Path leftover : scan.leftovers()) {
                    Files.deleteIfExists(leftover); // a killed sync's temporary file
                }
            }
            SharedFolder.Listing indexListing = shared.index();
            problems.addAll(indexListing.problems());
            Map<String, FileState> index = indexListing.files();
            Run run = new Run(dryRun, base, scan, index, indexListing.refused().keySet(), now, problems);
            run.reconcile();
            if (!dryRun) {
                if (!run.newIndex.equals(index)) {
                    shared.writeIndex(twin, clock.instant(), run.newIndex, indexListing.refused());
                }
                Map<String, FileState> newBase = withoutRacyTimes(run.newBase);
                if (!newBase.equals(base)) {
                    shared.writeManifest(twin, clock.instant(), newBase);
                }
                FolderLock.Acquired.Held mine = held;
                held = null;
                shared.releaseLegacyLock(twin);
                try {
                    if (!lock.release(mine)) {
                        problems.add("this sync ran longer than the lock's " + FolderLock.LEASE.toMinutes()
                                + " min lease and " + lock.takenOverBy(mine) + " took the lock over");
                    }
                } catch (StoreUnavailableException e) {
                    problems.add("the lock could not be given back (" + e.getMessage() + "); it runs out in "
                            + FolderLock.LEASE.toMinutes() + " min");
                }
            }
            return new SyncReport(
                    folder.shared(),
                    dryRun,
                    run.pushed,
                    run.pulled,
                    run.deletedHere,
                    run.deletedShared,
                    run.conflicts,
                    scan.skipped(),
                    run.unchanged,
                    problems,
                    (System.nanoTime() - started) / 1_000_000);
        } finally {
            if (held != null) {
                try {
                    shared.releaseLegacyLock(twin);
                } catch (IOException e) {
                    // a lock file of ours left behind runs out after its lease for the previous version
                }
                try {
                    lock.release(held);
                } catch (StoreUnavailableException e) {
                    // the store went away: the lock runs out after its lease
                }
            }
        }
    }

    /** Takes the folder's lock, or says who holds it. */
    private FolderLock.Acquired.Held lock() throws IOException {
        try {
            Optional<String> legacy = shared.legacyLockHolder(twin, store.shareClockNow());
            if (legacy.isPresent()) {
                throw new SyncException(
                        "another twin is syncing " + folder.shared() + " (" + legacy.get()
                                + ", with the previous version's lock file)",
                        null);
            }
            FolderLock.Acquired.Held held = switch (lock.acquire()) {
                case FolderLock.Acquired.Held h -> h;
                case FolderLock.Acquired.Busy b ->
                    throw new SyncException(
                            "another twin is syncing " + folder.shared() + " (" + b.holder() + ")", null);
            };
            // A twin still on the previous version knows only its lock file: hold that too.
            boolean legacyTaken;
            try {
                legacyTaken = shared.takeLegacyLock(twin, clock.instant(), store.shareClockNow());
            } catch (IOException | RuntimeException e) {
                lock.release(held);
                throw e;
            }
            if (!legacyTaken) {
                lock.release(held);
                throw new SyncException(
                        "another twin is syncing " + folder.shared() + " (with the previous version's lock file)",
                        null);
            }
            return held;
        } catch (StoreUnavailableException e) {
            throw new SyncException("cannot lock " + folder.shared() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The base to record, with the modification time of each file changed too recently to be
     * trusted forgotten, so the next sync reads it again: a file written again within the same tick
     * of the file system's clock (a few ms; 2 s on some) keeps its size and mtime, and only its
     * content tells. Compared on the local file system's own clock, never ours.
     */
    private Map<String, FileState> withoutRacyTimes(Map<String, FileState> base) throws IOException {
        long racyFrom = SyncFiles.fileSystemNow(local).toMillis() - RACY_WINDOW.toMillis();
        Map<String, FileState> recorded = new TreeMap<>();
        base.forEach((path, state) -> recorded.put(
                path,
                state.modifiedMillis() >= racyFrom
                        ? new FileState(state.sha256(), state.size(), UNKNOWN_TIME)
                        : state));
        return recorded;
    }

    /** One sync's decisions and results. */
    private final class Run {
        final boolean dryRun;
        final Map<String, FileState> base;
        final Map<String, FileState> here;
        final Map<String, String> skipped;
        final Map<String, FileState> index;
        final Set<String> refused;
        final Instant now;
        final List<String> problems;
        final Map<String, FileState> newBase = new TreeMap<>();
        final Map<String, FileState> newIndex;
        final List<String> pushed = new ArrayList<>();
        final List<String> pulled = new ArrayList<>();
        final List<String> deletedHere = new ArrayList<>();
        final List<String> deletedShared = new ArrayList<>();
        final List<String> conflicts = new ArrayList<>();
        int unchanged;

        Run(
                boolean dryRun,
                Map<String, FileState> base,
                LocalTree.Scan scan,
                Map<String, FileState> index,
                Set<String> refused,
                Instant now,
                List<String> problems) {
            this.dryRun = dryRun;
            this.base = base;
            this.here = scan.files();
            this.skipped = scan.skipped();
            this.index = index;
            this.refused = refused;
            this.now = now;
            this.problems = problems;
            this.newIndex = new TreeMap<>(index);
        }

        void reconcile() throws IOException {
            TreeSet<String> paths = new TreeSet<>();
            paths.addAll(base.keySet());
            paths.addAll(here.keySet());
            paths.addAll(index.keySet());
            for (String path : paths) {
                if (skipped.containsKey(path) || refused.contains(path) || !rules.syncs(path)) {
                    leaveAlone(path);
                    continue;
                }
                try {
                    reconcile(path, base.get(path), here.get(path), index.get(path));
                } catch (SyncPath.Refused e) {
                    problems.add(e.getMessage());
                    leaveAlone(path);
                }
            }
        }

        /** Left alone this time: keep what was known, so it is not taken for a deletion. */
        private void leaveAlone(String path) {
            if (base.containsKey(path)) {
                newBase.put(path, base.get(path));
            }
        }

        private void reconcile(String path, FileState b, FileState l, FileState s) throws IOException {
            boolean changedHere = !FileState.same(l, b);
            boolean changedThere = !FileState.same(s, b);
            if (!changedHere && !changedThere) {
                if (l != null) {
                    newBase.put(path, l);
                    unchanged++;
                }
                return;
            }
            if (changedHere && !changedThere) {
                if (l == null) {
                    deleteShared(path);
                } else {
                    push(path, l);
                }
            } else if (!changedHere) {
                if (s == null) {
                    deleteHere(path);
                } else {
                    pull(path, s);
                }
            } else if (FileState.same(l, s)) {
                // Both sides made the same change (or a killed sync got half way): just record it.
                if (l != null) {
                    newBase.put(path, l);
                    unchanged++;
                }
            } else if (l == null) {
                pull(path, s); // deleted here, changed there: the change stays
            } else if (s == null) {
                push(path, l); // deleted there, changed here: the change stays
            } else {
                conflict(path, l, s);
            }
        }

        private void push(String path, FileState l) throws IOException {
            if (dryRun) {
                pushed.add(path);
                return;
            }
            Path target = shared.file(path);
            String sha = SyncFiles.copyAtomically(SyncPath.resolve(local, path), shared.dir(), target);
            pushed.add(path);
            newIndex.put(path, new FileState(sha, Files.size(target), 0));
            newBase.put(path, sha.equals(l.sha256()) ? l : restat(path, sha));
            progress.done("push", path);
        }

        private void pull(String path, FileState s) throws IOException {
            if (dryRun) {
                pulled.add(path);
                return;
            }
            Path source = storeCopy(path);
            Path target = SyncPath.resolve(local, path);
            String sha = SyncFiles.copyAtomically(source, local, target);
            pulled.add(path);
            if (!sha.equals(s.sha256())) {
                // The store's file is newer than its index (a sync that died after copying): take
                // what is really there, and put the index right.
                newIndex.put(path, new FileState(sha, Files.size(target), 0));
            }
            newBase.put(path, restat(path, sha));
            progress.done("pull", path);
        }

        private void deleteShared(String path) throws IOException {
            if (dryRun) {
                deletedShared.add(path);
                return;
            }
            SyncFiles.delete(shared.files(), shared.file(path));
            deletedShared.add(path);
            newIndex.remove(path);
            progress.done("delete-shared", path);
        }

        private void deleteHere(String path) throws IOException {
            if (dryRun) {
                deletedHere.add(path);
                return;
            }
            SyncFiles.delete(local, SyncPath.resolve(local, path));
            deletedHere.add(path);
            progress.done("delete-here", path);
        }

        /** Both changed: the store's version keeps the name; ours is kept beside it, on both sides. */
        private void conflict(String path, FileState l, FileState s) throws IOException {
            String keptAs = conflictName(path);
            if (dryRun) {
                conflicts.add(keptAs);
                return;
            }
            Path source = storeCopy(path);
            Path kept = SyncPath.resolve(local, keptAs);
            Path keptShared = shared.file(keptAs);
            String sha = SyncFiles.copyAtomically(SyncPath.resolve(local, path), local, kept);
            conflicts.add(keptAs);
            SyncFiles.copyAtomically(kept, shared.dir(), keptShared);
            newIndex.put(keptAs, new FileState(sha, Files.size(kept), 0));
            newBase.put(keptAs, restat(keptAs, sha));
            pull(path, s);
            pulled.remove(path);
            progress.done("conflict", path);
        }

        private String conflictName(String path) {
            int slash = path.lastIndexOf('/');
            int dot = path.lastIndexOf('.');
            String suffix = ".conflict-" + twin + "-" + STAMP.format(now);
            String name = dot > slash + 1 ? path.substring(0, dot) + suffix + path.substring(dot) : path + suffix;
            for (int n = 2; here.containsKey(name) || index.containsKey(name); n++) {
                name = dot > slash + 1
                        ? path.substring(0, dot) + suffix + "-" + n + path.substring(dot)
                        : path + suffix + "-" + n;
            }
            return name;
        }

        /**
         * The store's copy of {@code path} to read: a regular file (never a symlink, which could lead
         * anywhere, e.g. /etc/shadow) within {@code sync.max_file_size}.
         */
        private Path storeCopy(String path) throws IOException {
            Path source = shared.file(path);
            BasicFileAttributes attrs;
            try {
                attrs = Files.readAttributes(source, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (java.nio.file.NoSuchFileException e) {
                if (!Files.isDirectory(shared.files())) {
                    throw e; // the share went away
                }
                throw new SyncPath.Refused(
                        SyncPath.printable(path) + ": refused, in the index but not in the store's files/");
            }
            if (!attrs.isRegularFile()) {
                throw new SyncPath.Refused(
                        SyncPath.printable(path) + ": refused, the store's copy is not a regular file");
            }
            if (attrs.size() > maxFileSize) {
                throw new SyncPath.Refused(SyncPath.printable(path) + ": refused, the store's copy is " + attrs.size()
                        + " bytes, over sync.max_file_size (" + maxFileSize + ")");
            }
            return source;
        }

        /** The state of a file just written here, so the next scan need not read it again. */
        private FileState restat(String path, String sha) throws IOException {
            Path file = SyncPath.resolve(local, path);
            return new FileState(
                    sha, Files.size(file), Files.getLastModifiedTime(file).toMillis());
        }
    }

    /** An arbiter of an older version has no clock to ask (404): it counts the slots on its copy's clock, as this twin does then. */
    private Optional<Instant> arbiterNow(ArbitratedStore arbitrated) throws StoreUnavailableException {
        try {
            return arbitrated.arbiterNow();
        } catch (ArbiterUnavailableException e) {
            if (!e.olderVersion()) {
                throw e;
            }
            return store.shareClockNow();
        }
    }
}
