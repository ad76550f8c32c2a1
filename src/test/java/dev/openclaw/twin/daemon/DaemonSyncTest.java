package dev.openclaw.twin.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.testing.MutableClock;
import dev.openclaw.twin.testing.TestConfigs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon's periodic sync: a file changed on two twins is kept twice and reported for an alert. */
class DaemonSyncTest {

    @TempDir
    Path dir;

    @Test
    void aConflictFoundByTheDaemonsSyncIsReportedForAnAlert() throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        TwinsConfig config = TestConfigs.parse("""
                twins:
                  tars: {hostname: h1, openclaw_path: %s}
                  case: {hostname: h2, openclaw_path: %s}
                shared_storage: {type: local, path: %s}
                sync: {interval: 1m, folders: [{path: knowledge}]}
                """.formatted(dir.resolve("tars"), dir.resolve("case"), store));
        MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));
        List<String> conflicts = new ArrayList<>();
        DaemonSync tars = new DaemonSync(
                config, "tars", clock, (folder, keptAs) -> conflicts.add("tars " + folder + " " + keptAs));
        DaemonSync casey = new DaemonSync(
                config, "case", clock, (folder, keptAs) -> conflicts.add("case " + folder + " " + keptAs));
        assertThat(tars.enabled()).isTrue();
        Path tarsPlan = Files.createDirectories(dir.resolve("tars/knowledge")).resolve("plan.md");
        Path casePlan = Files.createDirectories(dir.resolve("case/knowledge")).resolve("plan.md");
        Files.writeString(tarsPlan, "base");
        tars.syncAll();
        casey.syncAll();
        assertThat(Files.readString(casePlan)).isEqualTo("base");

        Files.writeString(tarsPlan, "tars's edit");
        Files.writeString(casePlan, "case's edit");
        tars.syncAll();
        clock.advance(Duration.ofMinutes(1));
        casey.syncAll();

        assertThat(conflicts).containsExactly("case knowledge plan.conflict-case-20261129T100100.md");
        assertThat(Files.readString(casePlan)).isEqualTo("tars's edit");
        assertThat(Files.readString(dir.resolve("case/knowledge/plan.conflict-case-20261129T100100.md")))
                .isEqualTo("case's edit");
    }

    @Test
    void aHostileIndexEntryIsLoggedOnceAndTheDaemonKeepsSyncingTheRest() throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        TwinsConfig config = TestConfigs.parse("""
                twins:
                  tars: {hostname: h1, openclaw_path: %s}
                  case: {hostname: h2, openclaw_path: %s}
                shared_storage: {type: local, path: %s}
                sync: {interval: 1m, folders: [{path: knowledge}]}
                """.formatted(dir.resolve("tars/ws"), dir.resolve("case/ws"), store));
        MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));
        DaemonSync tars = new DaemonSync(config, "tars", clock, (folder, keptAs) -> {});
        DaemonSync casey = new DaemonSync(config, "case", clock, (folder, keptAs) -> {});
        Files.writeString(
                Files.createDirectories(dir.resolve("tars/ws/knowledge")).resolve("a.md"), "a");
        tars.syncAll();
        Path index = store.resolve("sync/knowledge/index.json");
        Files.writeString(
                index,
                Files.readString(index)
                        .replace(
                                "\"files\":{",
                                "\"files\":{\"../../../outside.txt\":{\"sha256\":\"" + "0".repeat(64)
                                        + "\",\"size\":1,\"modifiedMillis\":0},"));

        ch.qos.logback.classic.Logger logger =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(DaemonSync.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
                new ch.qos.logback.core.read.ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try {
            casey.syncAll();
            clock.advance(Duration.ofMinutes(1));
            Files.writeString(dir.resolve("tars/ws/knowledge/b.md"), "b");
            tars.syncAll();
            casey.syncAll();
            clock.advance(Duration.ofMinutes(1));
            casey.syncAll();
        } finally {
            logger.detachAppender(logged);
        }
        assertThat(Files.readString(dir.resolve("case/ws/knowledge/a.md"))).isEqualTo("a");
        assertThat(Files.readString(dir.resolve("case/ws/knowledge/b.md"))).isEqualTo("b");
        assertThat(dir.resolve("outside.txt")).doesNotExist();
        assertThat(logged.list.stream()
                        .map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                        .filter(m -> m.contains("outside.txt"))
                        .toList())
                .as("once by each daemon, case's syncing three times and tars's once")
                .containsExactly(
                        "sync of knowledge: sync/knowledge/index.json: entry \"../../../outside.txt\""
                                + " refused (a '..' component)",
                        "sync of knowledge: sync/knowledge/index.json: entry \"../../../outside.txt\""
                                + " refused (a '..' component)");
    }
}
