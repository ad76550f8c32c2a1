package dev.openclaw.twin.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.coordination.Overrides;
import dev.openclaw.twin.state.Heartbeat;
import dev.openclaw.twin.state.Heartbeat.GatewayHealth;
import dev.openclaw.twin.testing.TestConfigs;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A gateway that calls its daemon is up whatever /readyz says; on a hand-driven monotonic clock. */
class GatewayEvidenceTest {

    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private static final GatewayHealth UNREACHABLE = new GatewayHealth(false, T0, "unreachable: ConnectException");

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final GatewayEvidence evidence =
            new GatewayEvidence("case", URI.create("http://127.0.0.1:18789"), nanos::get);

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Test
    void aFailingProbeWithoutCallsIsNotReadyAndCallsMakeItReadyForAWhile() {
        evidence.probed(UNREACHABLE);
        assertThat(evidence.current()).contains(UNREACHABLE);

        advance(Duration.ofSeconds(5));
        evidence.pluginCalled();
        advance(Duration.ofSeconds(2));
        GatewayHealth health = evidence.current().orElseThrow();
        assertThat(health.ready()).isTrue();
        assertThat(health.detail()).isEqualTo("ready: plugin called 2 s ago (/readyz unreachable: ConnectException)");
        assertThat(health.problem()).as("not failing long enough yet").isNull();

        advance(GatewayEvidence.CALLS_COUNT_FOR);
        assertThat(evidence.current()).as("no call within the window").contains(UNREACHABLE);
    }

    @Test
    void aGatewayThatDiesAfterItsLastCallIsDownAtOnceThoughItCalledRecently() {
        evidence.probed(new GatewayHealth(true, T0, "ready"));
        evidence.pluginCalled(); // the decide of the turn it is generating when it dies
        advance(Duration.ofSeconds(1));
        evidence.probed(UNREACHABLE);
        assertThat(evidence.calling()).isFalse();
        assertThat(evidence.current())
                .as("a call before the failure proves nothing about it")
                .contains(UNREACHABLE);

        advance(Duration.ofSeconds(1));
        evidence.pluginCalled(); // it was only a probe that fails: the gateway calls again
        assertThat(evidence.calling()).isTrue();
        assertThat(evidence.current().orElseThrow().ready()).isTrue();
    }

    @Test
    void aProbeThatTimesOutOnABusyGatewayLeavesItsRecentCallsCounting() {
        evidence.probed(new GatewayHealth(true, T0, "ready"));
        evidence.pluginCalled(); // the decide of the long turn it is generating
        advance(Duration.ofSeconds(1));
        evidence.probed(new GatewayHealth(false, T0, "unreachable: HttpTimeoutException"));
        assertThat(evidence.calling()).as("slow, not dead").isTrue();
        assertThat(evidence.current().orElseThrow().ready()).isTrue();
        evidence.probed(new GatewayHealth(false, T0, "HTTP 503"));
        assertThat(evidence.calling()).as("answering, so alive").isTrue();
    }

    @Test
    void aProbeFailingWhileThePluginKeepsCallingIsReportedNamingTheUrl() {
        evidence.probed(UNREACHABLE);
        for (int i = 0; i < 16; i++) {
            advance(Duration.ofSeconds(2));
            evidence.pluginCalled();
            evidence.probed(UNREACHABLE);
        }
        assertThat(evidence.current().orElseThrow().problem())
                .startsWith("gateway_url of case looks wrong: http://127.0.0.1:18789/readyz unreachable")
                .contains("for 32 s while case's gateway calls its daemon (last 0 s ago)");

        // The probe answers again (gateway_url fixed, or the gateway was only restarting).
        evidence.probed(new GatewayHealth(true, T0, "ready"));
        assertThat(evidence.current().orElseThrow())
                .extracting(GatewayHealth::ready, GatewayHealth::problem)
                .containsExactly(true, null);
        evidence.probed(UNREACHABLE);
        assertThat(evidence.current().orElseThrow().problem())
                .as("failing afresh")
                .isNull();
    }

    @Test
    void aTwinWhoseGatewayCallsIsUpForFailoverAndItsProblemIsInTheStatus() {
        TwinsConfig config = TestConfigs.parse("""
                twins:
                  tars: {hostname: a}
                  case: {hostname: b}
                shared_storage: {type: local, path: /tmp/unused}
                coordination: {rotation: daily, odd_primary: case, even_primary: tars, timezone: UTC}
                """);
        evidence.probed(UNREACHABLE);
        for (int i = 0; i < 16; i++) {
            advance(Duration.ofSeconds(2));
            evidence.pluginCalled();
            evidence.probed(UNREACHABLE);
        }
        LivenessTracker tracker =
                new LivenessTracker(nanos::get, new Liveness(Duration.ofSeconds(3), Duration.ofSeconds(20)));
        for (long seq = 1; seq <= 2; seq++) {
            tracker.observe(new Heartbeat(
                    "case",
                    seq,
                    1,
                    "b",
                    "v",
                    T0,
                    T0,
                    Heartbeat.RUNNING,
                    evidence.current().orElseThrow(),
                    "r"));
            tracker.observe(new Heartbeat("tars", seq, 2, "a", "v", T0, T0, Heartbeat.RUNNING, UNREACHABLE, "s"));
            advance(Duration.ofMillis(300));
        }
        FlockSnapshot snapshot =
                new FlockSnapshot(Map.of(), Map.of(), Overrides.NONE, Optional.empty(), List.of(), Optional.empty());
        Instant odd = Instant.parse("2026-03-01T12:00:00Z");
        assertThat(snapshot.view(config, odd, tracker).offline()).containsExactly("tars");
        FlockStatus status = FlockStatus.of(config, odd, snapshot, tracker);
        assertThat(status.actingPrimary()).isEqualTo("case");
        assertThat(status.problems()).singleElement().asString().startsWith("gateway_url of case looks wrong");
        assertThat(status.healthy()).isFalse();
    }
}
