package dev.openclaw.twin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openclaw.twin.testing.CliRun;
import dev.openclaw.twin.testing.HttpReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertTestCommandTest {

    private static final Instant NOW = Instant.parse("2026-11-29T10:00:00Z");

    @TempDir
    Path dir;

    private Path config(HttpReceiver receiver, String channels) throws Exception {
        Path file = dir.resolve("twins.yaml");
        Files.writeString(file, """
                twins:
                  tars: {hostname: h1}
                  case: {hostname: h2}
                monitoring:
                  alert_channels: [%s]
                  discord: {webhook_url: "%s"}
                  slack: {webhook_url: "%s"}
                  webhook: {url: "%s", token: "hook-token"}
                  telegram: {bot_token: "123:abc", chat_id: "42"}
                """.formatted(
                        channels,
                        receiver.url("/discord"),
                        receiver.url("/slack"),
                        receiver.url("/hook"),
                        receiver.url("/unused")));
        return file;
    }

    @Test
    void sendsATestAlertThroughEveryChannelAndReportsEach() throws Exception {
        try (HttpReceiver receiver = new HttpReceiver()) {
            Path config = config(receiver, "discord, slack, webhook, telegram");

            CliRun run = CliRun.run(
                    NOW, dir, "alert", "test", "--config", config.toString(), "--telegram-api", receiver.url("/tg"));

            assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
            assertThat(run.out())
                    .containsPattern("discord +sent")
                    .containsPattern("slack +sent")
                    .containsPattern("webhook +sent")
                    .containsPattern("telegram +sent");
            assertThat(receiver.received())
                    .extracting(HttpReceiver.Received::path)
                    .containsExactly("/discord", "/slack", "/hook", "/tg/bot123:abc/sendMessage");
            assertThat(receiver.received().get(2).header("Authorization")).isEqualTo("Bearer hook-token");
            assertThat(receiver.received().getFirst().body()).contains("openclaw-twin test alert");
        }
    }

    @Test
    void aChannelThatRefusesIsReportedAndTheExitCodeSaysSo() throws Exception {
        try (HttpReceiver receiver = new HttpReceiver()) {
            receiver.failNext(1, 404);
            CliRun run = CliRun.run(
                    NOW,
                    dir,
                    "alert",
                    "test",
                    "--json",
                    "--config",
                    config(receiver, "discord, slack").toString());

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.out())
                    .contains(
                            "\"channel\" : \"discord\"",
                            "\"delivered\" : false",
                            "HTTP 404",
                            "\"channel\" : \"slack\"",
                            "\"delivered\" : true");
        }
    }

    @Test
    void noChannelIsAnError() throws Exception {
        Path file = dir.resolve("twins.yaml");
        Files.writeString(file, "twins:\n  tars: {hostname: h1}\n  case: {hostname: h2}\n");
        CliRun run = CliRun.run(NOW, dir, "alert", "test", "--config", file.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("no alert channel is configured");
    }
}
