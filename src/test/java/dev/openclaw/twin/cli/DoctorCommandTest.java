package dev.openclaw.twin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openclaw.twin.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class DoctorCommandTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void aBadConfigIsOneFailedCheckNamingEachProblemAndExits78() throws Exception {
        Path config = Files.writeString(dir.resolve("twins.yaml"), """
                twins:
                  tars: {hostname: h1}
                  case: {hostname: h2, gateway_urll: http://x}
                """);

        CliRun text = CliRun.run(NOW, dir, "doctor", "--twin", "tars", "--config", config.toString());
        CliRun json = CliRun.run(NOW, dir, "doctor", "--twin", "tars", "--config", config.toString(), "--json");

        assertThat(text.exitCode()).isEqualTo(ExitCodes.BAD_CONFIG);
        assertThat(text.out()).contains("✗ config").contains("twins.yaml:3").contains("gateway_urll");
        assertThat(json.exitCode()).isEqualTo(ExitCodes.BAD_CONFIG);
        JsonNode report = new JsonMapper().readTree(json.out());
        assertThat(report.path("schemaVersion").asInt()).isEqualTo(1);
        assertThat(report.path("summary").path("status").asString()).isEqualTo("failure");
        assertThat(report.path("checks").get(0).path("name").asString()).isEqualTo("config");
        assertThat(report.path("checks").get(0).path("detail").asString()).contains("gateway_urll");
    }

    @Test
    void anUnknownTwinIsAUsageError() throws Exception {
        Path config =
                Files.writeString(dir.resolve("twins.yaml"), "twins: {tars: {hostname: h1}, case: {hostname: h2}}\n");

        CliRun run = CliRun.run(NOW, dir, "doctor", "--twin", "nobody", "--config", config.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("'nobody' is not a twin (twins: tars, case)");
    }
}
