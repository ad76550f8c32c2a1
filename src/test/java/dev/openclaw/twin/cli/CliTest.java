package dev.openclaw.twin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openclaw.twin.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class CliTest {

    /** 2026-02-28 (even) at 12:00 UTC. */
    private static final Instant EVEN_DAY = Instant.parse("2026-02-28T12:00:00Z");

    private static final JsonMapper JSON = new JsonMapper();

    @TempDir
    Path dir;

    private Path config;

    @BeforeEach
    void writeConfig() throws Exception {
        config = dir.resolve("twins.yaml");
        Files.writeString(config, """
                twins:
                  tars: {hostname: 10.0.0.1, aliases: [TARS]}
                  case: {hostname: 10.0.0.2}
                coordination:
                  odd_primary: tars
                  even_primary: case
                  timezone: UTC
                  takeover_delay_seconds: 1.5
                """);
    }

    private CliRun twin(String... args) {
        return CliRun.run(EVEN_DAY, dir, args);
    }

    @Test
    void whoPrintsTodaysPrimaryLikeTheSeed() {
        CliRun run = twin("who", "--config", config.toString());
        assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).isEqualTo("Primary today: case (even date)\nSecondary: tars\n");
    }

    @Test
    void theConfigMayComeBeforeTheCommandOrBetweenACommandAndItsSubcommand() throws Exception {
        // The synopsis's own form, 'twin [--config PATH] COMMAND' (it answered "Unknown options").
        CliRun before = twin("--config", config.toString(), "who");
        assertThat(before.err()).isEmpty();
        assertThat(before.out()).isEqualTo("Primary today: case (even date)\nSecondary: tars\n");
        assertThat(twin("-c", config.toString(), "validate").out()).contains(config + ": OK (2 twins");
        Path elsewhere = Files.createTempDirectory(dir, "elsewhere");
        for (String[] args : new String[][] {
            {"--config", config.toString(), "backup", "list"},
            {"backup", "--config", config.toString(), "list"},
            {"backup", "list", "--config", config.toString()}
        }) {
            // Run from a directory without twins.yaml: only --config can have found it.
            CliRun run = CliRun.run(EVEN_DAY, elsewhere, args);
            assertThat(run.err()).as(String.join(" ", args)).isEmpty();
            assertThat(run.out()).startsWith("No snapshots in ");
            assertThat(run.exitCode()).isZero();
        }
        CliRun alert = CliRun.run(EVEN_DAY, elsewhere, "-v", "--config", config.toString(), "alert", "test");
        assertThat(alert.err()).contains("no alert channel is configured");
    }

    @Test
    void whoFindsTwinsYamlInTheWorkingDirectory() {
        CliRun run = twin("who", "--date", "2026-03-01");
        assertThat(run.out()).startsWith("Primary on 2026-03-01: tars (odd date)\n");
    }

    @Test
    void whoJsonFollowsTheContract() {
        CliRun run = twin("who", "--json", "--date", "2026-02-28");
        JsonNode json = JSON.readTree(run.out());
        assertThat(json.get("schemaVersion").asInt()).isEqualTo(1);
        assertThat(json.get("date").asString()).isEqualTo("2026-02-28");
        assertThat(json.get("primary").asString()).isEqualTo("case");
        assertThat(json.get("secondary").asString()).isEqualTo("tars");
        assertThat(json.get("order").toString()).isEqualTo("[\"case\",\"tars\"]");
        assertThat(json.get("rule").asString()).isEqualTo("odd-even");
        assertThat(json.get("parity").asString()).isEqualTo("even");
    }

    @Test
    void decideReportsStandbyWithItsWait() {
        CliRun run = twin("decide", "--twin", "tars", "--text", "what is the capital of Peru?", "--json");
        JsonNode json = JSON.readTree(run.out());
        assertThat(json.get("schemaVersion").asInt()).isEqualTo(1);
        assertThat(json.get("twin").asString()).isEqualTo("tars");
        assertThat(json.get("respond").asBoolean()).isFalse();
        assertThat(json.get("reason").asString()).isEqualTo("standby");
        assertThat(json.get("claimant").asString()).isEqualTo("case");
        assertThat(json.get("waitMs").asLong()).isEqualTo(1500);

        CliRun text = twin("decide", "--twin", "tars", "--text", "what is the capital of Peru?");
        assertThat(text.out())
                .isEqualTo("tars: silent (standby) — case claims it; tars takes it over if no claim appears within"
                        + " 1.5s\n");
    }

    @Test
    void decideNamedAndFromTwin() {
        assertThat(twin("decide", "--twin", "tars", "--text", "TARS, hello").out())
                .isEqualTo("tars: respond (named) — the message asks for tars\n");
        CliRun other = twin("decide", "--twin", "case", "--text", "TARS, hello", "--json");
        JsonNode json = JSON.readTree(other.out());
        assertThat(json.get("reason").asString()).isEqualTo("named-other");
        assertThat(json.get("claimant").asString()).isEqualTo("tars");
        assertThat(twin("decide", "--twin", "case", "--text", "Lima.", "--from", "tars_!~t@127.0.0.1")
                        .out())
                .startsWith("case: silent (from-twin)");
    }

    @Test
    void decideRejectsAnUnknownTwinAsUsage() {
        CliRun run = twin("decide", "--twin", "kipp", "--text", "hi");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).isEqualTo("twin: --twin: 'kipp' is not a twin (twins: tars, case)\n");
    }

    @Test
    void validatePrintsEveryProblemAndExits78() throws Exception {
        Files.writeString(
                config, "twins:\n  tars:\n    hostname: a\ncoordination:\n  odd_primary: kipp\n  rotaton: daily\n");
        CliRun run = twin("validate", "--config", config.toString());
        assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_CONFIG);
        assertThat(run.err().lines())
                .containsExactly(
                        config + ":1:1 twins: a flock needs at least 2 twins, found 1",
                        config + ":5:16 coordination.odd_primary: 'kipp' is not a twin (twins: tars)",
                        config + ":6:3 coordination.rotaton: unknown key (did you mean 'rotation'? allowed: rotation,"
                                + " odd_primary, even_primary, primary, order, timezone, fallback_timeout_minutes,"
                                + " offline_after_seconds, takeover_delay_seconds, takeover_dispatch,"
                                + " machine_specific_patterns)");
        // Every command refuses a bad configuration the same way.
        assertThat(twin("who", "--config", config.toString()).exitCode()).isEqualTo(ExitCodes.BAD_CONFIG);
    }

    @Test
    void validateJsonListsProblemsWithTheirPositions() throws Exception {
        Files.writeString(config, "twins:\n  tars: {hostname: a}\n  case: {hostname: b}\ndaemon: {bind: 0.0.0.0}\n");
        CliRun run = twin("validate", "--json");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_CONFIG);
        JsonNode problem = JSON.readTree(run.out()).get("problems").get(0);
        assertThat(problem.get("line").asInt()).isEqualTo(4);
        assertThat(problem.get("column").asInt()).isEqualTo(16);
        assertThat(problem.get("keyPath").asString()).isEqualTo("daemon.bind");
    }

    @Test
    void validateAcceptsAGoodFile() {
        CliRun run = twin("validate");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).isEqualTo(config + ": OK (2 twins: tars, case)\n");
    }

    @Test
    void aMissingConfigSaysWhereItLooked() throws Exception {
        Files.delete(config);
        CliRun run = twin("who");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_CONFIG);
        assertThat(run.err())
                .contains(
                        "no twins.yaml found. Looked in:",
                        dir.resolve("twins.yaml").toString())
                .contains("Create one with 'twin init', or pass --config PATH.");
    }

    @Test
    void usageErrorsExit2() {
        assertThat(twin().exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(twin("who", "--date", "yesterday").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(twin("frobnicate").exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void versionHasASchemaVersionInJson() {
        JsonNode json = JSON.readTree(twin("version", "--json").out());
        assertThat(json.get("schemaVersion").asInt()).isEqualTo(1);
        assertThat(json.get("version").asString()).isNotBlank().isNotEqualTo("unknown");
    }
}
