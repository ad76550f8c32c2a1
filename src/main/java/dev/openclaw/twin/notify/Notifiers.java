package dev.openclaw.twin.notify;

import dev.openclaw.twin.config.TwinsConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;

/** The notifiers a configuration asks for. */
public final class Notifiers {

    public static final URI TELEGRAM_API = URI.create("https://api.telegram.org");

    private Notifiers() {}

    /**
     * One notifier per channel in {@code monitoring.alert_channels} that has its settings (a listed
     * channel without settings is skipped, as {@code twin validate} warns); with no list, every
     * channel that has settings.
     */
    public static List<Notifier> from(TwinsConfig.Monitoring monitoring, HttpClient http, URI telegramApi) {
        List<TwinsConfig.AlertChannel> wanted = monitoring.alertChannels().isEmpty()
                ? List.of(TwinsConfig.AlertChannel.values())
                : monitoring.alertChannels();
        List<Notifier> notifiers = new ArrayList<>();
        for (TwinsConfig.AlertChannel channel : wanted.stream().distinct().toList()) {
            switch (channel) {
                case DISCORD -> monitoring.discord().ifPresent(c -> notifiers.add(HttpNotifier.discord(http, c)));
                case TELEGRAM ->
                    monitoring.telegram().ifPresent(c -> notifiers.add(HttpNotifier.telegram(http, c, telegramApi)));
                case SLACK -> monitoring.slack().ifPresent(c -> notifiers.add(HttpNotifier.slack(http, c)));
                case NTFY -> monitoring.ntfy().ifPresent(c -> notifiers.add(HttpNotifier.ntfy(http, c)));
                case WEBHOOK -> monitoring.webhook().ifPresent(c -> notifiers.add(HttpNotifier.webhook(http, c)));
                case EMAIL -> monitoring.email().ifPresent(c -> notifiers.add(new EmailNotifier(c)));
            }
        }
        return notifiers;
    }
}
