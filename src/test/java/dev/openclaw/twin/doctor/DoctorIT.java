package dev.openclaw.twin.doctor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.openclaw.twin.config.ConfigEnvironment;
import dev.openclaw.twin.config.ConfigLoader;
import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.daemon.Daemon;
import dev.openclaw.twin.demo.openclaw.OpenClawInstall;
import dev.openclaw.twin.gateway.GatewayWiring;
import dev.openclaw.twin.rescue.SshdServer;
import dev.openclaw.twin.state.FileStateStore;
import dev.openclaw.twin.testing.CliRun;
import dev.openclaw.twin.testing.HttpReceiver;
import dev.openclaw.twin.testing.ReadOnlyDirectory;
import dev.openclaw.twin.testing.TwinLauncher;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code twin doctor} on a host with a real OpenClaw gateway (our plugin loaded, hooks on), two real
 * twin daemons and a real sshd for the peer: healthy first, then one problem at a time. One gateway
 * start serves every case: the problems that live in twins.yaml are made there, the plugin is
 * disabled last through OpenClaw's own CLI (applied to the running gateway).
 */
class DoctorIT {

    private static final OpenClawInstall INSTALL = new OpenClawInstall(Path.of(".cache/openclaw"));
    private static final JsonMapper JSON = new JsonMapper();
    private static final String HOOKS_TOKEN = "hooks-token-for-the-doctor-test-0123456789";

    @TempDir
    Path dir;

    private final List<AutoCloseable> running = new ArrayList<>();
    private Process gateway;

    @AfterEach
    void stop() throws Exception {
        if (gateway != null) {
            gateway.descendants().forEach(ProcessHandle::destroyForcibly);
            gateway.destroyForcibly();
            gateway.waitFor(10, TimeUnit.SECONDS);
        }
        for (AutoCloseable c : running.reversed()) {
            c.close();
        }
    }

    /** What a twins.yaml of this test varies. */
    record Host(int gatewayPort, String hooksToken, Path knownHosts, int caseDaemonPort, boolean alerts) {
        Host(int gatewayPort, String hooksToken, Path knownHosts, int caseDaemonPort) {
            this(gatewayPort, hooksToken, knownHosts, caseDaemonPort, true);
        }
    }

    @Test
    void aHealthyHostPassesEveryCheckAndEachProblemIsOneFailureWithItsFix() throws Exception {
        assumeThat(SshdServer.available())
                .as("OpenSSH sshd installed (.ci/run installs it)")
                .isTrue();
        assumeThat(INSTALL.installed())
                .as("OpenClaw in .cache/openclaw (.ci/run installs it); skipped: not installed")
                .isTrue();
        SshdServer sshd = SshdServer.start(dir.resolve("sshd"));
        running.add(sshd);
        int gatewayPort = SshdServer.freePort();
        int tarsDaemon = SshdServer.freePort();
        int caseDaemon = SshdServer.freePort();
        Path state = Files.createDirectories(dir.resolve("openclaw-state"));
        Path openclaw = openclawScript(state);
        writeOpenClawJson(state, tarsDaemon);
        long started = System.nanoTime();
        gateway = new ProcessBuilder(
                        openclaw.toString(), "gateway", "run", "--port", "" + gatewayPort, "--bind", "loopback")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("gateway.log").toFile())
                .start();

        Path shared = Files.createDirectories(dir.resolve("shared"));
        Path knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, sshd.knownHostsLine() + "\n");
        HttpReceiver alerts = new HttpReceiver();
        running.add(alerts);
        Host healthy = new Host(gatewayPort, HOOKS_TOKEN, knownHosts, caseDaemon);
        Path config = twinsYaml(healthy, sshd, shared, openclaw, state, alerts, tarsDaemon);
        TwinsConfig loaded =
                new ConfigLoader(new ConfigEnvironment(Map.of(), dir.resolve("home"), dir)).load(Optional.of(config));
        Daemon tars = daemon(loaded, "tars", shared, tarsDaemon);
        daemon(loaded, "case", shared, caseDaemon);

        await("the gateway's /readyz")
                .atMost(Duration.ofSeconds(180))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    if (!gateway.isAlive()) {
                        throw new AssertionError("the gateway exited: " + Files.readString(dir.resolve("gateway.log")));
                    }
                    return ready(gatewayPort);
                });
        System.out.printf(
                "gateway ready after %d ms%n",
                Duration.ofNanos(System.nanoTime() - started).toMillis());

        // Healthy: every check passes, and --send-test delivers one alert.
        JsonNode report = doctor("healthy host", config, 0, "--send-test");
        assertThat(statuses(report)).as(report.toPrettyString()).containsOnly("ok");
        assertThat(names(report))
                .containsExactly(
                        "config",
                        "share",
                        "clock vs share",
                        "daemon",
                        "gateway",
                        "openclaw",
                        "plugin",
                        "hooks token",
                        "peer case",
                        "ssh case",
                        "alerts");
        assertThat(check(report, "plugin").path("detail").asString()).contains("loaded by the running gateway");
        // (the daemons alert through the same webhook; the doctor's test alert says who sent it)
        assertThat(alerts.received())
                .filteredOn(r -> r.body().contains("twin doctor --send-test"))
                .hasSize(1);

        // No alert channel: a warning only, exit 3.
        report = doctor(
                "no alert channel (a warning)",
                twinsYaml(
                        new Host(gatewayPort, HOOKS_TOKEN, knownHosts, caseDaemon, false),
                        sshd,
                        shared,
                        openclaw,
                        state,
                        alerts,
                        tarsDaemon),
                3);
        for (JsonNode check : report.path("checks")) {
            assertThat(check.path("status").asString())
                    .as(check.toPrettyString())
                    .isEqualTo(check.path("name").asString().equals("alerts") ? "warning" : "ok");
        }

        // gateway_url at a closed port.
        int closed = SshdServer.freePort();
        report = doctor(
                "wrong gateway port",
                twinsYaml(
                        new Host(closed, HOOKS_TOKEN, knownHosts, caseDaemon),
                        sshd,
                        shared,
                        openclaw,
                        state,
                        alerts,
                        tarsDaemon),
                1);
        assertFailure(
                report,
                "gateway",
                "nothing answers at gateway_url http://127.0.0.1:" + closed,
                "twins.tars.gateway_url");
        // what needs the gateway says it was not checked, instead of failing a second time
        assertThat(check(report, "plugin").path("status").asString()).isEqualTo("warning");
        assertThat(check(report, "hooks token").path("status").asString()).isEqualTo("warning");

        // A hooks token the gateway does not know.
        report = doctor(
                "bad hooks token",
                twinsYaml(
                        new Host(gatewayPort, "not-the-hooks-token", knownHosts, caseDaemon),
                        sshd,
                        shared,
                        openclaw,
                        state,
                        alerts,
                        tarsDaemon),
                1);
        assertOnlyFailure(report, "hooks token", "refused the hooks token (HTTP 401)", "twin connect");

        // The peer's host key is not in known_hosts.
        Path empty = Files.writeString(dir.resolve("empty_known_hosts"), "");
        report = doctor(
                "unknown SSH host key",
                twinsYaml(
                        new Host(gatewayPort, HOOKS_TOKEN, empty, caseDaemon),
                        sshd,
                        shared,
                        openclaw,
                        state,
                        alerts,
                        tarsDaemon),
                1);
        assertOnlyFailure(report, "ssh case", "is not in " + empty, "twin trust case");

        // The share is read-only.
        try (ReadOnlyDirectory readOnly = ReadOnlyDirectory.of(shared)) {
            report = doctor("read-only share", config, 1);
        }
        assertFailure(report, "share", "is not writable", "write access to " + shared);

        // case's daemon_url reaches tars's daemon.
        report = doctor(
                "peer URL answering as another twin",
                twinsYaml(
                        new Host(gatewayPort, HOOKS_TOKEN, knownHosts, tarsDaemon),
                        sshd,
                        shared,
                        openclaw,
                        state,
                        alerts,
                        tarsDaemon),
                1);
        assertOnlyFailure(report, "peer case", "answers as twin 'tars', not case", "twins.case.daemon_url");

        // This twin's daemon is not running.
        tars.close();
        report = doctor("daemon not running", config, 1);
        assertOnlyFailure(report, "daemon", "no daemon at http://127.0.0.1:" + tarsDaemon, "twin daemon --twin tars");
        daemon(loaded, "tars", shared, tarsDaemon);

        // The plugin disabled, through OpenClaw's CLI: the running gateway unloads it.
        Process disable = new ProcessBuilder(openclaw.toString(), "plugins", "disable", GatewayWiring.PLUGIN_ID)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("plugins-disable.log").toFile())
                .start();
        assertThat(disable.waitFor(180, TimeUnit.SECONDS)).isTrue();
        assertThat(disable.exitValue())
                .as(Files.readString(dir.resolve("plugins-disable.log")))
                .isZero();
        report = doctor("plugin not enabled", config, 1);
        assertOnlyFailure(report, "plugin", "installed but not enabled", "openclaw plugins enable openclaw-twin");
    }

    private JsonNode doctor(String title, Path config, int exitCode, String... extra) throws Exception {
        List<String> args = new ArrayList<>(
                List.of("doctor", "--twin", "tars", "--config", config.toString(), "--timeout-seconds", "60"));
        args.addAll(List.of(extra));
        long started = System.nanoTime();
        CliRun text = CliRun.run(Clock.systemUTC(), dir, args.toArray(String[]::new));
        long took = Duration.ofNanos(System.nanoTime() - started).toMillis();
        System.out.printf("%n---- twin doctor: %s (exit %d, %d ms)%n%s%n", title, text.exitCode(), took, text.out());
        assertThat(text.exitCode()).as(text.out() + text.err()).isEqualTo(exitCode);
        args.add("--json");
        args.removeAll(List.of("--send-test"));
        CliRun json = CliRun.run(Clock.systemUTC(), dir, args.toArray(String[]::new));
        assertThat(json.exitCode()).as(json.out() + json.err()).isEqualTo(exitCode);
        JsonNode report = JSON.readTree(json.out());
        JsonNode slowest = null;
        for (JsonNode check : report.path("checks")) {
            if (slowest == null
                    || check.path("elapsedMs").asLong()
                            > slowest.path("elapsedMs").asLong()) {
                slowest = check;
            }
        }
        System.out.printf(
                "(--json run: slowest check %s, %d ms)%n",
                slowest.path("name").asString(), slowest.path("elapsedMs").asLong());
        assertThat(report.path("schemaVersion").asInt()).isEqualTo(1);
        assertThat(report.path("twin").asString()).isEqualTo("tars");
        assertThat(report.path("summary").path("status").asString())
                .isEqualTo(exitCode == 0 ? "ok" : exitCode == 3 ? "warning" : "failure");
        return report;
    }

    private static void assertFailure(JsonNode report, String name, String detail, String fix) {
        JsonNode check = check(report, name);
        assertThat(check.path("status").asString()).as(report.toPrettyString()).isEqualTo("failure");
        assertThat(check.path("detail").asString()).contains(detail);
        assertThat(check.path("fix").asString()).contains(fix);
    }

    /** {@code name} fails, and every other check passes. */
    private static void assertOnlyFailure(JsonNode report, String name, String detail, String fix) {
        assertFailure(report, name, detail, fix);
        for (JsonNode other : report.path("checks")) {
            if (!other.path("name").asString().equals(name)) {
                assertThat(other.path("status").asString())
                        .as(other.toPrettyString())
                        .isEqualTo("ok");
            }
        }
    }

    private static JsonNode check(JsonNode report, String name) {
        for (JsonNode check : report.path("checks")) {
            if (check.path("name").asString().equals(name)) {
                return check;
            }
        }
        throw new AssertionError("no check " + name + " in " + report.toPrettyString());
    }

    private static List<String> statuses(JsonNode report) {
        List<String> statuses = new ArrayList<>();
        report.path("checks").forEach(c -> statuses.add(c.path("status").asString()));
        return statuses;
    }

    private static List<String> names(JsonNode report) {
        List<String> names = new ArrayList<>();
        report.path("checks").forEach(c -> names.add(c.path("name").asString()));
        return names;
    }

    private Daemon daemon(TwinsConfig config, String twin, Path shared, int port) {
        Daemon daemon = new Daemon(
                config,
                twin,
                new FileStateStore(shared, "twin-primary.json"),
                Clock.systemUTC(),
                System::nanoTime,
                "test",
                port);
        daemon.start();
        running.add(daemon);
        return daemon;
    }

    /** openclaw as this host runs it: the cached install, its Node first on PATH, the test's state. */
    private Path openclawScript(Path state) throws IOException {
        Path script = dir.resolve("openclaw.sh");
        Files.writeString(script, """
                #!/bin/sh
                export OPENCLAW_STATE_DIR="%s" OPENCLAW_DISABLE_BONJOUR=1 OPENCLAW_NO_RESPAWN=1 PATH="%s:$PATH"
                exec "%s" "$@"
                """.formatted(state, INSTALL.nodeBin(), INSTALL.openclaw()));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    /** The wiring 'twin connect' makes, written as JSON5 (comments, unquoted keys) as people do. */
    private void writeOpenClawJson(Path state, int daemonPort) throws IOException {
        Files.writeString(state.resolve("openclaw.json"), """
                // written by DoctorIT
                {
                  gateway: {mode: "local", auth: {mode: "token", token: "gateway-token-doctor"}},
                  plugins: {
                    load: {paths: ["%s"]},
                    allow: ["openclaw-twin"],
                    entries: {
                      "openclaw-twin": {
                        enabled: true,
                        hooks: {allowConversationAccess: true},
                        config: {daemonUrl: "http://127.0.0.1:%d"},
                      },
                    },
                  },
                  hooks: {enabled: true, token: "%s", allowRequestSessionKey: true, allowedSessionKeyPrefixes: ["hook:"]},
                }
                """.formatted(
                        TwinLauncher.REPO.resolve("openclaw-plugin"), daemonPort, HOOKS_TOKEN));
    }

    private Path twinsYaml(
            Host host, SshdServer sshd, Path shared, Path openclaw, Path state, HttpReceiver alerts, int tarsDaemon)
            throws IOException {
        Path file = Files.createTempFile(dir, "twins-", ".yaml");
        String user = System.getProperty("user.name");
        Files.writeString(file, """
                twins:
                  tars:
                    hostname: 127.0.0.1
                    username: %s
                    openclaw_config: %s
                    gateway_url: http://127.0.0.1:%d
                    daemon_url: http://127.0.0.1:%d
                  case:
                    hostname: 127.0.0.1
                    username: %s
                    gateway_url: http://127.0.0.1:9
                    daemon_url: http://127.0.0.1:%d
                    ssh: {port: %d, key: %s, known_hosts: %s}
                shared_storage: {type: local, path: %s}
                coordination:
                  takeover_dispatch: {type: openclaw, hooks_token: "%s"}
                monitoring:
                  %s
                backup: {openclaw_command: [%s]}
                """.formatted(
                        user,
                        state.resolve("openclaw.json"),
                        host.gatewayPort(),
                        tarsDaemon,
                        user,
                        host.caseDaemonPort(),
                        sshd.port(),
                        sshd.clientKey(),
                        host.knownHosts(),
                        shared,
                        host.hooksToken(),
                        host.alerts() ? "webhook: {url: \"" + alerts.url("/alerts") + "\"}" : "alert_channels: []",
                        openclaw));
        return file;
    }

    private static boolean ready(int port) {
        try (HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            return http.send(
                                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                                            .timeout(Duration.ofSeconds(2))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode()
                    == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
