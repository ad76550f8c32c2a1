package dev.openclaw.twin.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openclaw.twin.arbiter.ArbiterClient;
import dev.openclaw.twin.arbiter.ArbiterRole;
import dev.openclaw.twin.arbiter.ArbitratedStore;
import dev.openclaw.twin.health.TwinState;
import dev.openclaw.twin.protocol.ClaimKeys;
import dev.openclaw.twin.state.Claim;
import dev.openclaw.twin.state.ClaimState;
import dev.openclaw.twin.state.FileStateStore;
import dev.openclaw.twin.testing.MutableClock;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One twin prunes per round: the duty's winner on a shared directory, the arbiter on a cloud folder. */
class ClaimPrunerTest {

    private static final Duration RETENTION = Duration.ofMinutes(2);
    private static final Duration EVERY = Duration.ofMinutes(1);

    @TempDir
    Path dir;

    @TempDir
    Path caseDir;

    private final MutableClock clock = new MutableClock(Instant.now());
    private final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);

    private void ageClaims(Instant to) throws Exception {
        try (Stream<Path> files = Files.walk(dir.resolve("twin/claims"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.setLastModifiedTime(f, FileTime.from(to));
            }
        }
    }

    /** tars's store on its copy of a cloud folder, tars arbitrating (case, up, names it). */
    private ArbitratedStore arbitrating(FileStateStore copy) {
        ArbiterRole role = new ArbiterRole(
                "tars",
                () -> List.of("tars", "case"),
                twin -> TwinState.ONLINE,
                Set::of,
                () -> true,
                nanos::get,
                Duration.ofSeconds(2),
                Duration.ofSeconds(3),
                Duration.ofSeconds(5));
        role.flockSeen();
        role.answered("case", Optional.of("tars"), nanos.get(), Optional.of(Duration.ofMinutes(10)));
        ArbiterClient client = new ArbiterClient(
                HttpClient.newHttpClient(),
                Map.of(),
                Optional.empty(),
                Duration.ofSeconds(1),
                Duration.ofSeconds(1),
                nanos::get);
        ArbitratedStore store = new ArbitratedStore(copy, role, client, clock, nanos::get);
        assertThat(role.serving()).isTrue();
        return store;
    }

    private String round() {
        return Long.toString(clock.millis() / EVERY.toMillis());
    }

    @Test
    void onACloudFolderTheArbiterPrunesEveryRoundWhoeverTookTheRoundsDuty() throws Exception {
        FileStateStore copy = new FileStateStore(dir, "twin-primary.json");
        ArbitratedStore store = arbitrating(copy);
        copy.createClaim(new Claim("discord:chan:1", "case", "primary", clock.instant(), 1, "case-run"));
        // What an older run did: case asked the arbiter for this round's prune duty and won it, then
        // pruned nothing, since only the arbiter deletes claim files.
        copy.createClaim(
                new Claim(ClaimKeys.dutyKey("prune-claims", round()), "case", "duty", clock.instant(), 1, "case-run"));
        ageClaims(Instant.now().minus(Duration.ofHours(1)));

        int pruned = new ClaimPruner(store, true, "tars", "tars-run", clock, RETENTION).prune();

        assertThat(pruned).as("the old claim and the old duty").isEqualTo(2);
        assertThat(copy.readClaim("discord:chan:1")).isInstanceOf(ClaimState.Unclaimed.class);
    }

    @Test
    void onACloudFolderATwinThatDoesNotArbitratePrunesNothingAndTakesNoDuty() throws Exception {
        FileStateStore copy = new FileStateStore(dir, "twin-primary.json");
        ArbitratedStore tars = arbitrating(copy);
        copy.createClaim(new Claim("discord:chan:1", "case", "primary", clock.instant(), 1, "case-run"));
        ageClaims(Instant.now().minus(Duration.ofHours(1)));
        ArbiterRole notArbiter = new ArbiterRole(
                "case",
                () -> List.of("tars", "case"),
                twin -> TwinState.ONLINE,
                Set::of,
                () -> true,
                nanos::get,
                Duration.ofSeconds(2),
                Duration.ofSeconds(3),
                Duration.ofSeconds(5));
        notArbiter.flockSeen();
        // case's own copy: never asked for a claim, since it does not prune.
        FileStateStore caseCopy = new FileStateStore(caseDir, "twin-primary.json");
        ArbitratedStore kase = new ArbitratedStore(
                caseCopy,
                notArbiter,
                new ArbiterClient(
                        HttpClient.newHttpClient(),
                        Map.of(),
                        Optional.empty(),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(1),
                        nanos::get),
                clock,
                nanos::get);

        assertThat(new ClaimPruner(kase, true, "case", "case-run", clock, RETENTION).prune())
                .isZero();
        assertThat(tars.readClaim(ClaimKeys.dutyKey("prune-claims", round())))
                .as("no duty asked of the arbiter")
                .isInstanceOf(ClaimState.Unclaimed.class);
        assertThat(copy.readClaim("discord:chan:1")).isInstanceOf(ClaimState.Held.class);
    }

    @Test
    void onASharedDirectoryOnlyTheRoundsDutyWinnerPrunes() throws Exception {
        FileStateStore store = new FileStateStore(dir, "twin-primary.json");
        store.createClaim(new Claim("discord:chan:1", "case", "primary", clock.instant(), 1, "case-run"));
        ageClaims(Instant.now().minus(Duration.ofHours(1)));

        assertThat(new ClaimPruner(store, false, "tars", "tars-run", clock, RETENTION).prune())
                .isEqualTo(1);
        store.createClaim(new Claim("discord:chan:2", "case", "primary", clock.instant(), 1, "case-run"));
        ageClaims(Instant.now().minus(Duration.ofHours(1)));
        assertThat(new ClaimPruner(store, false, "case", "case-run", clock, RETENTION).prune())
                .as("tars took this round")
                .isZero();
        clock.advance(EVERY);
        assertThat(new ClaimPruner(store, false, "case", "case-run", clock, RETENTION).prune())
                .as("the next round's duty")
                .isGreaterThanOrEqualTo(1);
    }
}
