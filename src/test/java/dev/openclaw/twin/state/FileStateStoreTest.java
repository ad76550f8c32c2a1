package dev.openclaw.twin.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openclaw.twin.files.ExclusiveCreate;
import dev.openclaw.twin.files.ShareFiles;
import dev.openclaw.twin.testing.MutableClock;
import dev.openclaw.twin.testing.ReadOnlyDirectory;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file store, with the share probed for hard links; the conformance suite again on each claim path. */
class FileStateStoreTest extends StateStoreConformance {

    @TempDir
    Path dir;

    @Override
    StateStore store() {
        return new FileStateStore(dir, "twin-primary.json");
    }

    @Override
    void corruptHeartbeat(StateStore store, String twin) throws Exception {
        Files.writeString(dir.resolve("twin/heartbeats/" + twin + ".json"), "{\"twin\": \"" + twin + "\", \"seq\":");
    }

    /** Every file's modification time (the share's stamp, all the file store dates by) moved back. */
    @Override
    void passTime(StateStore store, Duration by) throws Exception {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path file : all.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS))
                    .toList()) {
                Files.setLastModifiedTime(
                        file,
                        FileTime.from(
                                Files.getLastModifiedTime(file).toInstant().minus(by)));
            }
        }
    }

    @Override
    boolean watches() {
        return false;
    }

    /** Claims made by hard-linking a finished file into place (local disks, NFS). */
    @Nested
    class OverHardLinks extends StateStoreConformance {
        @Override
        StateStore store() {
            return new FileStateStore(dir, "twin-primary.json", ExclusiveCreate.HARD_LINK);
        }

        @Override
        void corruptHeartbeat(StateStore store, String twin) throws Exception {
            FileStateStoreTest.this.corruptHeartbeat(store, twin);
        }

        @Override
        void passTime(StateStore store, Duration by) throws Exception {
            FileStateStoreTest.this.passTime(store, by);
        }

        @Override
        boolean watches() {
            return false;
        }
    }

    /** Claims made by exclusive create (O_EXCL), as on shares that cannot link. */
    @Nested
    class OverExclusiveCreate extends StateStoreConformance {
        @Override
        StateStore store() {
            return new FileStateStore(dir, "twin-primary.json", ExclusiveCreate.EXCLUSIVE_OPEN);
        }

        @Override
        void corruptHeartbeat(StateStore store, String twin) throws Exception {
            FileStateStoreTest.this.corruptHeartbeat(store, twin);
        }

        @Override
        void passTime(StateStore store, Duration by) throws Exception {
            FileStateStoreTest.this.passTime(store, by);
        }

        @Override
        boolean watches() {
            return false;
        }
    }

    @Test
    void aLocalDiskIsProbedForHardLinksOnceAndAFailedClaimNeverSwitchesThemOff() throws Exception {
        FileStateStore store = new FileStateStore(dir, "twin-primary.json");
        assertThat(store.exclusiveCreate())
                .as("not probed before the first claim")
                .isNull();
        assertThat(store.createClaim(claim("first", "tars", 1))).isTrue();
        assertThat(store.exclusiveCreate()).isEqualTo(ExclusiveCreate.HARD_LINK);

        // A file where a shard directory belongs: the claim fails with "Not a directory", which says
        // nothing about links.
        String hash = dev.openclaw.twin.files.Sha256.hex("second");
        Files.writeString(dir.resolve("twin/claims/" + hash.substring(0, 2)), "");
        assertThatThrownBy(() -> store.createClaim(claim("second", "tars", 1)))
                .isInstanceOf(StoreUnavailableException.class);
        assertThat(store.exclusiveCreate()).isEqualTo(ExclusiveCreate.HARD_LINK);

        Files.delete(dir.resolve("twin/claims/" + hash.substring(0, 2)));
        assertThat(store.createClaim(claim("second", "tars", 1))).isTrue();
        assertThat(store.exclusiveCreate()).isEqualTo(ExclusiveCreate.HARD_LINK);
        try (var probes = Files.list(dir.resolve("twin/claims"))) {
            assertThat(probes.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("."));
        }
    }

    @Test
    void onlyADefiniteAnswerMeansLinksAreUnsupported() {
        assertThat(ExclusiveCreate.linksUnsupported(new UnsupportedOperationException()))
                .isTrue();
        assertThat(ExclusiveCreate.linksUnsupported(new FileSystemException("a", "b", "Operation not permitted")))
                .isTrue();
        assertThat(ExclusiveCreate.linksUnsupported(new FileSystemException("a", "b", "Operation not supported")))
                .isTrue();
        assertThat(ExclusiveCreate.linksUnsupported(new FileSystemException("a", "b", "Invalid cross-device link")))
                .isTrue();
        assertThat(ExclusiveCreate.linksUnsupported(new FileSystemException("a", "b", "Not a directory")))
                .isFalse();
        assertThat(ExclusiveCreate.linksUnsupported(new FileSystemException("a", "b", "No space left on device")))
                .isFalse();
        assertThat(ExclusiveCreate.linksUnsupported(new FileSystemException("a", "b", "Input/output error")))
                .isFalse();
        assertThat(ExclusiveCreate.linksUnsupported(new java.nio.file.AccessDeniedException("a")))
                .isFalse();
        assertThat(ExclusiveCreate.linksUnsupported(new java.nio.file.NoSuchFileException("a")))
                .isFalse();
    }

    @Test
    void twinPrimaryJsonKeepsTheSeedFieldsAndReadsASeedFile() throws Exception {
        StateStore store = store();
        store.writePrimaryState(new PrimaryState(
                "2026-02-28",
                "agent-b",
                "agent-a",
                false,
                Instant.parse("2026-02-28T00:00:00Z"),
                List.of("agent-b", "agent-a"),
                "UTC",
                "odd-even",
                null,
                1));
        String written = Files.readString(dir.resolve("twin-primary.json"));
        assertThat(written)
                .contains(
                        "\"date\" : \"2026-02-28\"",
                        "\"primary\" : \"agent-b\"",
                        "\"secondary\" : \"agent-a\"",
                        "\"bothRespond\" : false",
                        "\"lastUpdated\" : \"2026-02-28T00:00:00Z\"");

        // Exactly the seed's document (COORDINATION.md), edited by hand to bothRespond: true.
        Files.writeString(dir.resolve("twin-primary.json"), """
                {
                  "date": "2026-02-28",
                  "primary": "agent-b",
                  "secondary": "agent-a",
                  "bothRespond": true,
                  "lastUpdated": "2026-02-28T00:00:00Z"
                }
                """);
        PrimaryState seed = store.readPrimaryState().present().orElseThrow();
        assertThat(seed.primary()).isEqualTo("agent-b");
        assertThat(seed.bothRespond()).isTrue();
    }

    @Test
    void emptyAndGarbageFilesAreCorruptNotErrors() throws Exception {
        Files.writeString(dir.resolve("twin-primary.json"), "");
        assertThat(store().readPrimaryState()).isEqualTo(new StoreRead.Corrupt<>("twin-primary.json: empty file"));
        Files.writeString(dir.resolve("twin-primary.json"), "{\n\"date\": ");
        assertThat(store().readPrimaryState())
                .isEqualTo(new StoreRead.Corrupt<>("twin-primary.json: not valid JSON (line 2)"));
    }

    @Test
    void writesLeaveNoTemporaryFilesBehind() throws Exception {
        StateStore store = store();
        for (int i = 0; i < 20; i++) {
            store.writeHeartbeat(heartbeat("tars", i));
        }
        try (var files = Files.list(dir.resolve("twin/heartbeats"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("tars.json");
        }
    }

    @Test
    void aMissingRootIsUnavailableAndIsNeverRecreated() {
        StateStore store = new FileStateStore(dir.resolve("not-mounted"), "twin-primary.json");
        assertThatThrownBy(store::readHeartbeats)
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("is missing (is the share mounted?)");
        assertThatThrownBy(() -> store.writeHeartbeat(heartbeat("tars", 1)))
                .isInstanceOf(StoreUnavailableException.class);
        assertThatThrownBy(() -> store.appendEvent("tars", T0, "x", Map.of()))
                .isInstanceOf(StoreUnavailableException.class);
        assertThat(dir.resolve("not-mounted")).doesNotExist();
    }

    @Test
    void aShareThatGoesAwayMidWriteIsNeverRecreated() throws Exception {
        // What a write meets when the share is unmounted between its check and its folders.
        Path share = dir.resolve("share");
        Files.createDirectory(share);
        ShareFiles files = new ShareFiles(share);
        Files.delete(share);
        assertThatThrownBy(() -> files.write("twin-primary.json", new byte[1]))
                .isInstanceOf(java.nio.file.NoSuchFileException.class);
        assertThatThrownBy(() -> files.write("twin/heartbeats/tars.json", new byte[1]))
                .isInstanceOf(java.nio.file.NoSuchFileException.class);
        assertThat(share).doesNotExist();
    }

    // ---- ages on injected clocks ----

    @Test
    void agesAreTheSharesOwnAndOneProbeServesARunOfThem() throws Exception {
        // This host's wall clock is a day off: ages must not see it.
        MutableClock reader = new MutableClock(Instant.now().plus(Duration.ofDays(1)));
        AtomicLong nanos = new AtomicLong();
        FileStateStore store = new FileStateStore(dir, "twin-primary.json", null, reader, nanos::get);
        store.writeHeartbeat(heartbeat("tars", 1));
        store.createClaim(claim("k", "tars", 1));
        passTime(store, Duration.ofMinutes(5));

        assertThat(store.heartbeatAges().get("tars")).isBetween(Duration.ofMinutes(5), Duration.ofMinutes(6));
        // 20 s later by this host's monotonic clock (no time at all for the share): the same probe,
        // carried forward, so 20 s older; a new probe would have found the claim barely older.
        nanos.addAndGet(Duration.ofSeconds(20).toNanos());
        reader.advance(Duration.ofSeconds(20));
        assertThat(store.claimAge("k"))
                .hasValueSatisfying(age -> assertThat(age)
                        .isBetween(
                                Duration.ofMinutes(5).plusSeconds(20),
                                Duration.ofMinutes(6).plusSeconds(20)));
    }

    @Test
    void aShareWhoseClockWasNeverReadIsAgedByThisHostsClock() throws Exception {
        new FileStateStore(dir, "twin-primary.json").writeHeartbeat(heartbeat("tars", 1));
        Instant stamped = Files.getLastModifiedTime(dir.resolve("twin/heartbeats/tars.json"))
                .toInstant();
        MutableClock reader = new MutableClock(stamped.plus(Duration.ofMinutes(3)));
        FileStateStore store = new FileStateStore(dir, "twin-primary.json", null, reader, () -> 0L);
        try (ReadOnlyDirectory readOnly = ReadOnlyDirectory.of(dir)) {
            assertThat(store.heartbeatAges()).containsEntry("tars", Duration.ofMinutes(3));
            assertThat(store.shareClockNow()).isEmpty();
        }
    }
}
