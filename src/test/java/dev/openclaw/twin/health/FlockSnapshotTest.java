package dev.openclaw.twin.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openclaw.twin.state.FileStateStore;
import dev.openclaw.twin.state.Heartbeat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One look at a real store directory: heartbeat ages and the twins' clocks compared through them. */
class FlockSnapshotTest {

    @TempDir
    Path dir;

    private static Heartbeat beat(String twin, Instant writtenAt) {
        return new Heartbeat(twin, 1, 42, "host", "1.0", writtenAt, writtenAt, Heartbeat.RUNNING, null, "run");
    }

    /** Sets the heartbeat file's stamp, as if the share had stamped it then. */
    private void stampedAt(String twin, Instant at) throws Exception {
        Files.setLastModifiedTime(dir.resolve("twin/heartbeats/" + twin + ".json"), FileTime.from(at));
    }

    @Test
    void twoTwinsWhoseClocksDisagreeAreReportedWithoutAStoreClock() throws Exception {
        FileStateStore store = new FileStateStore(dir, "twin-primary.json");
        Instant now = Instant.now(); // tars's clock agrees with the share's
        store.writeHeartbeat(beat("tars", now));
        store.writeHeartbeat(beat("case", now.plusSeconds(95)));
        // A twin that stopped ten minutes ago, its clock right then, is not skewed: its age says when.
        store.writeHeartbeat(beat("dead", now.minus(Duration.ofMinutes(10))));
        stampedAt("tars", now);
        stampedAt("case", now);
        stampedAt("dead", now.minus(Duration.ofMinutes(10)));

        FlockSnapshot snapshot = FlockSnapshot.read(store, List.of("tars", "case", "dead"));

        assertThat(snapshot.problems())
                .containsExactlyInAnyOrder(
                        "clock skew: case's clock is 95 s ahead of tars's",
                        "clock skew: case's clock is 95 s ahead of dead's");
        assertThat(snapshot.heartbeatAges().get("dead")).isBetween(Duration.ofMinutes(10), Duration.ofMinutes(11));
        assertThat(snapshot.heartbeatAges().get("tars")).isLessThan(Duration.ofMinutes(1));
        assertThat(new StoreClockJudge(snapshot, new Liveness(Duration.ofSeconds(30), Duration.ofSeconds(60)))
                        .sinceLastChange("dead"))
                .contains(snapshot.heartbeatAges().get("dead"));
    }
}
