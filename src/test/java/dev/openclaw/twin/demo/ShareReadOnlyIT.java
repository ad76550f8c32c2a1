package dev.openclaw.twin.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.openclaw.twin.state.Claim;
import dev.openclaw.twin.state.ClaimState;
import dev.openclaw.twin.state.FileStateStore;
import dev.openclaw.twin.state.StoreUnavailableException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The share read-only for one twin (a read-only bind mount behind its mount point; root only,
 * skipped elsewhere): every write fails with EROFS while reads work. That twin cannot reach the store
 * for claims and heartbeats, like a twin that lost its mount: it stays silent, tells its peers, and
 * the twin that can write answers each message once. No bind mount outlives the flock.
 */
class ShareReadOnlyIT {

    private static final int MESSAGES = 20;

    @TempDir
    Path dir;

    @Test
    void aReadOnlyShareFailsEveryWriteAsUnreachableAndReadsStillWork() throws Exception {
        try (LocalFlock flock = new LocalFlock(
                dir,
                List.of("tars", "case"),
                LocalFlock.Timings.DEMO,
                Map.of("tars", 1, "case", 2),
                URI.create("http://127.0.0.1:1/takeover"),
                Map.of())) {
            assumeBindMounts(flock);
            FileStateStore writable = new FileStateStore(flock.mountPoint("case"), "twin-primary.json");
            FileStateStore readOnly = new FileStateStore(flock.mountPoint("tars"), "twin-primary.json");
            Instant now = Instant.now();
            assertThat(writable.createClaim(new Claim("discord:c:1", "case", "primary", now, 1, "run")))
                    .isTrue();

            flock.shareReadOnly("tars");

            assertThat(readOnly.readClaim("discord:c:1")).isInstanceOf(ClaimState.Held.class);
            assertThatThrownBy(() -> readOnly.createClaim(new Claim("discord:c:2", "tars", "primary", now, 1, "run")))
                    .as("a claim it cannot write is a store it cannot reach, not a claim lost to a peer")
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("Read-only file system");
            assertThat(writable.createClaim(new Claim("discord:c:2", "case", "primary", now, 1, "run")))
                    .as("the other twin keeps writing")
                    .isTrue();
            assertThat(readOnly.readClaim("discord:c:2")).isInstanceOf(ClaimState.Held.class);
            assertThat(mountsUnder(dir)).hasSize(1);

            flock.shareWritable("tars");
            assertThat(readOnly.createClaim(new Claim("discord:c:3", "tars", "primary", now, 1, "run")))
                    .isTrue();
            assertThat(mountsUnder(dir)).isEmpty();

            flock.shareReadOnly("case");
        }
        assertThat(mountsUnder(dir))
                .as("closing the flock takes its bind mounts down")
                .isEmpty();
    }

    @Test
    void theTwinWhoseShareIsReadOnlyStepsDownAndEachMessageIsAnsweredOnce() throws Exception {
        try (TwoTwinRoutineRun run = new TwoTwinRoutineRun(dir)) {
            LocalFlock flock = run.flock();
            assumeBindMounts(flock);
            String primary = run.start();

            flock.shareReadOnly(primary);
            await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(100))
                    .alias("it tells its peers it cannot reach the store")
                    .until(() -> healthz(flock.daemonPort(primary)).contains("\"store\":\"unreachable\""));
            run.sendAndAwaitAnswers(MESSAGES, "ShareReadOnlyIT");
            flock.shareWritable(primary);

            run.assertEachAnsweredOnceBy(TwoTwinRoutineRun.other(primary), MESSAGES);
            assertThat(Files.readString(dir.resolve(primary + ".log")))
                    .as("its heartbeat failed to write, and it said so")
                    .contains("Read-only file system");
        }
        assertThat(mountsUnder(dir)).isEmpty();
    }

    private static String healthz(int port) throws Exception {
        try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
            return http.send(
                            java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                                    .timeout(Duration.ofSeconds(2))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString())
                    .body();
        }
    }

    private static void assumeBindMounts(LocalFlock flock) {
        Assumptions.assumeTrue(
                flock.readOnlyMountsRefused().isEmpty(),
                () -> "no read-only bind mounts here: "
                        + flock.readOnlyMountsRefused().orElseThrow());
    }

    /** The mount points of /proc/mounts under {@code dir} (its second field; spaces octal-escaped). */
    private static List<String> mountsUnder(Path dir) throws Exception {
        String prefix = dir.toRealPath().toString().replace(" ", "\\040");
        return Files.readAllLines(Path.of("/proc/mounts")).stream()
                .map(line -> line.split(" ")[1])
                .filter(mount -> mount.startsWith(prefix))
                .toList();
    }
}
