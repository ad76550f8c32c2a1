package dev.openclaw.twin.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.state.FileStateStore;
import dev.openclaw.twin.testing.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two twins' folders and one shared store, all real temp directories. */
class FolderSyncTest {

    private static final long MAX = 1024 * 1024;

    @TempDir
    Path dir;

    private Path tars;
    private Path casey;
    private Path store;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));
    private final List<Path> read = new CopyOnWriteArrayList<>();
    private TwinsConfig.SyncFolder folder = new TwinsConfig.SyncFolder("knowledge", "knowledge", List.of(), List.of());

    @BeforeEach
    void dirs() throws IOException {
        tars = Files.createDirectories(dir.resolve("tars/workspace/knowledge"));
        casey = Files.createDirectories(dir.resolve("case/workspace/knowledge"));
        store = Files.createDirectories(dir.resolve("store"));
    }

    private SyncReport sync(String twin, FolderSync.Progress progress) throws IOException {
        clock.advance(Duration.ofSeconds(1));
        return new FolderSync(
                        twin,
                        folder,
                        twin.equals("tars") ? tars : casey,
                        store,
                        new FileStateStore(store, "twin-primary.json"),
                        MAX,
                        clock,
                        progress,
                        read::add)
                .run(false);
    }

    private SyncReport sync(String twin) throws IOException {
        return sync(twin, (action, path) -> {});
    }

    private static void write(Path root, String path, String text) throws IOException {
        Files.createDirectories(root.resolve(path).getParent());
        Files.writeString(root.resolve(path), text);
    }

    /** Every file under {@code root} (relative path → content), sync's own bookkeeping left out. */
    private static Map<String, String> files(Path root) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(p).toString(), Files.readString(p));
            }
        }
        return files;
    }

    private Path sharedFiles() {
        return store.resolve("sync/knowledge/files");
    }

    @Test
    void aNewFileTravelsBothWays() throws IOException {
        write(tars, "from-tars.md", "t");
        write(casey, "notes/from-case.md", "c");

        sync("tars");
        sync("case");
        sync("tars");

        assertThat(files(tars)).isEqualTo(Map.of("from-tars.md", "t", "notes/from-case.md", "c"));
        assertThat(files(casey)).isEqualTo(files(tars));
        assertThat(files(sharedFiles())).isEqualTo(files(tars));
    }

    @Test
    void editsTravelBothWays() throws IOException {
        write(tars, "a.md", "v1");
        sync("tars");
        sync("case");

        write(casey, "a.md", "v2 by case");
        sync("case");
        sync("tars");
        assertThat(Files.readString(tars.resolve("a.md"))).isEqualTo("v2 by case");

        write(tars, "a.md", "v3 by tars");
        sync("tars");
        SyncReport report = sync("case");
        assertThat(report.pulled()).containsExactly("a.md");
        assertThat(Files.readString(casey.resolve("a.md"))).isEqualTo("v3 by tars");
        assertThat(report.conflicts()).isEmpty();
    }

    @Test
    void deletionsTravelBothWaysAndAreToldApartFromFilesNotYetSeen() throws IOException {
        write(tars, "keep.md", "k");
        write(tars, "gone.md", "g");
        sync("tars");
        sync("case");

        Files.delete(casey.resolve("gone.md"));
        SyncReport caseReport = sync("case");
        assertThat(caseReport.deletedShared()).containsExactly("gone.md");
        SyncReport tarsReport = sync("tars");
        assertThat(tarsReport.deletedHere()).containsExactly("gone.md");
        assertThat(files(tars)).isEqualTo(Map.of("keep.md", "k"));

        // A file case has never seen is not a deletion: it arrives.
        write(tars, "new.md", "n");
        Files.delete(tars.resolve("keep.md"));
        sync("tars");
        sync("case");
        assertThat(files(casey)).isEqualTo(Map.of("new.md", "n"));
    }

    @Test
    void aRenameIsADeleteAndANewFile() throws IOException {
        write(tars, "draft.md", "text");
        sync("tars");
        sync("case");
        Files.move(tars.resolve("draft.md"), tars.resolve("final.md"));
        sync("tars");
        sync("case");
        assertThat(files(casey)).isEqualTo(Map.of("final.md", "text"));
    }

    @Test
    void aConcurrentEditKeepsBothVersionsOnBothSides() throws IOException {
        write(tars, "plan.md", "base");
        sync("tars");
        sync("case");

        write(tars, "plan.md", "tars's edit");
        write(casey, "plan.md", "case's edit");
        sync("tars");
        SyncReport report = sync("case");
        sync("tars");

        String keptAs = "plan.conflict-case-20261129T100004.md";
        assertThat(report.conflicts()).containsExactly(keptAs);
        Map<String, String> expected = Map.of("plan.md", "tars's edit", keptAs, "case's edit");
        assertThat(files(casey)).isEqualTo(expected);
        assertThat(files(tars)).isEqualTo(expected);
        // Nothing more to do afterwards.
        assertThat(sync("case").changedAnything()).isFalse();
        assertThat(sync("tars").changedAnything()).isFalse();
    }

    @Test
    void aFileDeletedOnOneSideAndChangedOnTheOtherStaysChanged() throws IOException {
        write(tars, "x.md", "v1");
        sync("tars");
        sync("case");
        Files.delete(tars.resolve("x.md"));
        write(casey, "x.md", "v2");
        sync("case");
        sync("tars");
        assertThat(Files.readString(tars.resolve("x.md"))).isEqualTo("v2");
    }

    @Test
    void unchangedFilesAreNotReadAgain() throws IOException {
        java.nio.file.attribute.FileTime anHourAgo =
                java.nio.file.attribute.FileTime.from(Instant.now().minus(Duration.ofHours(1)));
        for (int i = 0; i < 50; i++) {
            write(tars, "f" + i + ".md", "content " + i);
            Files.setLastModifiedTime(tars.resolve("f" + i + ".md"), anHourAgo);
        }
        sync("tars");
        read.clear();
        write(tars, "f7.md", "changed");

        SyncReport report = sync("tars");

        assertThat(report.pushed()).containsExactly("f7.md");
        assertThat(read).containsExactly(tars.resolve("f7.md"));
    }

    @Test
    void anEditInTheSameClockTickAsTheLastSyncIsStillSeen() throws IOException {
        write(tars, "x.md", "v1");
        sync("tars");
        sync("case");
        // case's file is rewritten at once, same size, and the file system's clock has not ticked:
        // its size and mtime are what the last sync recorded; only the content differs.
        java.nio.file.attribute.FileTime pulledAt = Files.getLastModifiedTime(casey.resolve("x.md"));
        Files.writeString(casey.resolve("x.md"), "v2");
        Files.setLastModifiedTime(casey.resolve("x.md"), pulledAt);

        assertThat(sync("case").pushed()).containsExactly("x.md");
        sync("tars");
        assertThat(Files.readString(tars.resolve("x.md"))).isEqualTo("v2");
    }

    @Test
    void whatStaysPerTwinIsNeverReadAndNeverSynced() throws IOException {
        for (String secret : List.of(
                "sessions/s1.json",
                "memory/m.md",
                "credentials/token.json",
                "sub/sessions/x.json",
                ".env",
                "sub/.env.local",
                "secrets.json",
                "state.sqlite",
                "db/app.db",
                "state.sqlite-wal")) {
            write(tars, secret, "secret");
        }
        write(tars, "ok.md", "fine");

        sync("tars");

        assertThat(files(sharedFiles())).isEqualTo(Map.of("ok.md", "fine"));
        assertThat(read).containsExactly(tars.resolve("ok.md"));
    }

    @Test
    void includeAndExcludeGlobsChooseTheFiles() throws IOException {
        folder = new TwinsConfig.SyncFolder("knowledge", "knowledge", List.of("**/*.md"), List.of("drafts/**"));
        write(tars, "a.md", "a");
        write(tars, "deep/b.md", "b");
        write(tars, "c.txt", "c");
        write(tars, "drafts/d.md", "d");
        sync("tars");
        assertThat(files(sharedFiles())).isEqualTo(Map.of("a.md", "a", "deep/b.md", "b"));
    }

    @Test
    void bigFilesAndSymlinksLeavingTheFolderAreLeftAloneAndNeverTakenForDeletions() throws IOException {
        write(tars, "big.bin", "x".repeat((int) MAX + 1));
        Path outside = Files.writeString(dir.resolve("outside.txt"), "not yours");
        Files.createSymbolicLink(tars.resolve("escape.txt"), outside);
        write(tars, "ok.md", "fine");

        SyncReport report = sync("tars");

        assertThat(report.skipped())
                .containsKeys("big.bin", "escape.txt")
                .hasEntrySatisfying("escape.txt", why -> assertThat(why).startsWith("refused: a symlink leading out"))
                .hasEntrySatisfying("big.bin", why -> assertThat(why).contains("max_file_size"));
        assertThat(files(sharedFiles())).isEqualTo(Map.of("ok.md", "fine"));
        assertThat(read).doesNotContain(tars.resolve("escape.txt"), outside);
    }

    @Test
    void theStoreGoingAwayMidSyncLeavesWholeFilesAndTheNextSyncCompletes() throws IOException {
        for (int i = 0; i < 10; i++) {
            write(tars, "f" + i + ".md", "content " + i);
        }
        Path away = dir.resolve("store-away");
        List<String> done = new ArrayList<>();
        assertThatThrownBy(() -> sync("tars", (action, path) -> {
                    done.add(path);
                    if (done.size() == 3) {
                        Files.move(store, away); // the share is unmounted
                    }
                }))
                .isInstanceOf(IOException.class);
        Files.move(away, store);

        // Whatever reached the store is whole; nothing half-written is visible under a real name.
        for (var entry : files(sharedFiles()).entrySet()) {
            if (!entry.getKey().startsWith(FileRules.TEMP_PREFIX)) {
                assertThat(entry.getValue()).isEqualTo(Files.readString(tars.resolve(entry.getKey())));
            }
        }
        sync("tars");
        sync("case");
        assertThat(files(casey)).isEqualTo(files(tars));
        assertThat(files(sharedFiles()).keySet()).noneMatch(name -> name.contains(FileRules.TEMP_PREFIX));
    }

    @Test
    void aSecondTwinWaitsWhileTheFolderIsBeingSyncedAndAStaleLockIsTakenOver() throws Exception {
        FileStateStore share = new FileStateStore(store, "twin-primary.json");
        FolderLock caseLock = new FolderLock(share, share::shareClockNow, "knowledge", "case", clock);
        assertThat(caseLock.acquire()).isInstanceOf(FolderLock.Acquired.Held.class);
        write(tars, "a.md", "a");
        assertThatThrownBy(() -> sync("tars")).hasMessageContaining("another twin is syncing knowledge (case ");

        FolderLockTest.ageClaims(store, FolderLock.LEASE.plusMinutes(1)); // case died 11 minutes ago
        assertThat(sync("tars").pushed()).containsExactly("a.md");
    }

    @Test
    void aLockFileOfThePreviousVersionIsHonouredWhileFreshEvenEmpty() throws IOException {
        Path lock = Files.createDirectories(store.resolve("sync/knowledge")).resolve("lock");
        Files.writeString(lock, ""); // being written by a twin on the previous version
        write(tars, "a.md", "a");
        assertThatThrownBy(() -> sync("tars")).hasMessageContaining("another twin is syncing knowledge (");
        assertThat(sharedFiles()).doesNotExist();

        Files.writeString(lock, "case " + clock.instant() + "\n");
        Files.setLastModifiedTime(
                lock,
                java.nio.file.attribute.FileTime.from(
                        Instant.now().minus(SharedFolder.LEGACY_LOCK_LEASE).minusSeconds(60)));
        assertThat(sync("tars").pushed()).containsExactly("a.md");
    }

    /**
     * A twin still on the previous version knows only its lock file ({@code sync/<name>/lock}, taken
     * by an exclusive create of "twin time"): while this version syncs, that create must fail, or both
     * sync at once and one's index write drops the other's files (the next sync takes them for
     * deleted). Mid-sync, the previous version's first step is tried for real.
     */
    @Test
    void whileSyncingTheFolderThePreviousVersionsLockFileIsHeld() throws IOException {
        Path lock = store.resolve("sync/knowledge/lock");
        write(tars, "a.md", "a");
        List<String> oldTwinSaw = new CopyOnWriteArrayList<>();
        new FolderSync(
                        "tars",
                        folder,
                        tars,
                        store,
                        new FileStateStore(store, "twin-primary.json"),
                        MAX,
                        clock,
                        (a, p) -> {},
                        path -> {
                            try {
                                Files.writeString(
                                        lock,
                                        "case " + clock.instant() + "\n",
                                        java.nio.file.StandardOpenOption.CREATE_NEW,
                                        java.nio.file.StandardOpenOption.WRITE);
                                oldTwinSaw.add("taken");
                                Files.delete(lock);
                            } catch (java.nio.file.FileAlreadyExistsException e) {
                                try {
                                    oldTwinSaw.add(
                                            "busy: " + Files.readString(lock).strip());
                                } catch (IOException unreadable) {
                                    oldTwinSaw.add("busy, unreadable");
                                }
                            } catch (IOException e) {
                                oldTwinSaw.add("failed: " + e);
                            }
                        })
                .run(false);

        assertThat(oldTwinSaw).singleElement().asString().startsWith("busy: tars ");
        assertThat(lock).doesNotExist(); // given back with the sync: the previous version may sync now
    }

    @Test
    void aDryRunChangesNothing() throws IOException {
        write(tars, "a.md", "a");
        SyncReport report = new FolderSync(
                        "tars",
                        folder,
                        tars,
                        store,
                        new FileStateStore(store, "twin-primary.json"),
                        MAX,
                        clock,
                        (a, p) -> {},
                        read::add)
                .run(true);
        assertThat(report.pushed()).containsExactly("a.md");
        assertThat(store.resolve("sync")).doesNotExist();
    }
}
