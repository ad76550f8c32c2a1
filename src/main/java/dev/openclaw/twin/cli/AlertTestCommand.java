package dev.openclaw.twin.cli;

import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.notify.Alert;
import dev.openclaw.twin.notify.Alerter;
import dev.openclaw.twin.notify.Notifier;
import dev.openclaw.twin.notify.Notifiers;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "test",
        header = "Send a test alert through every configured channel and report each result.",
        description = "Exit 0 when every channel took it, 1 when one did not or none is configured.")
public final class AlertTestCommand implements Callable<Integer> {

    private final CliContext context;

    @Mixin
    ConfigOption config;

    @Mixin
    JsonOption json;

    @Option(
            names = "--telegram-api",
            paramLabel = "URL",
            hidden = true,
            description = "The Telegram Bot API base (tests point it at a local receiver).")
    URI telegramApi = Notifiers.TELEGRAM_API;

    public AlertTestCommand(CliContext context) {
        this.context = context;
    }

    record TestJson(int schemaVersion, List<Alerter.Delivery> channels) {}

    @Override
    public Integer call() {
        TwinsConfig loaded = config.load(context);
        String from = DaemonCommand.thisTwinOrHost(loaded, "twin alert test");
        List<Alerter.Delivery> deliveries;
        try (HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build()) {
            List<Notifier> notifiers = Notifiers.from(loaded.monitoring(), http, telegramApi);
            if (notifiers.isEmpty()) {
                throw new TwinException(
                        ExitCodes.FAILED,
                        "alert test: no alert channel is configured (monitoring.alert_channels and its settings)");
            }
            Alerter alerter =
                    new Alerter(from, notifiers, context.clock(), d -> {}, Runnable::run, alert -> true, (a, d) -> {});
            deliveries = alerter.sendNow(new Alert(
                    "test",
                    Alert.State.FIRING,
                    Alert.Severity.INFO,
                    "openclaw-twin test alert",
                    "If you can read this, alerts from the flock reach you here.",
                    from,
                    context.clock().instant()));
        }
        if (json.enabled()) {
            JsonOutput.print(context.out(), new TestJson(JsonOutput.SCHEMA_VERSION, deliveries));
        } else {
            for (Alerter.Delivery d : deliveries) {
                context.out().printf("  %-9s %s%n", d.channel(), d.delivered() ? "sent" : "FAILED: " + d.error());
            }
        }
        return deliveries.stream().allMatch(Alerter.Delivery::delivered) ? ExitCodes.OK : ExitCodes.FAILED;
    }
}
