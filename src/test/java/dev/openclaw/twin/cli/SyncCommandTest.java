package dev.openclaw.twin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openclaw.twin.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code twin sync} shows what it refused from the share: as text, in --json, and in its exit code. */
class SyncCommandTest {

    @TempDir
    Path dir;

    private Path config;
    private Path store;

    @BeforeEach
    void flock() throws Exception {
        Files.createDirectories(dir.resolve("tars/knowledge"));
        Files.createDirectories(dir.resolve("case/knowledge"));
        store = Files.createDirectories(dir.resolve("store"));
        config = dir.resolve("twins.yaml");
        Files.writeString(config, """
                twins:
                  tars: {hostname: 10.0.0.1, openclaw_path: %s}
                  case: {hostname: 10.0.0.2, openclaw_path: %s}
                shared_storage: {type: local, path: %s}
                sync:
                  folders: [{path: knowledge}]
                """.formatted(dir.resolve("tars"), dir.resolve("case"), store));
        Files.writeString(dir.resolve("tars/knowledge/good.md"), "good");
        assertThat(sync("tars").exitCode()).isEqualTo(ExitCodes.OK);
        // A hostile entry, with an escape sequence in its name for the terminal.
        Path index = store.resolve("sync/knowledge/index.json");
        Files.writeString(
                index,
                Files.readString(index)
                        .replace(
                                "\"files\":{",
                                "\"files\":{\"../../x\\u001b[2J.md\":{\"sha256\":\"" + "0".repeat(64)
                                        + "\",\"size\":1,\"modifiedMillis\":0},"));
    }

    private CliRun sync(String twin, String... more) {
        String[] args = new String[4 + more.length];
        args[0] = "sync";
        args[1] = "--twin=" + twin;
        args[2] = "--config";
        args[3] = config.toString();
        System.arraycopy(more, 0, args, 4, more.length);
        return CliRun.run(Clock.systemUTC(), dir, args);
    }

    @Test
    void refusedEntriesArePrintedEscapedAndTheExitIsDegraded() throws Exception {
        CliRun run = sync("case");

        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(ExitCodes.DEGRADED);
        assertThat(run.out())
                .contains("1 received")
                .contains(
                        "problem: sync/knowledge/index.json: entry \"../../x\\u001b[2J.md\" refused (a control character in the path)")
                .doesNotContain("\u001b");
        assertThat(Files.readString(dir.resolve("case/knowledge/good.md"))).isEqualTo("good");
    }

    @Test
    void jsonCarriesTheProblemsOfEachFolder() throws Exception {
        CliRun run = sync("case", "--json");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.DEGRADED);
        JsonNode json = JsonMapper.builder().build().readTree(run.out());
        assertThat(json.get("schemaVersion").intValue()).isEqualTo(1);
        JsonNode folder = json.get("folders").get(0);
        assertThat(folder.get("pulled").get(0).stringValue()).isEqualTo("good.md");
        assertThat(folder.get("problems").get(0).stringValue())
                .isEqualTo(
                        "sync/knowledge/index.json: entry \"../../x\\u001b[2J.md\" refused (a control character in the path)");
    }
}
