package dev.openclaw.twin.notify;

import dev.openclaw.twin.config.Secret;
import dev.openclaw.twin.config.TwinsConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The channels that take an HTTP POST, each shaped as its service documents it. URLs and tokens
 * are secrets: they never appear in an error message (only the channel and the status do).
 */
public final class HttpNotifier implements Notifier {

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Discord refuses content over 2000 characters; Slack and Telegram allow more. */
    private static final int DISCORD_MAX = 2000;

    private static final int TELEGRAM_MAX = 4096;

    private final String channel;
    private final HttpClient http;
    private final Function<Alert, HttpRequest> request;

    private HttpNotifier(String channel, HttpClient http, Function<Alert, HttpRequest> request) {
        this.channel = channel;
        this.http = http;
        this.request = request;
    }

    /** Discord webhook: {@code POST <webhook_url>} with {@code {"content": ...}}. */
    public static HttpNotifier discord(HttpClient http, TwinsConfig.Discord config) {
        return new HttpNotifier(
                "discord",
                http,
                alert -> json(
                                config.webhookUrl(),
                                Map.of(
                                        "content",
                                        clip(alert.message(), DISCORD_MAX),
                                        "username",
                                        "openclaw-twin",
                                        // Never let a twin name or a log line ping @everyone.
                                        "allowed_mentions",
                                        Map.of("parse", java.util.List.of())))
                        .build());
    }

    /** Telegram Bot API: {@code POST <api>/bot<token>/sendMessage} with {@code chat_id} and {@code text}. */
    public static HttpNotifier telegram(HttpClient http, TwinsConfig.Telegram config, URI api) {
        return new HttpNotifier("telegram", http, alert -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("chat_id", config.chatId());
            body.put("text", clip(alert.message(), TELEGRAM_MAX));
            body.put("disable_web_page_preview", true);
            URI uri = URI.create(api.toString().replaceAll("/+$", "") + "/bot"
                    + config.botToken().value() + "/sendMessage");
            return HttpRequest.newBuilder(uri)
                    .timeout(TIMEOUT)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                    .build();
        });
    }

    /** Slack incoming webhook: {@code POST <webhook_url>} with {@code {"text": ...}}. */
    public static HttpNotifier slack(HttpClient http, TwinsConfig.Slack config) {
        return new HttpNotifier(
                "slack",
                http,
                alert -> json(config.webhookUrl(), Map.of("text", alert.message()))
                        .build());
    }

    /**
     * ntfy: {@code POST <topic url>} with the text as the body and {@code Title}, {@code Priority}
     * and {@code Tags} headers; {@code Authorization: Bearer} when a token is set.
     */
    public static HttpNotifier ntfy(HttpClient http, TwinsConfig.Ntfy config) {
        return new HttpNotifier("ntfy", http, alert -> {
            HttpRequest.Builder builder = HttpRequest.newBuilder(
                            URI.create(config.url().value()))
                    .timeout(TIMEOUT)
                    .header("Content-Type", "text/plain; charset=utf-8")
                    .header("Title", ascii(alert.title()))
                    .header("Priority", priority(alert))
                    .header("Tags", alert.state() == Alert.State.RESOLVED ? "white_check_mark" : tag(alert))
                    .POST(HttpRequest.BodyPublishers.ofString(alert.message(), StandardCharsets.UTF_8));
            bearer(builder, config.token());
            return builder.build();
        });
    }

    /** Generic webhook: {@code POST <url>} with the alert as JSON ({@code schemaVersion} 1). */
    public static HttpNotifier webhook(HttpClient http, TwinsConfig.Webhook config) {
        return new HttpNotifier("webhook", http, alert -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("schemaVersion", 1);
            body.put("key", alert.key());
            body.put("state", alert.state().word());
            body.put("severity", alert.severity().word());
            body.put("title", alert.title());
            body.put("text", alert.text());
            body.put("twin", alert.twin());
            body.put("at", alert.at().toString());
            HttpRequest.Builder builder = json(config.url(), body);
            bearer(builder, config.token());
            return builder.build();
        });
    }

    @Override
    public String channel() {
        return channel;
    }

    @Override
    public void send(Alert alert) throws NotifyException {
        HttpRequest built;
        try {
            built = request.apply(alert);
        } catch (IllegalArgumentException e) {
            // The JDK's message quotes the URL or header value: the secret itself. Name the channel only.
            throw new NotifyException(
                    channel + ": its configured URL or token cannot be used (not shown: it is a secret)", false);
        }
        HttpResponse<String> response;
        try {
            response = http.send(built, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new NotifyException(channel + ": no answer (" + e.getClass().getSimpleName() + ")", true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotifyException(channel + ": interrupted", true, e);
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return;
        }
        // 429 and 5xx pass; other 4xx mean the request or its credentials are wrong.
        boolean retryable = status == 429 || status >= 500 || status == 408;
        throw new NotifyException(
                channel + ": HTTP " + status + " " + clip(response.body().strip(), 200), retryable);
    }

    private static HttpRequest.Builder json(Secret url, Object body) {
        return HttpRequest.newBuilder(URI.create(url.value()))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    }

    private static void bearer(HttpRequest.Builder builder, Optional<Secret> token) {
        token.ifPresent(t -> builder.header("Authorization", "Bearer " + t.value()));
    }

    private static String priority(Alert alert) {
        if (alert.state() == Alert.State.RESOLVED) {
            return "3";
        }
        return switch (alert.severity()) {
            case CRITICAL -> "5";
            case WARNING -> "4";
            case INFO -> "3";
        };
    }

    private static String tag(Alert alert) {
        return switch (alert.severity()) {
            case CRITICAL -> "rotating_light";
            case WARNING -> "warning";
            case INFO -> "information_source";
        };
    }

    /** HTTP header values must be ASCII: other characters become '?'. */
    private static String ascii(String text) {
        return text.replaceAll("[^\\x20-\\x7e]", "?");
    }

    private static String clip(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
