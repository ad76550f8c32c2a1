package dev.openclaw.twin.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.openclaw.twin.demo.LocalFlock;
import dev.openclaw.twin.demo.openclaw.FreePortRange;
import dev.openclaw.twin.demo.openclaw.IrcClient;
import dev.openclaw.twin.demo.openclaw.MockLlm;
import dev.openclaw.twin.demo.openclaw.NgircdServer;
import dev.openclaw.twin.demo.openclaw.OpenClawGateway;
import dev.openclaw.twin.demo.openclaw.OpenClawInstall;
import dev.openclaw.twin.testing.TwinLauncher;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code twin connect} against a real gateway: a fresh OpenClaw state directory that knows only
 * {@code gateway.mode local}, its port and token, the mock model and IRC on a local ngircd — no
 * plugin, no hooks. A real twin daemon runs beside it. {@code twin connect} (the real launcher, with
 * {@code OPENCLAW_STATE_DIR} pointing at that directory) wires it; then a person's message in the
 * channel is answered exactly once, after the plugin asked the daemon. A second run changes
 * nothing, {@code --dry-run} shows the commands and changes nothing, {@code --undo} takes it back.
 */
class ConnectOpenClawIT {

    private static final OpenClawInstall INSTALL = new OpenClawInstall(TwinLauncher.REPO.resolve(".cache/openclaw"));
    private static final JsonMapper JSON = new JsonMapper();
    private static final String CHANNEL = "#flock";
    private static final String REFERENCE = "file:~/.config/openclaw-twin/hooks-token";

    private final List<AutoCloseable> opened = new ArrayList<>();
    private final StringBuilder transcript = new StringBuilder();
    private Path dir;
    private Process daemon;

    @AfterEach
    void stopEverything() throws Exception {
        System.out.println(transcript);
        if (daemon != null) {
            daemon.destroyForcibly();
            daemon.waitFor(10, TimeUnit.SECONDS);
        }
        for (AutoCloseable resource : opened.reversed()) {
            try {
                resource.close();
            } catch (Exception e) {
                // closing the rest matters more
            }
        }
        if (dir != null) {
            Path logs = Files.createDirectories(TwinLauncher.REPO.resolve("target/failsafe-reports/connect-logs"));
            try (Stream<Path> files = Files.list(dir)) {
                for (Path log : files.filter(p -> p.toString().endsWith(".log")).toList()) {
                    Files.copy(log, logs.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    @Test
    void connectWiresAFreshGatewaySoOneMessageIsAnsweredOnceThenUndoTakesItBack() throws Exception {
        assumeTrue(NgircdServer.binary().isPresent(), "ngircd is not installed (.ci/run installs it): skipping");
        assumeTrue(
                INSTALL.installed(),
                "Node 24 and openclaw are not in .cache/openclaw (.ci/run installs them): skipping");
        long started = System.nanoTime();
        dir = Files.createTempDirectory("twin-connect-");
        Path home = Files.createDirectories(dir.resolve("home"));
        NgircdServer irc = open(new NgircdServer(dir, LocalFlock.freePorts(1).getFirst(), CHANNEL));
        MockLlm llm = open(new MockLlm(dir.resolve("llm-requests.log")));
        int gatewayPort = FreePortRange.from(22000 + new Random().nextInt(80) * 100);
        int daemonPort = LocalFlock.freePorts(1).getFirst();
        // The plugin and hooks token arguments are unused: this test writes the gateway's config itself.
        OpenClawGateway gateway = open(new OpenClawGateway(
                INSTALL, TwinLauncher.REPO.resolve("openclaw-plugin"), "tars", dir, gatewayPort, "-"));
        Path state = dir.resolve("openclaw-tars");
        Path openclawJson = state.resolve("openclaw.json");
        Path twinsYaml = dir.resolve("twins.yaml");
        String yaml = twinsYaml(gatewayPort, daemonPort);
        Files.writeString(twinsYaml, yaml);
        daemon = startDaemon(twinsYaml, home); // starts while npm installs the IRC plugin
        gateway.installIrcPlugin();
        writeFreshGatewayConfig(openclawJson, gatewayPort, irc.port(), llm.port());
        gateway.start();
        await().atMost(Duration.ofSeconds(150))
                .pollInterval(Duration.ofMillis(250))
                .until(gateway::ready);
        await().atMost(Duration.ofSeconds(60)).until(() -> healthz(daemonPort).contains("\"tars\""));
        IrcClient human = open(new IrcClient(irc.port(), "human", CHANNEL));
        await().atMost(Duration.ofSeconds(60)).until(() -> human.present("tars"));
        log("gateway and daemon up after %.1f s", seconds(started));

        // --dry-run: the commands, secrets hidden, nothing changed.
        String fresh = Files.readString(openclawJson);
        Run dry = connect(twinsYaml, home, state, "--dry-run");
        assertThat(dry.exit()).as(dry.out()).isZero();
        assertThat(dry.out())
                .contains(
                        "'plugins' 'install' '--link' '" + TwinLauncher.REPO.resolve("openclaw-plugin") + "' '--force'")
                .contains("'config' 'patch' '--stdin'")
                .contains("\"token\":\"<hooks token>\"")
                .contains("would be made");
        assertThat(Files.readString(openclawJson)).isEqualTo(fresh);
        assertThat(Files.readString(twinsYaml)).isEqualTo(yaml);
        assertThat(home.resolve(".config/openclaw-twin/hooks-token")).doesNotExist();

        // connect: wired and verified against the running gateway.
        Run connect = connect(twinsYaml, home, state);
        assertThat(connect.exit()).as(connect.out()).isZero();
        assertThat(connect.out())
                .contains("✓ gateway loads the plugin")
                .contains("✓ gateway accepts the hooks token")
                .contains("answers as tars")
                .doesNotContain("✗");
        Path tokenFile = home.resolve(".config/openclaw-twin/hooks-token");
        String token = Files.readString(tokenFile).strip();
        assertThat(token).matches("[A-Za-z0-9_-]{43}");
        assertThat(Files.getPosixFilePermissions(tokenFile)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(tokenFile.getParent()))
                .isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(connect.out()).doesNotContain(token);
        JsonNode wired = JSON.readTree(Files.readString(openclawJson));
        JsonNode entry = wired.path("plugins").path("entries").path("openclaw-twin");
        assertThat(entry.path("enabled").asBoolean()).isTrue();
        assertThat(entry.path("hooks").path("allowConversationAccess").asBoolean())
                .isTrue();
        assertThat(entry.path("config").path("daemonUrl").asString()).isEqualTo("http://127.0.0.1:" + daemonPort);
        assertThat(wired.path("hooks").path("token").asString()).isEqualTo(token);
        assertThat(wired.path("hooks").path("enabled").asBoolean()).isTrue();
        String connectedYaml = Files.readString(twinsYaml);
        assertThat(connectedYaml)
                .isEqualTo(yaml.replace(
                        "    # hooks_token: ${OPENCLAW_HOOKS_TOKEN}  # takeovers need it",
                        "    hooks_token: \"" + REFERENCE + "\""));
        assertThat(Files.readString(dir.resolve("twins.yaml.bak"))).isEqualTo(yaml);

        // One message from a person: answered once, by this gateway, after the plugin asked the daemon.
        double decidesBefore = metric(daemonPort, "twin_decisions_total");
        int callsBefore = llm.calls();
        long said = System.nanoTime();
        human.say("what is the capital of Peru?");
        await().atMost(Duration.ofSeconds(90))
                .until(() -> !human.since(said, "human").isEmpty());
        await().during(Duration.ofSeconds(6))
                .atMost(Duration.ofSeconds(12))
                .until(() -> human.since(said, "human").size() == 1);
        IrcClient.Line reply = human.since(said, "human").getFirst();
        assertThat(reply.nick()).isEqualTo("tars");
        assertThat(llm.calls() - callsBefore).as("model calls").isEqualTo(1);
        assertThat(metric(daemonPort, "twin_decisions_total") - decidesBefore)
                .as("decides the plugin asked the daemon")
                .isEqualTo(1);
        log("IRC %s", CHANNEL);
        log("  <human> what is the capital of Peru?");
        log(
                "  <%s> %s   (%.1f s later; 1 model call, 1 decide)",
                reply.nick(), reply.text(), (reply.atNanos() - said) / 1e9);

        // A second run: nothing to change, nothing written.
        FileTime written = Files.getLastModifiedTime(openclawJson);
        Run again = connect(twinsYaml, home, state);
        assertThat(again.exit()).as(again.out()).isZero();
        assertThat(again.out()).contains("Nothing to change").doesNotContain("$ ");
        assertThat(Files.getLastModifiedTime(openclawJson)).isEqualTo(written);
        assertThat(Files.readString(twinsYaml)).isEqualTo(connectedYaml);

        // --undo: what connect added is gone, the rest is as it was.
        Run undo = connect(twinsYaml, home, state, "--undo");
        assertThat(undo.exit()).as(undo.out()).isZero();
        assertThat(undo.out()).contains("'plugins' 'uninstall' 'openclaw-twin' '--force'");
        JsonNode undone = JSON.readTree(Files.readString(openclawJson));
        assertThat(undone.path("plugins").path("entries").has("openclaw-twin")).isFalse();
        assertThat(undone.path("plugins").path("load").path("paths").toString()).doesNotContain("openclaw-plugin");
        assertThat(undone.has("hooks")).isFalse();
        assertThat(undone.path("channels").path("irc").path("nick").asString()).isEqualTo("tars");
        assertThat(undone.path("plugins")
                        .path("entries")
                        .path("irc")
                        .path("enabled")
                        .asBoolean())
                .isTrue();
        assertThat(tokenFile).doesNotExist();
        assertThat(Files.readString(twinsYaml)).isEqualTo(yaml);
        log("whole test %.1f s", seconds(started));
    }

    private record Run(int exit, String out) {}

    /** The real launcher, as a person runs it on the twin's host. */
    private Run connect(Path twinsYaml, Path home, Path state, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("connect", "--config", twinsYaml.toString(), "--twin", "tars"));
        args.addAll(List.of(extra));
        ProcessBuilder builder = TwinLauncher.twin(args.toArray(String[]::new)).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("PATH", INSTALL.nodeBin() + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("OPENCLAW_BIN", INSTALL.openclaw().toString());
        env.put("OPENCLAW_STATE_DIR", state.toString());
        env.put("OPENCLAW_DISABLE_BONJOUR", "1");
        env.put("TWIN_JAVA_OPTS", "-Duser.home=" + home);
        long start = System.nanoTime();
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        log(
                "$ twin %s    (%.1f s, exit %d)",
                String.join(" ", args).replace(dir.toString(), "$TMP"), seconds(start), process.exitValue());
        log("%s", out.replace(dir.toString(), "$TMP").stripTrailing());
        return new Run(process.exitValue(), out);
    }

    /** What a fresh gateway knows: local mode, its port and token, the mock model, IRC. No plugin, no hooks. */
    private static void writeFreshGatewayConfig(Path file, int gatewayPort, int ircPort, int llmPort)
            throws IOException {
        // Keep what installing the IRC plugin wrote (its entry); add the rest.
        ObjectNode config = (ObjectNode) JSON.readTree(Files.readString(file));
        config.set(
                "gateway",
                JSON.valueToTree(Map.of(
                        "mode",
                        "local",
                        "port",
                        gatewayPort,
                        "bind",
                        "loopback",
                        "auth",
                        Map.of("mode", "token", "token", "gateway-token-tars"))));
        config.set("models", JSON.valueToTree(MockLlm.modelsConfig(llmPort)));
        config.set("agents", JSON.valueToTree(Map.of("defaults", Map.of("model", Map.of("primary", "mock/mock")))));
        config.set("channels", JSON.valueToTree(OpenClawGateway.ircChannels(ircPort, "tars", CHANNEL)));
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config));
    }

    /** A twins.yaml as twin init writes it (the commented hooks_token line included), tars primary. */
    private String twinsYaml(int gatewayPort, int daemonPort) throws IOException {
        Path shared = Files.createDirectories(dir.resolve("shared"));
        return """
                # openclaw-twin configuration (as twin init writes it)
                twins:
                  tars:
                    hostname: 127.0.0.1
                    gateway_url: http://127.0.0.1:%d   # as its own daemon reaches it
                  case:
                    hostname: 127.0.0.2

                shared_storage:
                  type: local
                  path: %s

                coordination:
                  rotation: manual                 # tars answers routine messages
                  primary: tars
                  timezone: UTC
                  takeover_dispatch:             # a takeover runs as an agent turn on the twin's own gateway
                    type: openclaw
                    # hooks_token: ${OPENCLAW_HOOKS_TOKEN}  # takeovers need it

                monitoring:
                  heartbeat_interval: 1s

                daemon:
                  port: %d
                """.formatted(gatewayPort, shared, daemonPort);
    }

    private Process startDaemon(Path twinsYaml, Path home) throws IOException {
        return new ProcessBuilder(
                        ProcessHandle.current().info().command().orElse("java"),
                        "-Xmx64m",
                        "-XX:+UseSerialGC",
                        "-XX:TieredStopAtLevel=1",
                        "-Duser.home=" + home,
                        "-cp",
                        System.getProperty("java.class.path"),
                        "dev.openclaw.twin.cli.Main",
                        "daemon",
                        "--config",
                        twinsYaml.toString(),
                        "--twin",
                        "tars")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("tars-daemon.log").toFile())
                .start();
    }

    private static String healthz(int port) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                                    .timeout(Duration.ofSeconds(2))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** The sum of a metric's series on the daemon's /metrics. */
    private static double metric(int port, String name) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            String text = http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            return text.lines()
                    .filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                    .sum();
        }
    }

    private <T extends AutoCloseable> T open(T resource) {
        opened.add(resource);
        return resource;
    }

    private void log(String format, Object... args) {
        transcript.append(String.format(format, args)).append('\n');
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
