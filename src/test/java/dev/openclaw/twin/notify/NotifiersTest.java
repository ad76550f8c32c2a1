package dev.openclaw.twin.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import dev.openclaw.twin.config.Secret;
import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.testing.HttpReceiver;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Each channel's request against a local receiver, shaped as the service documents it: method,
 * path, headers and body. Email goes to a real SMTP server (GreenMail), plain and over TLS.
 */
class NotifiersTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Alert ALERT = new Alert(
            "twin-offline:case",
            Alert.State.FIRING,
            Alert.Severity.CRITICAL,
            "case is offline",
            "no heartbeat for 25 s; tars answers meanwhile",
            "tars",
            Instant.parse("2026-11-29T10:00:00Z"));

    private HttpReceiver receiver;
    private HttpClient http;

    @BeforeEach
    void start() throws Exception {
        receiver = new HttpReceiver();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterEach
    void stop() {
        receiver.close();
        http.close();
    }

    private HttpReceiver.Received only() {
        assertThat(receiver.received()).hasSize(1);
        return receiver.received().getFirst();
    }

    @Test
    void discordGetsAWebhookPostWithContentAndNoMentions() throws Exception {
        receiver.answer(204);
        HttpNotifier.discord(http, new TwinsConfig.Discord(new Secret(receiver.url("/api/webhooks/123/tok"))))
                .send(ALERT);

        HttpReceiver.Received r = only();
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/api/webhooks/123/tok");
        assertThat(r.header("Content-Type")).isEqualTo("application/json");
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("content").asString()).startsWith("🚨 case is offline\nno heartbeat for 25 s");
        assertThat(body.get("allowed_mentions").get("parse")).isEmpty();
    }

    @Test
    void discordContentIsClippedToItsLimit() throws Exception {
        Alert longOne =
                new Alert("k", Alert.State.FIRING, Alert.Severity.INFO, "t", "x".repeat(5000), "tars", Instant.EPOCH);
        HttpNotifier.discord(http, new TwinsConfig.Discord(new Secret(receiver.url("/h"))))
                .send(longOne);
        assertThat(JSON.readTree(only().body()).get("content").asString()).hasSize(2000);
    }

    @Test
    void telegramCallsSendMessageOnTheBotApiWithChatIdAndText() throws Exception {
        HttpNotifier.telegram(
                        http,
                        new TwinsConfig.Telegram(new Secret("123456:ABC-token"), "-100987"),
                        URI.create(receiver.url("")))
                .send(ALERT);

        HttpReceiver.Received r = only();
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/bot123456:ABC-token/sendMessage");
        assertThat(r.header("Content-Type")).isEqualTo("application/json");
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("chat_id").asString()).isEqualTo("-100987");
        assertThat(body.get("text").asString()).contains("case is offline");
    }

    @Test
    void slackGetsText() throws Exception {
        HttpNotifier.slack(http, new TwinsConfig.Slack(new Secret(receiver.url("/services/T0/B0/x"))))
                .send(ALERT);

        HttpReceiver.Received r = only();
        assertThat(r.path()).isEqualTo("/services/T0/B0/x");
        assertThat(JSON.readTree(r.body()).get("text").asString()).contains("case is offline");
    }

    @Test
    void ntfyGetsThePlainMessageWithTitlePriorityTagsAndBearerToken() throws Exception {
        HttpNotifier.ntfy(
                        http,
                        new TwinsConfig.Ntfy(new Secret(receiver.url("/my-topic")), Optional.of(new Secret("tk_abc"))))
                .send(ALERT);

        HttpReceiver.Received r = only();
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/my-topic");
        assertThat(r.header("Title")).isEqualTo("case is offline");
        assertThat(r.header("Priority")).isEqualTo("5");
        assertThat(r.header("Tags")).isEqualTo("rotating_light");
        assertThat(r.header("Authorization")).isEqualTo("Bearer tk_abc");
        assertThat(r.body()).startsWith("🚨 case is offline");
    }

    @Test
    void theGenericWebhookGetsTheAlertAsJson() throws Exception {
        HttpNotifier.webhook(http, new TwinsConfig.Webhook(new Secret(receiver.url("/alerts")), Optional.empty()))
                .send(new Alert(
                        ALERT.key(),
                        Alert.State.RESOLVED,
                        Alert.Severity.INFO,
                        "case is back",
                        "",
                        "tars",
                        ALERT.at()));

        HttpReceiver.Received r = only();
        assertThat(r.header("Authorization")).isNull();
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("schemaVersion").asInt()).isEqualTo(1);
        assertThat(body.get("key").asString()).isEqualTo("twin-offline:case");
        assertThat(body.get("state").asString()).isEqualTo("resolved");
        assertThat(body.get("twin").asString()).isEqualTo("tars");
        assertThat(body.get("at").asString()).isEqualTo("2026-11-29T10:00:00Z");
    }

    @Test
    void receiverErrorsSayWhetherARetryCanHelpAndNeverShowTheSecretUrl() {
        var notifier = HttpNotifier.slack(http, new TwinsConfig.Slack(new Secret(receiver.url("/secret-path"))));
        receiver.failNext(1, 503);
        assertThatThrownBy(() -> notifier.send(ALERT))
                .isInstanceOfSatisfying(
                        NotifyException.class, e -> assertThat(e.retryable()).isTrue())
                .hasMessageContaining("HTTP 503")
                .hasMessageNotContaining("secret-path");
        receiver.failNext(1, 404);
        assertThatThrownBy(() -> notifier.send(ALERT))
                .isInstanceOfSatisfying(
                        NotifyException.class, e -> assertThat(e.retryable()).isFalse());
        receiver.close();
        assertThatThrownBy(() -> notifier.send(ALERT))
                .isInstanceOfSatisfying(
                        NotifyException.class, e -> assertThat(e.retryable()).isTrue())
                .hasMessageNotContaining("secret-path");
    }

    @Test
    void emailIsSentOverSmtpPlainAndOverTls() throws Exception {
        List<Integer> ports = dev.openclaw.twin.demo.LocalFlock.freePorts(2);
        ServerSetup smtp = new ServerSetup(ports.get(0), "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
        ServerSetup smtps = new ServerSetup(ports.get(1), "127.0.0.1", ServerSetup.PROTOCOL_SMTPS);
        GreenMail mail = new GreenMail(new ServerSetup[] {smtp, smtps});
        mail.setUser("twin@example.org", "alerts", "s3cret");
        mail.start();
        try {
            int plainPort = mail.getSmtp().getPort();
            int tlsPort = mail.getSmtps().getPort();
            new EmailNotifier(email(plainPort, TwinsConfig.EmailSecurity.NONE), Optional.empty()).send(ALERT);
            new EmailNotifier(email(tlsPort, TwinsConfig.EmailSecurity.TLS), Optional.of("127.0.0.1")).send(ALERT);

            MimeMessage[] messages = mail.getReceivedMessages();
            assertThat(messages).hasSize(2);
            for (MimeMessage m : messages) {
                assertThat(m.getSubject()).isEqualTo("[openclaw-twin] 🚨 case is offline");
                assertThat(m.getFrom()[0].toString()).isEqualTo("twin@example.org");
                assertThat(m.getAllRecipients()[0].toString()).isEqualTo("me@example.org");
                assertThat(GreenMailUtil.getBody(m)).contains("no heartbeat for 25 s");
                assertThat(m.getHeader("X-Openclaw-Twin-Alert")[0]).isEqualTo("twin-offline:case firing");
            }

            // A wrong password is not retried.
            TwinsConfig.Email wrong = new TwinsConfig.Email(
                    "127.0.0.1",
                    plainPort,
                    TwinsConfig.EmailSecurity.NONE,
                    "twin@example.org",
                    List.of("me@example.org"),
                    Optional.of("alerts"),
                    Optional.of(new Secret("wrong")));
            assertThatThrownBy(() -> new EmailNotifier(wrong, Optional.empty()).send(ALERT))
                    .isInstanceOfSatisfying(
                            NotifyException.class,
                            e -> assertThat(e.retryable()).isFalse());
        } finally {
            mail.stop();
        }
    }

    private static TwinsConfig.Email email(int port, TwinsConfig.EmailSecurity security) {
        return new TwinsConfig.Email(
                "127.0.0.1",
                port,
                security,
                "twin@example.org",
                List.of("me@example.org"),
                Optional.of("alerts"),
                Optional.of(new Secret("s3cret")));
    }
}
