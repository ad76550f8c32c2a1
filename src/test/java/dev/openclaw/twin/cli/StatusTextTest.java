package dev.openclaw.twin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openclaw.twin.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code twin status} over a share whose files carry terminal control sequences (ESC, BEL, a bidi
 * override): what it prints is stripped of them, so a planted file cannot drive the terminal.
 */
class StatusTextTest {

    private static final Instant NOON = Instant.parse("2026-02-28T12:00:00Z");

    @TempDir
    Path dir;

    private Path state;

    @BeforeEach
    void writeConfig() throws Exception {
        state = Files.createDirectory(dir.resolve("state"));
        Files.writeString(dir.resolve("twins.yaml"), """
                twins:
                  tars: {hostname: 10.0.0.1}
                  case: {hostname: 10.0.0.2}
                shared_storage: {type: local, path: %s}
                coordination: {odd_primary: tars, even_primary: case, timezone: UTC}
                """.formatted(state));
        Path heartbeats = Files.createDirectories(state.resolve("twin/heartbeats"));
        Files.writeString(heartbeats.resolve("case.json"), """
                {"twin":"case","seq":7,"pid":1,"state":"running","host":"evil\\u001b]0;pwned\\u0007",
                 "version":"1.0\\u001b[31m\\u202e","startedAt":"2026-02-28T11:00:00Z",
                 "writtenAt":"2026-02-28T12:00:00Z"}""");
        Files.writeString(heartbeats.resolve("x\u001b[2J.json"), "{}");
        Files.writeString(state.resolve("twin/overrides.json"), """
                {"both":true,"by":"ann\\u0007\\u001b[2J"}""");
    }

    @Test
    void statusTextCarriesNoControlCharactersFromTheShare() {
        CliRun run = CliRun.run(NOON, dir, "status");
        assertThat(run.out())
                .contains("1.0[31m on evil]0;pwned")
                .contains("Override: both respond (set by ann[2J)")
                .doesNotContain("\u001b", "\u0007", "\u202e");
        assertThat(run.err()).doesNotContain("\u001b", "\u0007");
    }

    @Test
    void aPlantedOverrideNamesCannotReachTheTerminalEither() throws Exception {
        Files.writeString(state.resolve("twin/overrides.json"), """
                {"both":false,"only":"case\\u001b[2J","by":"x"}""");
        CliRun run = CliRun.run(NOON, dir, "status");
        assertThat(run.out())
                .contains("Problem: twin/overrides.json: field 'only' is not a twin name: 'case[2J'")
                .doesNotContain("\u001b", "\u0007");
    }
}
