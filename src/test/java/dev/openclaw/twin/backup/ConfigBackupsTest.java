package dev.openclaw.twin.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.testing.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigBackupsTest {

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));

    private ConfigBackups backups(int keep, Duration maxAge) {
        return new ConfigBackups(
                dir.resolve("config-backup"),
                new TwinsConfig.Backup(keep, maxAge, TwinsConfig.Archive.OFF, java.util.List.of("openclaw")),
                clock);
    }

    private static Map<String, byte[]> config(String text) {
        return Map.of("openclaw.json", text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aSnapshotRecordsEachFilesSha256AndReadsBackVerified() throws IOException {
        ConfigBackups backups = backups(10, Duration.ofDays(30));

        Snapshot snapshot = backups.create("tars", config("{\"a\": 1}\n"), "test");

        assertThat(snapshot.id()).isEqualTo("20261129T100000.000Z");
        assertThat(snapshot.files().getFirst().sha256())
                .isEqualTo(dev.openclaw.twin.files.Sha256.hex("{\"a\": 1}\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(backups.list("tars")).extracting(Snapshot::id).containsExactly(snapshot.id());
        assertThat(backups.verify(backups.list("tars").getFirst()).verified()).isTrue();
        assertThat(new String(backups.content(snapshot, "openclaw.json"), StandardCharsets.UTF_8))
                .isEqualTo("{\"a\": 1}\n");
        assertThat(Files.readString(snapshot.dir().resolve(ConfigBackups.MANIFEST)))
                .contains("\"sha256\"", "\"twin\" : \"tars\"", "\"schemaVersion\" : 1");
    }

    @Test
    void theChecksumIsSha256OfTheBytes() {
        // echo -n 'abc' | sha256sum
        assertThat(dev.openclaw.twin.files.Sha256.hex("abc".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void aTamperedOrMissingFileFailsVerificationAndIsNeverHandedOut() throws IOException {
        ConfigBackups backups = backups(10, Duration.ofDays(30));
        Snapshot good = backups.create("tars", config("good"), "test");
        clock.advance(Duration.ofMinutes(1));
        Snapshot tampered = backups.create("tars", config("newer"), "test");
        Files.writeString(tampered.dir().resolve("openclaw.json"), "evil");

        assertThat(backups.verify(tampered))
                .isInstanceOfSatisfying(
                        SnapshotCheck.Failed.class,
                        f -> assertThat(f.problem()).contains("openclaw.json: sha256", "does not match"));
        assertThat(backups.newestVerified("tars"))
                .hasValueSatisfying(s -> assertThat(s.id()).isEqualTo(good.id()));
        assertThatThrownBy(() -> backups.content(tampered, "openclaw.json")).hasMessageContaining("refusing to use it");

        Files.delete(good.dir().resolve("openclaw.json"));
        assertThat(backups.verify(good))
                .isInstanceOfSatisfying(
                        SnapshotCheck.Failed.class, f -> assertThat(f.problem()).isEqualTo("openclaw.json is missing"));
        assertThat(backups.newestVerified("tars")).isEmpty();

        Files.writeString(good.dir().resolve(ConfigBackups.MANIFEST), "{not json");
        assertThat(backups.verify(backups.find("tars", good.id()).orElseThrow()).verified())
                .isFalse();
    }

    @Test
    void retentionKeepsTheNewestCountAndDropsTheTooOldButNeverTheLastOne() throws IOException {
        ConfigBackups backups = backups(3, Duration.ofDays(7));
        for (int i = 0; i < 5; i++) {
            backups.create("tars", config("v" + i), "test");
            clock.advance(Duration.ofHours(1));
        }
        assertThat(backups.list("tars")).hasSize(3);
        assertThat(new String(
                        backups.content(backups.list("tars").getFirst(), "openclaw.json"), StandardCharsets.UTF_8))
                .isEqualTo("v4");

        // A month later the old ones go by age, but the newest stays: a twin down for weeks still has one.
        clock.advance(Duration.ofDays(30));
        assertThat(backups.prune("tars")).hasSize(2);
        assertThat(backups.list("tars")).hasSize(1);
        clock.advance(Duration.ofDays(300));
        assertThat(backups.prune("tars")).isEmpty();
        assertThat(backups.list("tars")).hasSize(1);
    }

    @Test
    void snapshotsAreOwnerOnlyAndNoHalfWrittenOneIsLeft() throws IOException {
        ConfigBackups backups = backups(10, Duration.ofDays(30));
        Snapshot snapshot = backups.create("tars", config("secret token"), "test");
        // Two in the same millisecond get distinct ids.
        Snapshot second = backups.create("tars", config("again"), "test");
        assertThat(second.id()).isEqualTo(snapshot.id() + "-2");

        assertThat(Files.getPosixFilePermissions(snapshot.dir()).toString())
                .isEqualTo("[OWNER_READ, OWNER_WRITE, OWNER_EXECUTE]");
        try (Stream<Path> files = Files.walk(dir.resolve("config-backup"))) {
            for (Path path : files.toList()) {
                assertThat(path.getFileName().toString()).doesNotStartWith(".new-");
                String perms =
                        java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
                assertThat(perms).isEqualTo(Files.isDirectory(path) ? "rwx------" : "rw-------");
            }
        }
    }

    @Test
    void namesThatCouldEscapeTheBackupDirectoryAreRefused() {
        ConfigBackups backups = backups(10, Duration.ofDays(30));
        assertThatThrownBy(() -> backups.create("../etc", config("x"), "test"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> backups.create("tars", Map.of("../x", new byte[0]), "test"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void snapshotsOnTheShareAreReadWithoutFollowingLinksAndWithinTheirSize() throws IOException {
        ConfigBackups backups = backups(10, Duration.ofDays(30));
        Snapshot snapshot = backups.create("tars", config("{\"a\": 1}\n"), "test");
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Path secret = Files.writeString(outside.resolve("shadow"), "root:x:0:0");

        // A snapshot file swapped for a link to a file outside (its manifest rewritten to match).
        Path file = snapshot.dir().resolve("openclaw.json");
        Files.delete(file);
        Files.createSymbolicLink(file, secret);
        Files.writeString(
                snapshot.dir().resolve(ConfigBackups.MANIFEST),
                Files.readString(snapshot.dir().resolve(ConfigBackups.MANIFEST))
                        .replace(snapshot.files().getFirst().sha256(), dev.openclaw.twin.files.Sha256.hex("root:x:0:0"))
                        .replaceAll("\"size\" : \\d+", "\"size\" : 10"));
        Snapshot linked = backups.list("tars").getFirst();
        assertThat(backups.verify(linked).verified()).isFalse();
        assertThatThrownBy(() -> backups.content(linked, "openclaw.json")).hasMessageContaining("symbolic link");

        // A file larger than its manifest says is refused unread.
        Files.delete(file);
        Files.writeString(file, "x".repeat(1000));
        assertThat(backups.verify(backups.list("tars").getFirst()).verified()).isFalse();

        // A linked twin directory: refused, nothing listed, nothing pruned outside.
        Files.createDirectories(outside.resolve("20261101T100000.000Z"));
        Files.createSymbolicLink(dir.resolve("config-backup/case"), outside);
        assertThatThrownBy(() -> backups.list("case")).hasMessageContaining("symbolic link");
        assertThatThrownBy(() -> backups.create("case", config("{}"), "test")).hasMessageContaining("symbolic link");
        assertThat(backups.twins()).containsExactly("tars");
        assertThat(outside.resolve("20261101T100000.000Z")).exists();
        assertThat(secret).hasContent("root:x:0:0");
    }
}
