package dev.openclaw.twin.rescue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.health.FlockStatus;
import dev.openclaw.twin.state.FileStateStore;
import dev.openclaw.twin.testing.MutableClock;
import dev.openclaw.twin.testing.TestConfigs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon side of auto-rescue on an injected clock and a real state directory: which peers are
 * rescued, by whom, how often, and what lands on the event trail. The runner stands in for SSH
 * (RescueIT covers that against a real sshd) and reports failure, as a dead host would.
 */
class AutoRescueTest {

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));
    // Runs each rescue at once on the test's thread, so the order of events is deterministic.
    private final ExecutorService direct = Executors.newSingleThreadExecutor();
    private final List<String> rescued = new ArrayList<>();

    @AfterEach
    void stop() {
        direct.shutdownNow();
    }

    private TwinsConfig config() {
        return TestConfigs.parse("""
                twins:
                  tars: {hostname: h1}
                  case: {hostname: h2}
                  kipp: {hostname: h3}
                monitoring: {health_check_interval: 30s}
                rescue: {max_attempts: 3}
                """);
    }

    private AutoRescue autoRescue(boolean weOwnTheDuty, String outcome) throws IOException {
        Files.createDirectories(dir);
        return new AutoRescue(
                "tars",
                config(),
                new FileStateStore(dir, "twin-primary.json"),
                clock,
                (job, slot) -> weOwnTheDuty,
                peer -> {
                    synchronized (rescued) {
                        rescued.add(peer);
                    }
                    return new RescueReport(peer, outcome, List.of(), Duration.ofMillis(5), "", null);
                },
                direct,
                AutoRescue.Listener.NONE);
    }

    private static FlockStatus status(String caseState, String caseGateway, String only) {
        return new FlockStatus(
                1,
                "2026-11-29",
                "tars",
                "odd-even",
                "odd",
                "tars",
                new FlockStatus.OverridesView(false, only, null, null),
                List.of(
                        new FlockStatus.TwinStatus("tars", "online", 0.5, "ready", "v", "h1"),
                        new FlockStatus.TwinStatus("case", caseState, 3.0, caseGateway, "v", "h2"),
                        new FlockStatus.TwinStatus("kipp", "stopped", 90.0, "unknown", "v", "h3")),
                List.of(),
                true);
    }

    /** Ticks once a second for {@code seconds}, letting each started rescue finish before the next tick. */
    private void run(AutoRescue auto, FlockStatus status, int seconds) throws Exception {
        for (int s = 0; s < seconds; s++) {
            auto.tick(status);
            direct.submit(() -> {}).get(); // the rescue started by this tick has finished
            clock.advance(Duration.ofSeconds(1));
        }
    }

    private String events() throws IOException {
        Path trail = dir.resolve("twin/events/tars");
        if (!Files.isDirectory(trail)) {
            return "";
        }
        try (Stream<Path> files = Files.list(trail)) {
            StringBuilder all = new StringBuilder();
            for (Path file : files.toList()) {
                all.append(Files.readString(file));
            }
            return all.toString();
        }
    }

    @Test
    void aPeerWhoseGatewayStaysNotReadyIsRescuedWithBackoffThenEscalatedOnce() throws Exception {
        AutoRescue auto = autoRescue(true, "failed");

        run(auto, status("online", "not-ready", null), 600);

        // 30 s of patience, then attempts 10 and 20 s apart; the fourth would be one too many.
        assertThat(rescued).containsExactly("case", "case", "case");
        assertThat(auto.escalated("case")).isTrue();
        String events = events();
        assertThat(events.lines().filter(l -> l.contains("\"kind\":\"rescue-started\"")))
                .hasSize(3);
        assertThat(events.lines().filter(l -> l.contains("\"kind\":\"rescue-escalated\"")))
                .hasSize(1);
        assertThat(events).contains("3 rescue attempts in 10 min did not bring it back");
        // A twin stopped on purpose is never touched.
        assertThat(events).doesNotContain("\"target\":\"kipp\"");
    }

    @Test
    void aHealthyOrDeliberatelyStoppedPeerIsLeftAlone() throws Exception {
        AutoRescue auto = autoRescue(true, "failed");
        run(auto, status("online", "ready", null), 120);
        run(auto, status("stopped", "unknown", null), 120);
        run(auto, status("never-seen", "unknown", null), 120);
        assertThat(rescued).isEmpty();
        assertThat(events()).isEmpty();
    }

    @Test
    void onlyTheTwinHoldingTheDutyRescues() throws Exception {
        AutoRescue notOurs = autoRescue(false, "failed");
        run(notOurs, status("offline", "unknown", null), 120);
        assertThat(rescued).isEmpty();
    }

    @Test
    void recoveryIsRecordedAndAPersonsOverrideRestartsAfterAnEscalation() throws Exception {
        AutoRescue auto = autoRescue(true, "failed");
        run(auto, status("offline", "unknown", null), 600);
        assertThat(auto.escalated("case")).isTrue();
        int before = rescued.size();

        // Someone sets an override: they are looking at it, so automatic rescue may try again.
        run(auto, status("offline", "unknown", "tars"), 31);
        assertThat(auto.escalated("case")).isFalse();
        assertThat(rescued).hasSize(before + 1);

        run(auto, status("online", "ready", "tars"), 1);
        assertThat(events()).contains("\"kind\":\"rescue-recovered\"");
    }

    @Test
    void afterAnEscalationAPersonsTwinRescueStartsAutomaticRescueOver() throws Exception {
        AutoRescue auto = autoRescue(true, "failed");
        run(auto, status("offline", "unknown", null), 600);
        assertThat(auto.escalated("case")).isTrue();
        int before = rescued.size();

        // 'twin rescue case' records this; it did not bring case back either.
        new FileStateStore(dir, "twin-primary.json").recordManualRescue("case", clock.instant());
        run(auto, status("offline", "unknown", null), 31);

        assertThat(auto.escalated("case")).isFalse();
        assertThat(rescued).hasSize(before + 1);
    }

    @Test
    void aRefusedHostKeyEscalatesAfterOneAttempt() throws Exception {
        AutoRescue auto = autoRescue(true, "refused");
        run(auto, status("offline", "unknown", null), 600);
        assertThat(rescued).containsExactly("case");
        assertThat(events()).contains("SSH refused");
    }
}
