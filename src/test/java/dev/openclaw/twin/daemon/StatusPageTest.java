package dev.openclaw.twin.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.health.FlockSnapshot;
import dev.openclaw.twin.health.FlockStatus;
import dev.openclaw.twin.health.Liveness;
import dev.openclaw.twin.health.StoreClockJudge;
import dev.openclaw.twin.state.FileStateStore;
import dev.openclaw.twin.testing.TestConfigs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The status page over a share whose files carry control characters: the page shows them stripped. */
class StatusPageTest {

    private static final Instant NOON = Instant.parse("2026-02-28T12:00:00Z");
    private static final TwinsConfig CONFIG = TestConfigs.parse("""
            twins:
              tars: {hostname: 10.0.0.1}
              case: {hostname: 10.0.0.2}
            coordination: {odd_primary: tars, even_primary: case, timezone: UTC}
            """);

    @TempDir
    Path share;

    @Test
    void textFromTheShareIsShownWithoutControlCharacters() throws Exception {
        Path heartbeats = Files.createDirectories(share.resolve("twin/heartbeats"));
        Files.writeString(heartbeats.resolve("case.json"), """
                {"twin":"case","seq":7,"pid":1,"state":"running","host":"evil\\u001b]0;pwned\\u0007",
                 "version":"1.0\\u001b[31m\\u202e"}""");
        Files.writeString(share.resolve("twin/overrides.json"), """
                {"both":true,"by":"ann\\u0007\\u001b[2J"}""");
        FileStateStore store = new FileStateStore(share, "twin-primary.json");
        FlockSnapshot snapshot = FlockSnapshot.read(store, CONFIG.twinNames());
        FlockStatus status = FlockStatus.of(CONFIG, NOON, snapshot, new StoreClockJudge(snapshot, Liveness.of(CONFIG)));

        String page = StatusPage.render(status, "tars", NOON);
        assertThat(page)
                .contains("1.0[31m <span class=\"host\">on evil]0;pwned</span>")
                .contains("every twin answers (set by ann[2J)")
                .doesNotContain("\u001b", "\u0007", "\u202e");
    }
}
