package dev.openclaw.twin.doctor;

import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.notify.Alert;
import dev.openclaw.twin.notify.Alerter;
import dev.openclaw.twin.notify.Notifier;
import dev.openclaw.twin.notify.Notifiers;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.List;
import java.util.stream.Collectors;

/** Alert channels configured; with {@code --send-test}, one test alert sent through each. */
public final class AlertChannelsCheck implements Check {

    private final TwinsConfig config;
    private final String twin;
    private final boolean sendTest;
    private final HttpClient http;
    private final URI telegramApi;
    private final Clock clock;

    public AlertChannelsCheck(
            TwinsConfig config, String twin, boolean sendTest, HttpClient http, URI telegramApi, Clock clock) {
        this.config = config;
        this.twin = twin;
        this.sendTest = sendTest;
        this.http = http;
        this.telegramApi = telegramApi;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "alerts";
    }

    @Override
    public CheckResult run() {
        List<Notifier> notifiers = Notifiers.from(config.monitoring(), http, telegramApi);
        if (notifiers.isEmpty()) {
            return CheckResult.warning(
                    name(),
                    "no alert channel configured: nobody hears of a failover or a failed rescue",
                    "set monitoring.alert_channels (discord, telegram, email, slack, ntfy, webhook) in "
                            + config.source() + ", then twin doctor --send-test");
        }
        String channels = notifiers.stream().map(Notifier::channel).collect(Collectors.joining(", "));
        if (!sendTest) {
            return CheckResult.ok(name(), channels + " configured (twin doctor --send-test sends a test alert)");
        }
        Alerter alerter = new Alerter(twin, notifiers, clock, d -> {}, Runnable::run, alert -> true, (a, d) -> {});
        List<Alerter.Delivery> deliveries = alerter.sendNow(new Alert(
                "test",
                Alert.State.FIRING,
                Alert.Severity.INFO,
                "openclaw-twin test alert",
                "Sent by twin doctor --send-test on " + twin + ": alerts from the flock reach you here.",
                twin,
                clock.instant()));
        List<String> failed = deliveries.stream()
                .filter(d -> !d.delivered())
                .map(d -> d.channel() + ": " + d.error())
                .toList();
        if (!failed.isEmpty()) {
            return CheckResult.failure(
                    name(),
                    "test alert not delivered through " + String.join("; ", failed),
                    "check those channels' settings under monitoring in " + config.source());
        }
        return CheckResult.ok(name(), "test alert sent through " + channels);
    }
}
