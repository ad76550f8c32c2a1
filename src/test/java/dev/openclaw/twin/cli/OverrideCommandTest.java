package dev.openclaw.twin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openclaw.twin.state.FileStateStore;
import dev.openclaw.twin.state.Heartbeat;
import dev.openclaw.twin.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code twin override} end to end: written to a real store directory, seen by status and decide. */
class OverrideCommandTest {

    /** 2026-02-28 (even: case is primary) at 12:00 UTC. */
    private static final Instant NOON = Instant.parse("2026-02-28T12:00:00Z");

    private static final JsonMapper JSON = new JsonMapper();

    @TempDir
    Path dir;

    private Path state;

    @BeforeEach
    void writeConfigAndHeartbeats() throws Exception {
        state = Files.createDirectory(dir.resolve("state"));
        Files.writeString(dir.resolve("twins.yaml"), """
                twins:
                  tars: {hostname: 10.0.0.1, aliases: [TARS]}
                  case: {hostname: 10.0.0.2}
                shared_storage: {type: local, path: %s}
                coordination:
                  odd_primary: tars
                  even_primary: case
                  timezone: UTC
                """.formatted(state));
        FileStateStore store = new FileStateStore(state, "twin-primary.json");
        for (String twin : new String[] {"tars", "case"}) {
            store.writeHeartbeat(new Heartbeat(twin, 1, 100, twin, "test", NOON, NOON, Heartbeat.RUNNING, null));
        }
    }

    private CliRun twin(Instant now, String... args) {
        return CliRun.run(now, dir, args);
    }

    private JsonNode json(Instant now, String... args) {
        CliRun run = twin(now, args);
        assertThat(run.err()).isEmpty();
        return JSON.readTree(run.out());
    }

    private String decideReason(Instant now, String twinName) {
        return json(now, "decide", "--twin", twinName, "--text", "what is the weather?", "--json")
                .get("reason")
                .asString();
    }

    @Test
    void onlyIsStoredShownByStatusHonouredByDecideAndLapsesByItself() throws Exception {
        CliRun set = twin(NOON, "override", "only", "tars", "--until", "2h", "--by", "ann");
        assertThat(set.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(set.out()).isEqualTo("Override: only tars until 2026-02-28T14:00:00Z (set by ann)\n");
        JsonNode stored = JSON.readTree(state.resolve("twin/overrides.json").toFile());
        assertThat(stored.get("only").asString()).isEqualTo("tars");
        assertThat(stored.get("until").asString()).isEqualTo("2026-02-28T14:00:00Z");
        assertThat(stored.get("by").asString()).isEqualTo("ann");

        JsonNode overrides = json(NOON, "status", "--json").get("overrides");
        assertThat(overrides.get("only").asString()).isEqualTo("tars");
        assertThat(decideReason(NOON, "tars")).isEqualTo("override-only");
        assertThat(decideReason(NOON, "case")).isEqualTo("override-other");

        Instant later = Instant.parse("2026-02-28T14:00:00Z");
        assertThat(json(later, "status", "--json").get("overrides").get("only").isNull())
                .isTrue();
        assertThat(decideReason(later, "case")).isEqualTo("primary");
    }

    @Test
    void primaryPinsTheDayAndBothMakesEveryoneAnswer() {
        assertThat(twin(NOON, "override", "primary", "TARS").exitCode()).isEqualTo(ExitCodes.OK);
        JsonNode status = json(NOON, "status", "--json");
        assertThat(status.get("primary").asString()).isEqualTo("tars");
        assertThat(status.get("rule").asString()).isEqualTo("override");
        assertThat(decideReason(NOON, "tars")).isEqualTo("primary");

        CliRun both = twin(NOON, "override", "both", "--by", "ann");
        assertThat(both.out()).contains("Override: both until cleared").contains("Replaces: primary tars");
        assertThat(decideReason(NOON, "tars")).isEqualTo("both-flag");
        assertThat(decideReason(NOON, "case")).isEqualTo("both-flag");

        CliRun clear = twin(NOON, "override", "clear");
        assertThat(clear.out()).isEqualTo("Override: none\nCleared: both until cleared (set by ann)\n");
        assertThat(decideReason(NOON, "tars")).isEqualTo("standby");
    }

    @Test
    void aHandEditedBothRespondIsHonouredForItsDay() throws Exception {
        Files.writeString(state.resolve("twin-primary.json"), """
                {"date": "2026-02-28", "primary": "case", "secondary": "tars",
                 "bothRespond": true, "lastUpdated": "2026-02-28T08:00:00Z"}
                """);
        assertThat(decideReason(NOON, "tars")).isEqualTo("both-flag");
        assertThat(decideReason(Instant.parse("2026-03-01T12:00:00Z"), "case")).isEqualTo("standby");
    }

    @Test
    void badRequestsAreUsageErrorsAndWriteNothing() {
        assertUsage(twin(NOON, "override", "sometimes"), "'sometimes' is not an action");
        assertUsage(twin(NOON, "override", "only"), "'only' needs a twin name (one of tars, case)");
        assertUsage(twin(NOON, "override", "only", "kipp"), "'kipp' is not a twin (twins: tars, case)");
        assertUsage(twin(NOON, "override", "both", "tars"), "'both' takes no twin name");
        assertUsage(twin(NOON, "override", "both", "--until", "soonish"), "is not a time: use an ISO instant");
        assertUsage(twin(NOON, "override", "both", "--until", "2026-02-28T11:00:00Z"), "is not in the future");
        assertThat(state.resolve("twin/overrides.json")).doesNotExist();
    }

    @Test
    void anUnreachableStoreFailsLoudly() throws Exception {
        Files.delete(state.resolve("twin/heartbeats/tars.json"));
        Files.delete(state.resolve("twin/heartbeats/case.json"));
        Files.delete(state.resolve("twin/heartbeats"));
        Files.delete(state.resolve("twin"));
        Files.delete(state);
        CliRun run = twin(NOON, "override", "both");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(run.err()).startsWith("twin: override not written: ").contains(state.toString());
    }

    private static void assertUsage(CliRun run, String message) {
        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains(message);
    }
}
