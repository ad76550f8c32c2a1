package dev.openclaw.twin.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openclaw.twin.config.TwinsConfig.AlertChannel;
import dev.openclaw.twin.config.TwinsConfig.RotationMode;
import dev.openclaw.twin.config.TwinsConfig.StorageType;
import dev.openclaw.twin.config.TwinsConfig.TakeoverDispatch;
import dev.openclaw.twin.testing.TestConfigs;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @Test
    void loadsTheSeedExampleUnchanged() throws IOException {
        TwinsConfig config = TestConfigs.parse(TestConfigs.seedExampleWithValues());

        assertThat(config.twinNames()).containsExactly("agent-a", "agent-b");
        assertThat(config.twin("agent-a").hostname()).isEqualTo("192.168.1.100");
        assertThat(config.twin("agent-a").username()).isEqualTo("mark");
        assertThat(config.twin("agent-a").openclawPath()).isEqualTo("~/workspace");
        assertThat(config.sharedStorage().type()).isEqualTo(StorageType.SMB);
        assertThat(config.sharedStorage().path()).contains(TestConfigs.HOME.resolve("shared_storage"));
        assertThat(config.sharedStorage().stateFile()).isEqualTo("twin-primary.json");
        assertThat(config.coordination().rotation()).isEqualTo(RotationMode.DAILY);
        assertThat(config.coordination().oddPrimary()).isEqualTo("agent-a");
        assertThat(config.coordination().evenPrimary()).isEqualTo("agent-b");
        assertThat(config.coordination().fallbackTimeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(config.monitoring().healthCheckInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.monitoring().alertChannels()).containsExactly(AlertChannel.DISCORD);
        // The seed lists discord without its webhook: that loads, with a warning.
        assertThat(config.warnings())
                .extracting(ConfigProblem::toString)
                .containsExactly("twins.yaml:30:5 monitoring.alert_channels: 'discord' has no settings under"
                        + " monitoring.discord (alerts to it are skipped)");
    }

    @Test
    void theSeedExampleWithItsPlaceholdersIsRejectedLineByLine() throws IOException {
        assertThat(TestConfigs.problems(Files.readString(TestConfigs.seedExample()), Map.of()))
                .containsExactly(
                        "twins.yaml:7:15 twins.agent-a.hostname: '<AGENT_A_IP_OR_HOSTNAME>' is still the example's"
                                + " placeholder (write the real value)",
                        "twins.yaml:8:15 twins.agent-a.username: '<AGENT_A_USERNAME>' is still the example's"
                                + " placeholder (write the real value)",
                        "twins.yaml:12:15 twins.agent-b.hostname: '<AGENT_B_IP_OR_HOSTNAME>' is still the example's"
                                + " placeholder (write the real value)",
                        "twins.yaml:13:15 twins.agent-b.username: '<AGENT_B_USERNAME>' is still the example's"
                                + " placeholder (write the real value)");
    }

    @Test
    void loadsEveryKeyOfTheDesign() throws IOException {
        Map<String, String> env = Map.of(
                "DISCORD_WEBHOOK_URL", "https://discord.com/api/webhooks/1/abc",
                "TELEGRAM_BOT_TOKEN", "123:tg",
                "SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T/B/x",
                "SMTP_PASSWORD", "smtp-pass",
                "TWIN_TOKEN", "daemon-token");
        TwinsConfig config = TestConfigs.parse(Files.readString(Path.of("src/test/resources/config/full.yaml")), env);

        TwinsConfig.Twin tars = config.twin("tars");
        assertThat(tars.aliases()).containsExactly("TARS");
        assertThat(tars.ssh().port()).isEqualTo(22);
        assertThat(tars.ssh().key()).contains(TestConfigs.HOME.resolve(".ssh/twin_rescue"));
        assertThat(tars.ssh().knownHosts()).isEqualTo(TestConfigs.HOME.resolve(".ssh/known_hosts"));
        assertThat(tars.gatewayUrl()).isEqualTo(URI.create("http://127.0.0.1:18789"));
        assertThat(tars.daemonUrl()).contains(URI.create("http://192.168.1.100:7420"));
        assertThat(config.twin("case").botIds()).containsExactly("1234567890");
        assertThat(config.twin("case").daemonUrl()).isEmpty();

        TwinsConfig.Coordination c = config.coordination();
        assertThat(c.order()).containsExactly("tars", "case");
        assertThat(c.timezone()).isEqualTo(ZoneId.of("Europe/London"));
        assertThat(c.offlineAfter()).isEqualTo(Duration.ofSeconds(20));
        assertThat(c.offlineThreshold()).isEqualTo(Duration.ofSeconds(20));
        assertThat(c.takeoverDelay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.takeoverDispatch())
                .isEqualTo(
                        new TakeoverDispatch.Webhook(URI.create("http://127.0.0.1:9100/takeover"), Optional.empty()));
        assertThat(c.machineSpecificPatterns()).hasSize(1);
        assertThat(c.machineSpecificPatterns()
                        .getFirst()
                        .matcher("check YOUR DISK please")
                        .find())
                .isTrue();

        TwinsConfig.Monitoring m = config.monitoring();
        assertThat(m.heartbeatInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(m.alertChannels()).hasSize(6);
        assertThat(m.discord().orElseThrow().webhookUrl().value()).isEqualTo("https://discord.com/api/webhooks/1/abc");
        assertThat(m.telegram().orElseThrow().chatId()).isEqualTo("123456");
        assertThat(m.email().orElseThrow().to()).containsExactly("me@example.org");
        assertThat(m.email().orElseThrow().security()).isEqualTo(TwinsConfig.EmailSecurity.STARTTLS);
        assertThat(m.email().orElseThrow().password().orElseThrow().value()).isEqualTo("smtp-pass");
        assertThat(m.deadmanUrl()).isPresent();
        assertThat(m.ntfy().orElseThrow().url().value()).isEqualTo("https://ntfy.sh/my-topic");

        assertThat(config.rescue().restartCommand()).containsExactly("openclaw", "gateway", "restart");
        assertThat(config.rescue().maxAttempts()).isEqualTo(5);
        assertThat(config.rescue().allowReboot()).isFalse();
        assertThat(config.daemon().port()).isEqualTo(7420);
        assertThat(config.daemon().token().orElseThrow().value()).isEqualTo("daemon-token");
        assertThat(config.warnings()).isEmpty();
        // Secrets never show in the configuration's text form (e.g. in a log line).
        assertThat(config.toString()).doesNotContain("daemon-token", "smtp-pass", "123:tg", "webhooks/1/abc");
    }

    @Test
    void theReadmeExampleIsValid() throws IOException {
        TwinsConfig config = TestConfigs.parse(Files.readString(Path.of("examples/twins.yaml")));
        assertThat(config.twinNames()).containsExactly("tars", "case");
        assertThat(config.twin("case").strictMentions()).contains(true);
        assertThat(config.rescue().restartCommand()).containsExactly("openclaw", "gateway", "restart");
        assertThat(config.warnings()).isEmpty();
    }

    @Test
    void acceptsAllDurationForms() {
        for (var form : Map.of("30s", 30_000L, "1m", 60_000L, "PT5M", 300_000L, "500ms", 500L, "1h", 3_600_000L)
                .entrySet()) {
            assertThat(ConfigSection.parseDurationText(form.getKey()))
                    .as(form.getKey())
                    .contains(Duration.ofMillis(form.getValue()));
        }
    }

    @Test
    void readsASecretFromAFile(@TempDir Path dir) throws Exception {
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, "from-a-file\n");
        Path config = dir.resolve("twins.yaml");
        Files.writeString(
                config,
                "twins:\n  a: {hostname: h1}\n  b: {hostname: h2}\ndaemon:\n  token: \"file:" + tokenFile + "\"\n");
        TwinsConfig loaded = new ConfigLoader(TestConfigs.environment(Map.of())).load(config);
        assertThat(loaded.daemon().token().orElseThrow().value()).isEqualTo("from-a-file");
    }

    @Test
    void warnsWhenAWorldReadableFileHoldsASecret(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("twins.yaml");
        Files.writeString(config, "twins:\n  a: {hostname: h1}\n  b: {hostname: h2}\ndaemon:\n  token: written-here\n");
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(new ConfigLoader(TestConfigs.environment(Map.of()))
                        .load(config)
                        .warnings())
                .extracting(ConfigProblem::message)
                .containsExactly("readable by other users and holds secrets (daemon.token): run chmod 600 " + config
                        + ", or use ${ENV_VAR} / file:/path");

        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
        assertThat(new ConfigLoader(TestConfigs.environment(Map.of()))
                        .load(config)
                        .warnings())
                .isEmpty();
    }

    @Test
    void looksForTheFileInTheDocumentedOrder(@TempDir Path dir) throws Exception {
        Path home = dir.resolve("home");
        Path cwd = dir.resolve("cwd");
        ConfigEnvironment env = new ConfigEnvironment(Map.of("XDG_CONFIG_HOME", dir + "/xdg"), home, cwd);
        assertThat(new ConfigLoader(env).candidates())
                .containsExactly(
                        cwd.resolve("twins.yaml"),
                        dir.resolve("xdg/openclaw-twin/twins.yaml"),
                        Path.of("/etc/openclaw-twin/twins.yaml"));

        ConfigEnvironment withVariable = new ConfigEnvironment(Map.of("TWIN_CONFIG", "~/my.yaml"), home, cwd);
        assertThat(new ConfigLoader(withVariable).candidates())
                .containsExactly(
                        home.resolve("my.yaml"),
                        cwd.resolve("twins.yaml"),
                        home.resolve(".config/openclaw-twin/twins.yaml"),
                        Path.of("/etc/openclaw-twin/twins.yaml"));

        Files.createDirectories(home.resolve(".config/openclaw-twin"));
        Files.writeString(home.resolve(".config/openclaw-twin/twins.yaml"), "x");
        ConfigEnvironment plain = new ConfigEnvironment(Map.of(), home, cwd);
        assertThat(new ConfigLoader(plain).locate(Optional.empty()))
                .isEqualTo(home.resolve(".config/openclaw-twin/twins.yaml"));
        Files.createDirectories(cwd);
        Files.writeString(cwd.resolve("twins.yaml"), "x");
        assertThat(new ConfigLoader(plain).locate(Optional.empty())).isEqualTo(cwd.resolve("twins.yaml"));
    }

    @Test
    void aMissingFileSaysWhereItLookedAndHowToCreateOne(@TempDir Path dir) {
        ConfigEnvironment env = new ConfigEnvironment(Map.of(), dir.resolve("home"), dir.resolve("cwd"));
        assertThatThrownBy(() -> new ConfigLoader(env).load(Optional.empty()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("no twins.yaml found. Looked in:\n  " + dir.resolve("cwd/twins.yaml"))
                .hasMessageContaining(
                        dir.resolve("home/.config/openclaw-twin/twins.yaml").toString())
                .hasMessageContaining("Create one with 'twin init', or pass --config PATH.");
        assertThatThrownBy(() -> new ConfigLoader(env).load(Optional.of(dir.resolve("nope.yaml"))))
                .hasMessage(dir.resolve("nope.yaml") + ": no such file (given with --config)");
    }

    @Test
    void defaultsMakeAMinimalFlockUsable() {
        TwinsConfig config =
                TestConfigs.parse("twins:\n  a: {hostname: h1}\n  b: {hostname: h2}\n  c: {hostname: h3}\n");
        assertThat(config.coordination().oddPrimary()).isEqualTo("a");
        assertThat(config.coordination().evenPrimary()).isEqualTo("b");
        assertThat(config.coordination().order()).containsExactly("a", "b", "c");
        assertThat(config.coordination().takeoverDispatch()).isInstanceOf(TakeoverDispatch.OpenClaw.class);
        assertThat(config.daemon().bind()).isEqualTo("127.0.0.1");
        assertThat(config.twin("a").gatewayUrl()).isEqualTo(URI.create("http://127.0.0.1:18789"));
        assertThat(config.coordination().machineSpecificPatterns()).isNotEmpty();
        assertThat(List.of(config.rescue().auto(), config.rescue().allowReboot()))
                .containsExactly(true, false);
    }

    @Test
    void aBareTildeUnderAPathKeyIsTheHomeDirectoryNotNothing() {
        // YAML reads a bare ~ as null; under a path key people mean their home, as in ~/workspace.
        TwinsConfig config = TestConfigs.parse("""
                twins:
                  tars: {hostname: a, openclaw_path: ~, username: ~}
                  case: {hostname: b, ssh: {known_hosts: ~}}
                shared_storage: {type: local, path: ~}
                """);
        assertThat(config.twin("tars").openclawPath()).isEqualTo("~");
        assertThat(config.twin("tars").username()).isEqualTo(TwinsConfig.Twin.defaultUsername());
        assertThat(config.sharedStorage().path()).contains(TestConfigs.HOME);
        assertThat(config.twin("case").ssh().knownHosts()).isEqualTo(TestConfigs.HOME);
    }
}
