package dev.openclaw.twin.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openclaw.twin.health.FlockStatus;
import dev.openclaw.twin.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlockAlertsTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));
    private final List<Alert> sent = new ArrayList<>();
    private final FlockAlerts alerts = new FlockAlerts(new Alerter(
            "tars",
            List.of(new Notifier() {
                @Override
                public String channel() {
                    return "test";
                }

                @Override
                public void send(Alert alert) {
                    sent.add(alert);
                }
            }),
            clock,
            d -> {},
            Runnable::run,
            a -> true,
            (a, d) -> {}));

    private static FlockStatus.TwinStatus twin(String name, String state, String gateway) {
        return new FlockStatus.TwinStatus(name, state, 1.0, gateway, "v", name);
    }

    private static FlockStatus status(
            String acting, List<String> problems, boolean readable, FlockStatus.TwinStatus... twins) {
        return new FlockStatus(
                1,
                "2026-11-29",
                "tars",
                "odd-even",
                "odd",
                acting,
                new FlockStatus.OverridesView(false, null, null, null),
                List.of(twins),
                problems,
                readable);
    }

    private List<String> log() {
        return sent.stream()
                .map(a -> a.state().word() + " " + a.key() + ": " + a.title())
                .toList();
    }

    private void observe(FlockStatus status) {
        alerts.observe(status);
        clock.advance(Duration.ofSeconds(1));
    }

    @Test
    void theFlocksConditionsStartAndEndAsAlerts() {
        FlockStatus healthy =
                status("tars", List.of(), true, twin("tars", "online", "ready"), twin("case", "online", "ready"));
        observe(healthy);
        assertThat(sent).isEmpty();

        observe(status("tars", List.of(), true, twin("tars", "online", "ready"), twin("case", "online", "not-ready")));
        observe(status("case", List.of(), true, twin("tars", "offline", "unknown"), twin("case", "online", "ready")));
        observe(healthy);

        assertThat(log())
                .containsExactly(
                        "firing gateway-down:case: case's gateway is not-ready",
                        "firing twin-offline:tars: tars is offline",
                        "resolved gateway-down:case: case's gateway is ready again",
                        "firing failover: case answers for tars",
                        "resolved twin-offline:tars: tars is back online",
                        "resolved failover: tars answers again as primary");
    }

    @Test
    void anUnreadableStoreIsOneAlertAndNothingElseIsJudgedMeanwhile() {
        observe(status(
                "tars",
                List.of("cannot read /mnt/shared"),
                false,
                twin("tars", "offline", "unknown"),
                twin("case", "offline", "unknown")));
        observe(status("tars", List.of(), true, twin("tars", "online", "ready"), twin("case", "online", "ready")));

        assertThat(log())
                .containsExactly(
                        "firing store-unreadable: shared state store unreadable",
                        "resolved store-unreadable: shared state store readable again");
    }

    @Test
    void corruptFilesAndClockSkewAreReportedPerProblemAndResolvedWhenGone() {
        FlockStatus.TwinStatus[] ok = {twin("tars", "online", "ready"), twin("case", "online", "ready")};
        observe(status(
                "tars",
                List.of(
                        "twin-primary.json: not valid JSON (line 1)",
                        "clock skew: case's clock is 95 s ahead of tars's"),
                true,
                ok));
        observe(status("tars", List.of("clock skew: case's clock is 95 s ahead of tars's"), true, ok));
        observe(status("tars", List.of(), true, ok));

        assertThat(log())
                .containsExactly(
                        "firing state-file:twin-primary.json: corrupt state file twin-primary.json",
                        "firing clock-skew:case: clock skew between twins",
                        "resolved state-file:twin-primary.json: twin-primary.json is readable again",
                        "resolved clock-skew:case: clocks agree again");
    }

    @Test
    void aGatewayUrlThatFailsWhileItsGatewayCallsIsAlertedAsAMisconfiguration() {
        FlockStatus.TwinStatus[] ok = {twin("tars", "online", "ready"), twin("case", "online", "ready")};
        String problem = "gateway_url of case looks wrong: http://127.0.0.1:18789/readyz unreachable: ConnectException"
                + " for 31 s while case's gateway calls its daemon (last 2 s ago); set gateway_url to the gateway's address";
        observe(status("tars", List.of(problem), true, ok));
        observe(status("tars", List.of(problem), true, ok));
        observe(status("tars", List.of(), true, ok));
        assertThat(log())
                .containsExactly(
                        "firing gateway-url:case: gateway_url of case looks wrong",
                        "resolved gateway-url:case: gateway_url of case answers again");
    }
}
