package dev.openclaw.twin.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.openclaw.twin.config.Secret;
import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.notify.Alert;
import dev.openclaw.twin.notify.HttpNotifier;
import dev.openclaw.twin.notify.NotifyException;
import dev.openclaw.twin.testing.CliRun;
import java.io.RandomAccessFile;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code twin validate} on the values people and attackers get wrong: secrets and URLs checked after
 * {@code ${ENV}} / {@code file:} expansion without ever printing them, bounded secret files, durations
 * and their timing rule, over-long lines, YAML nulls, mistyped hosts and users, and cloud folders.
 * Every case runs the real CLI and looks at what the user sees: the exit code, file:line and key, and
 * that no secret reaches stdout or stderr.
 */
class ValidateCommandTest {

    private static final Clock NOW = Clock.fixed(Instant.parse("2026-03-01T09:00:00Z"), ZoneOffset.UTC);

    /** Lines 1-5; anything appended starts at line 6. */
    private static final String TWO_TWINS = """
            twins:
              tars:
                hostname: 10.0.0.1
              case:
                hostname: 10.0.0.2
            """;

    private static final String SECRET = "s3cr3t-TOKEN-9f8e7d";

    @TempDir
    Path dir;

    private CliRun validate(String yaml) throws Exception {
        Path file = dir.resolve("twins.yaml");
        Files.writeString(file, yaml);
        return CliRun.run(NOW, dir, "validate", "--config", file.toString());
    }

    private String where(int line, int column) {
        return dir.resolve("twins.yaml") + ":" + line + ":" + column + " ";
    }

    private static void assertBadConfig(CliRun run, String... expected) {
        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(ExitCodes.BAD_CONFIG);
        assertThat(run.err()).contains(expected);
    }

    private static void assertNoSecret(CliRun run) {
        assertThat(run.out() + run.err()).doesNotContain(SECRET);
    }

    // ---- 1. secret URLs validated after expansion, never shown -------------------------------

    @Test
    void aMalformedWebhookUrlFromAFileIsAProblemAtItsKeyWithoutItsValue() throws Exception {
        Path secret = Files.writeString(
                dir.resolve("discord.url"), "https://discord.com/api/webhooks/123/" + SECRET + " x\n");
        CliRun run = validate(TWO_TWINS + "monitoring:\n  discord: {webhook_url: \"file:" + secret + "\"}\n");
        assertBadConfig(run, where(7, 26) + "monitoring.discord.webhook_url: is not a valid URL (Illegal character");
        assertThat(run.err()).contains("the value is not shown");
        assertNoSecret(run);
    }

    @Test
    void alertTestWithAMalformedWebhookUrlIsABadConfigWithoutTheUrl() throws Exception {
        // The path where the exception text once carried the whole URL to the terminal.
        Path secret =
                Files.writeString(dir.resolve("discord.url"), "https://discord.com/api/webhooks/1/" + SECRET + " x");
        Path file = Files.writeString(
                dir.resolve("twins.yaml"),
                TWO_TWINS + "monitoring:\n  alert_channels: [discord]\n  discord: {webhook_url: \"file:" + secret
                        + "\"}\n");
        CliRun run = CliRun.run(NOW, dir, "alert", "test", "--config", file.toString());
        assertBadConfig(run, where(8, 26) + "monitoring.discord.webhook_url: is not a valid URL");
        assertNoSecret(run);
    }

    @Test
    void malformedUrlsFromTheEnvironmentAreProblemsWithoutTheirValue() throws Exception {
        CliRun run = validate(TWO_TWINS
                + "monitoring:\n"
                + "  webhook: {url: \"${WEBHOOK_URL:-hooks.example.org/" + SECRET + "}\"}\n"
                + "  slack: {webhook_url: \"${SLACK_URL:-https:///" + SECRET + "}\"}\n"
                + "  deadman_url: \"${DEADMAN:-ftp://hc-ping.com/" + SECRET + "}\"\n"
                + "  telegram: {bot_token: \"" + SECRET + "/x\", chat_id: \"1\"}\n");
        assertBadConfig(
                run,
                where(7, 18) + "monitoring.webhook.url: is not an http(s) URL",
                where(8, 24) + "monitoring.slack.webhook_url: is not",
                where(9, 16) + "monitoring.deadman_url: is not an http(s) URL",
                where(10, 25) + "monitoring.telegram.bot_token: is not a Telegram bot token");
        assertNoSecret(run);
    }

    @Test
    void aMalformedDaemonUrlFromTheEnvironmentIsNotShownButOneWrittenInTheFileIs() throws Exception {
        CliRun run = validate("""
                twins:
                  tars: {hostname: 10.0.0.1, daemon_url: "${TARS_URL:-http//10.0.0.1:7420/%s}"}
                  case: {hostname: 10.0.0.2, gateway_url: "localhost:18789"}
                """.formatted(SECRET));
        assertBadConfig(
                run,
                where(2, 42) + "twins.tars.daemon_url: is not an http(s) URL",
                where(3, 43) + "twins.case.gateway_url: 'localhost:18789' is not an http(s) URL");
        assertNoSecret(run);
    }

    @Test
    void aTokenWithALineBreakIsRefusedWithoutItsValue() throws Exception {
        // An HTTP header cannot carry it, and the JDK's error would quote it whole.
        CliRun run = validate(TWO_TWINS + "daemon:\n  token: \"" + SECRET + "\\nX-Evil: 1\"\n");
        assertBadConfig(run, where(7, 10) + "daemon.token: contains a line break or control character");
        assertNoSecret(run);
    }

    @Test
    void aNotifierWhoseUrlCannotBeUsedNamesTheChannelNotTheUrl() {
        HttpNotifier discord = HttpNotifier.discord(
                HttpClient.newHttpClient(),
                new TwinsConfig.Discord(new Secret("https://discord.com/api/webhooks/1/" + SECRET + " x")));
        Alert alert =
                new Alert("k", Alert.State.FIRING, Alert.Severity.WARNING, "title", "text", "tars", Instant.EPOCH);
        assertThatThrownBy(() -> discord.send(alert))
                .isInstanceOf(NotifyException.class)
                .hasMessageStartingWith("discord: ")
                .message()
                .doesNotContain(SECRET);
    }

    // ---- 2. file: secrets bounded --------------------------------------------------------------

    @Test
    void aSecretFileThatIsADeviceADirectoryOrHugeIsAProblemNotAnOutOfMemory() throws Exception {
        Path huge = dir.resolve("huge.token");
        try (RandomAccessFile file = new RandomAccessFile(huge.toFile(), "rw")) {
            file.setLength(200L * 1024 * 1024);
        }
        Path folder = Files.createDirectories(dir.resolve("tokens"));
        CliRun run = validate(TWO_TWINS
                + "daemon:\n"
                + "  token: file:/dev/zero\n"
                + "monitoring:\n"
                + "  ntfy: {url: \"https://ntfy.sh/topic\", token: \"file:" + huge + "\"}\n"
                + "  webhook: {url: \"https://example.org/hook\", token: \"file:" + folder + "\"}\n");
        assertBadConfig(
                run,
                where(7, 10) + "daemon.token: secret file /dev/zero is not a regular file",
                where(9, 47) + "monitoring.ntfy.token: secret file " + huge + " is larger than 64 KB",
                where(10, 53) + "monitoring.webhook.token: secret file " + folder + " is a directory");
        assertThat(run.err()).doesNotContain("OutOfMemoryError", "Exception");
    }

    @Test
    void aSecretFileThatIsAFifoIsRefusedWithoutBlocking() throws Exception {
        Path fifo = dir.resolve("token.fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertThat(mkfifo.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(mkfifo.exitValue()).isZero();
        // Nobody ever writes to it: opening it to read would block forever.
        CliRun run = assertTimeoutPreemptively(
                Duration.ofSeconds(60), () -> validate(TWO_TWINS + "daemon:\n  token: \"file:" + fifo + "\"\n"));
        assertBadConfig(run, where(7, 10) + "daemon.token: secret file " + fifo + " is not a regular file");
    }

    @Test
    void anUnreadableSecretFileIsAProblem() throws Exception {
        assumeFalse("root".equals(System.getProperty("user.name")), "root reads every file");
        Path secret = Files.writeString(dir.resolve("token"), SECRET);
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));
        CliRun run = validate(TWO_TWINS + "daemon:\n  token: \"file:" + secret + "\"\n");
        assertBadConfig(run, where(7, 10) + "daemon.token: cannot read secret file " + secret + " (permission denied)");
        assertNoSecret(run);
    }

    // ---- 3. durations bounded, and the timing rule ----------------------------------------------

    @Test
    void durationsOutsideTheirBoundsAreProblems() throws Exception {
        CliRun run = validate(TWO_TWINS
                + "monitoring:\n"
                + "  heartbeat_interval: 999999999d\n"
                + "  health_check_interval: 400d\n"
                + "coordination:\n"
                + "  offline_after_seconds: 86400\n"
                + "  takeover_delay_seconds: 600\n");
        assertBadConfig(
                run,
                where(7, 23) + "monitoring.heartbeat_interval: '999999999d' is too long (allowed: 100ms to 1m)",
                where(8, 26) + "monitoring.health_check_interval: '400d' is too long (allowed: 1s to 24h)",
                where(10, 26) + "coordination.offline_after_seconds: 86400 is out of range (allowed: 1..3600)",
                where(11, 27) + "coordination.takeover_delay_seconds: 600 is out of range (allowed: 0.1..300)");
    }

    @Test
    void aHeartbeatTooLongForTheOfflineThresholdIsAProblemNamingTheRule() throws Exception {
        CliRun run = validate(TWO_TWINS + "monitoring:\n  heartbeat_interval: 30s\n");
        assertBadConfig(
                run,
                where(7, 23) + "monitoring.heartbeat_interval: heartbeat_interval 30s is too long for an offline"
                        + " threshold of 20s",
                "rule: offline_after ≥ 3 × heartbeat_interval, and takeover_delay ≤ offline_after",
                "shorten heartbeat_interval to at most 6.666s or raise offline_after_seconds to at least 90");
    }

    @Test
    void theTimingRuleNamesTheKeyThatWasWritten() throws Exception {
        CliRun run = validate(TWO_TWINS + "coordination:\n  offline_after_seconds: 10\n  takeover_delay_seconds: 12\n");
        assertBadConfig(
                run,
                where(7, 26) + "coordination.offline_after_seconds: heartbeat_interval 5s is too long",
                where(8, 27) + "coordination.takeover_delay_seconds: takeover_delay 12s is longer than the"
                        + " offline threshold of 10s");
    }

    @Test
    void theShippedTimingsKeepTheRule() throws Exception {
        // The defaults (5 s beat, 20 s offline, 2 s takeover) and the demo's (300 ms, 2 s, 1 s).
        assertThat(validate(TWO_TWINS).exitCode()).isEqualTo(ExitCodes.OK);
        CliRun demo = validate(TWO_TWINS
                + "coordination: {offline_after_seconds: 2, takeover_delay_seconds: 1.0}\n"
                + "monitoring: {heartbeat_interval: 300ms}\n");
        assertThat(demo.exitCode()).as(demo.err()).isEqualTo(ExitCodes.OK);
    }

    // ---- 4. bounded lines and file size, before parsing -----------------------------------------

    @Test
    void aTenMegabyteLineIsRefusedAtOnceNamingItsLineAndKey() throws Exception {
        String value = SECRET + "x".repeat(10 * 1024 * 1024);
        long start = System.nanoTime();
        CliRun run = validate(TWO_TWINS + "monitoring:\n  webhook:\n    url: \"" + value + "\"\n");
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.println("validate of a 10 MB one-line value: " + millis + " ms");
        assertBadConfig(
                run,
                where(8, 1) + "monitoring.webhook.url: line 8 is longer than 16384 characters (the value is not"
                        + " shown)");
        assertNoSecret(run);
    }

    @Test
    void aFileOverOneMegabyteIsRefusedBeforeParsing() throws Exception {
        String comments = ("# " + "padding ".repeat(100) + "\n").repeat(2000);
        CliRun run = validate(TWO_TWINS + comments);
        assertBadConfig(run, where(1, 1) + "the file is larger than 1 MB");
    }

    // ---- 5. ~ and null are nothing, never the one-character token "~" -----------------------------

    @Test
    void aTildeOrNullTokenIsMissingNotTheTokenTilde() throws Exception {
        for (String nothing : new String[] {"~", "null", "Null", "NULL", ""}) {
            CliRun run = validate(TWO_TWINS + "daemon:\n  bind: 0.0.0.0\n  token: " + nothing + "\n");
            assertBadConfig(
                    run, where(7, 9) + "daemon.bind: '0.0.0.0' is not a loopback address, so daemon.token is required");
        }
        // Quoted, it is the string.
        assertThat(validate(TWO_TWINS + "daemon:\n  bind: 0.0.0.0\n  token: \"~\"\n")
                        .exitCode())
                .isEqualTo(ExitCodes.OK);
    }

    @Test
    void aTildeHostnameIsMissing() throws Exception {
        CliRun run = validate("twins:\n  tars:\n    hostname: ~\n  case:\n    hostname: 10.0.0.2\n");
        assertBadConfig(run, where(2, 3) + "twins.tars.hostname: missing (this key is required)");
    }

    // ---- 6. mistyped hosts and users; cloud folders ---------------------------------------------

    @Test
    void aUserAtHostInTheHostnameOrUsernameSaysWhatWasMeant() throws Exception {
        CliRun run = validate("""
                twins:
                  tars:
                    hostname: mark@192.168.1.100
                  case:
                    hostname: 192.168.1.101
                    username: mark@192.168.1.101
                  kipp:
                    hostname: ssh://ann@kipp.local:2222
                  dash:
                    hostname: dash.local:22
                  eve:
                    hostname: eve local
                """);
        assertBadConfig(
                run,
                where(3, 15) + "twins.tars.hostname: 'mark@192.168.1.100' looks like USER@HOST: set username: mark and"
                        + " hostname: 192.168.1.100",
                where(6, 15) + "twins.case.username: 'mark@192.168.1.101' looks like USER@HOST: set username: mark and"
                        + " hostname: 192.168.1.101",
                where(8, 15) + "twins.kipp.hostname: 'ssh://ann@kipp.local:2222' is a URL: set hostname: kipp.local,"
                        + " username: ann, ssh.port: 2222",
                where(10, 15) + "twins.dash.hostname: 'dash.local:22' looks like HOST:PORT: set hostname: dash.local"
                        + " and ssh.port: 22",
                where(12, 15) + "twins.eve.hostname: 'eve local' contains a space");
    }

    @Test
    void plainHostNamesAndAddressesStillLoad() throws Exception {
        CliRun run = validate("""
                twins:
                  tars: {hostname: tars.local, username: mark.s}
                  case: {hostname: "fe80::1%en0"}
                  kipp: {hostname: 10.0.0.3, username: ann_b}
                  dash: {hostname: my-host_1.example.org}
                """);
        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
    }

    @Test
    void aCloudFolderNeedsADaemonUrlOnEveryTwin() throws Exception {
        CliRun run = validate("""
                twins:
                  tars: {hostname: 10.0.0.1, daemon_url: "http://10.0.0.1:7420"}
                  case: {hostname: 10.0.0.2}
                shared_storage:
                  type: cloud
                """);
        assertBadConfig(
                run,
                where(3, 3) + "twins.case.daemon_url: required with shared_storage.type: cloud (claims are arbitrated"
                        + " between the twins' daemons; set e.g. http://<its address>:7420, with daemon.bind and"
                        + " daemon.token)");
    }

    @Test
    void aCloudFolderIsExplainedWhatItCanAndCannotDo() throws Exception {
        CliRun run = validate("""
                twins:
                  tars: {hostname: 10.0.0.1, daemon_url: "http://10.0.0.1:7420"}
                  case: {hostname: 10.0.0.2, daemon_url: "http://10.0.0.2:7420"}
                shared_storage:
                  type: cloud
                  sync_lag: 20s
                """);
        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.out())
                .contains("warning: " + where(5, 9) + "shared_storage.type: a cloud-synced folder (iCloud Drive,"
                        + " Dropbox, Syncthing) gives each twin its own copy, synced seconds later, so an exclusive"
                        + " create there is not atomic across twins. What it can do: carry heartbeats")
                .contains("What it cannot do: decide who answers a message; claims are arbitrated instead by the"
                        + " acting arbiter's daemon");
    }

    @Test
    void aSyncLagIsADurationWithinBoundsOnFoldersOnly() throws Exception {
        CliRun run = validate("""
                twins:
                  tars: {hostname: 10.0.0.1, daemon_url: "http://10.0.0.1:7420"}
                  case: {hostname: 10.0.0.2, daemon_url: "http://10.0.0.2:7420"}
                shared_storage:
                  type: cloud
                  sync_lag: 10m
                """);
        assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_CONFIG);
        assertThat(run.err()).contains(where(6, 13) + "shared_storage.sync_lag:");
    }
}
