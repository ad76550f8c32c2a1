package dev.openclaw.twin.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Claims and heartbeats gained an incarnation: each version reads what the other writes. */
class IncarnationFormatTest {

    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    @TempDir
    Path dir;

    /** The claim as the previous release knew it, read the way that release reads files. */
    record PreviousClaim(String key, String twin, String reason, Instant claimedAt, int generation) {}

    @Test
    void aClaimCarriesItsIncarnationAndAnOldOneReadsWithout() throws Exception {
        FileStateStore store = new FileStateStore(dir, "twin-primary.json");
        assertThat(store.createClaim(new Claim("irc:#a:1", "tars", "primary", T0, 1, "run-7")))
                .isTrue();
        assertThat(store.readClaim("irc:#a:1"))
                .isEqualTo(new ClaimState.Held(new Claim("irc:#a:1", "tars", "primary", T0, 1, "run-7")));

        Path file;
        try (Stream<Path> files = Files.walk(dir.resolve("twin/claims"))) {
            file = files.filter(f -> f.toString().endsWith(".json")).findFirst().orElseThrow();
        }
        String written = Files.readString(file);
        PreviousClaim previous = JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build()
                .readValue(written, PreviousClaim.class);
        assertThat(previous).isEqualTo(new PreviousClaim("irc:#a:1", "tars", "primary", T0, 1));

        // A claim the previous release wrote: no incarnation.
        Files.writeString(file, written.replaceAll(",?\\s*\"incarnation\"\\s*:\\s*\"run-7\"", ""));
        assertThat(Files.readString(file)).doesNotContain("incarnation");
        assertThat(store.readClaim("irc:#a:1"))
                .isEqualTo(new ClaimState.Held(new Claim("irc:#a:1", "tars", "primary", T0, 1, null)));
    }

    @Test
    void aHeartbeatWithoutAnIncarnationStillReads() throws Exception {
        FileStateStore store = new FileStateStore(dir, "twin-primary.json");
        Files.createDirectories(dir.resolve("twin/heartbeats"));
        Files.writeString(dir.resolve("twin/heartbeats/case.json"), """
                {"twin":"case","seq":3,"pid":42,"host":"b","version":"0.9","startedAt":"2026-03-01T11:00:00Z",
                 "writtenAt":"2026-03-01T12:00:00Z","state":"running","gateway":null}
                """);
        store.writeHeartbeat(new Heartbeat("tars", 1, 7, "a", "1.0", T0, T0, Heartbeat.RUNNING, null, "run-1"));
        var read = store.readHeartbeats();
        assertThat(read.get("case").present().orElseThrow().incarnation()).isNull();
        assertThat(read.get("tars").present().orElseThrow().incarnation()).isEqualTo("run-1");
    }
}
