package dev.openclaw.twin.sync;

import dev.openclaw.twin.config.TwinsConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    private final SharedFolder shared;
    private final FileRules rules;
    private final long maxFileSize;
    private final Clock clock;
    private final Progress progress;
    private final Consumer<Path> reading;

    /**
     * @param local the folder on this twin
     * @param storeRoot the shared store's directory
     * @param reading told of each local file read (hashed)
     */
    public FolderSync(
            String twin,
            TwinsConfig.SyncFolder folder,
            Path local,
            Path storeRoot,
            long maxFileSize,
            Clock clock,
            Progress progress,
            Consumer<Path> reading) {
        this.twin = twin;
        this.folder = folder;
        this.local = local;
        this.shared = new SharedFolder(storeRoot, folder.shared());
        this.rules = new FileRules(folder);
        this.maxFileSize = maxFileSize;
        this.clock = clock;
        this.progress = progress;
        this.reading = reading;
    }

    public SyncReport run(boolean dryRun) throws IOException {
        long started = System.nanoTime();
        Instant now = clock.instant();
        if (!Files.isDirectory(shared.dir().getParent().getParent())) {
            throw new SyncException(
                    "the shared store " + shared.dir().getParent().getParent() + " is not there", null);
        }
        SharedFolder.Lock lock = dryRun ? SharedFolder.Lock.TAKEN : shared.lock(twin, now);
        if (lock == SharedFolder.Lock.BUSY) {
            throw new SyncException(
                    "another twin is syncing " + folder.shared() + " (" + shared.lockHolder() + ")", null);
        }
        try {
            if (!dryRun) {
                Files.createDirectories(local);
                if (lock == SharedFolder.Lock.TAKEN_OVER) {
                    // The last sync died: it may have left temporary files on the store.
                    SyncFiles.removeLeftovers(shared.files(), rules);
                }
            }
            Map<String, FileState> base = shared.manifest(twin);
            LocalTree.Scan scan = LocalTree.scan(local, rules, base, maxFileSize, reading);
            if (!dryRun) {
                for (Path leftover : scan.leftovers()) {
                    Files.deleteIfExists(leftover); // a killed sync's temporary file
                }
            }
            Map<String, FileState> index = shared.index();
            Run run = new Run(dryRun, base, scan, index, now);
            run.reconcile();
            if (!dryRun) {
                if (!run.newIndex.equals(index)) {
                    shared.writeIndex(twin, clock.instant(), run.newIndex);
                }
                Map<String, FileState> newBase = withoutRacyTimes(run.newBase);
                if (!newBase.equals(base)) {
                    shared.writeManifest(twin, clock.instant(), newBase);
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
                    (System.nanoTime() - started) / 1_000_000);
        } finally {
            if (!dryRun) {
                try {
                    shared.unlock(twin);
                } catch (IOException e) {
                    // the store went away: the lock is ours and taken over next time
                }
            }
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
        final Instant now;
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
                Instant now) {
            this.dryRun = dryRun;
            this.base = base;
            this.here = scan.files();
            this.skipped = scan.skipped();
            this.index = index;
            this.now = now;
            this.newIndex = new TreeMap<>(index);
        }

        void reconcile() throws IOException {
            TreeSet<String> paths = new TreeSet<>();
            paths.addAll(base.keySet());
            paths.addAll(here.keySet());
            paths.addAll(index.keySet());
            for (String path : paths) {
                if (skipped.containsKey(path) || !rules.syncs(path)) {
                    // Left alone this time: keep what was known, so it is not taken for a deletion.
                    if (base.containsKey(path)) {
                        newBase.put(path, base.get(path));
                    }
                    continue;
                }
                reconcile(path, base.get(path), here.get(path), index.get(path));
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
            pushed.add(path);
            if (dryRun) {
                return;
            }
            String sha = SyncFiles.copyAtomically(
                    local.resolve(path), shared.dir(), shared.files().resolve(path));
            newIndex.put(path, new FileState(sha, Files.size(shared.files().resolve(path)), 0));
            newBase.put(path, sha.equals(l.sha256()) ? l : restat(path, sha));
            progress.done("push", path);
        }

        private void pull(String path, FileState s) throws IOException {
            pulled.add(path);
            if (dryRun) {
                return;
            }
            Path target = local.resolve(path);
            String sha = SyncFiles.copyAtomically(shared.files().resolve(path), local, target);
            if (!sha.equals(s.sha256())) {
                // The store's file is newer than its index (a sync that died after copying): take
                // what is really there, and put the index right.
                newIndex.put(path, new FileState(sha, Files.size(target), 0));
            }
            newBase.put(path, restat(path, sha));
            progress.done("pull", path);
        }

        private void deleteShared(String path) throws IOException {
            deletedShared.add(path);
            if (dryRun) {
                return;
            }
            SyncFiles.delete(shared.files(), shared.files().resolve(path));
            newIndex.remove(path);
            progress.done("delete-shared", path);
        }

        private void deleteHere(String path) throws IOException {
            deletedHere.add(path);
            if (dryRun) {
                return;
            }
            SyncFiles.delete(local, local.resolve(path));
            progress.done("delete-here", path);
        }

        /** Both changed: the store's version keeps the name; ours is kept beside it, on both sides. */
        private void conflict(String path, FileState l, FileState s) throws IOException {
            String keptAs = conflictName(path);
            conflicts.add(keptAs);
            if (dryRun) {
                return;
            }
            Path kept = local.resolve(keptAs);
            String sha = SyncFiles.copyAtomically(local.resolve(path), local, kept);
            SyncFiles.copyAtomically(kept, shared.dir(), shared.files().resolve(keptAs));
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

        /** The state of a file just written here, so the next scan need not read it again. */
        private FileState restat(String path, String sha) throws IOException {
            Path file = local.resolve(path);
            return new FileState(
                    sha, Files.size(file), Files.getLastModifiedTime(file).toMillis());
        }
    }
}
