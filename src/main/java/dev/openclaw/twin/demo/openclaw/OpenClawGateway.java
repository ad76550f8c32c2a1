package dev.openclaw.twin.demo.openclaw;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.json.JsonMapper;

/**
 * One real OpenClaw gateway (openclaw@2026.9.6 under Node 24 from an {@link OpenClawInstall}) with
 * the IRC channel plugin, our plugin, a mock model and hooks for takeover turns, configured as
 * shared/OPENCLAW-E2E.md found to work.
 */
public final class OpenClawGateway implements AutoCloseable {

    private static final JsonMapper JSON = new JsonMapper();

    private final OpenClawInstall install;
    private final Path plugin;
    private final String twin;
    private final Path stateDir;
    private final int port;
    private final String hooksToken;
    private Process process;

    /**
     * @param plugin the {@code openclaw-plugin} directory to load
     * @param dir where the gateway's state directory and logs go
     */
    public OpenClawGateway(OpenClawInstall install, Path plugin, String twin, Path dir, int port, String hooksToken) {
        this.install = install;
        this.plugin = plugin;
        this.twin = twin;
        this.stateDir = dir.resolve("openclaw-" + twin);
        this.port = port;
        this.hooksToken = hooksToken;
    }

    public String twin() {
        return twin;
    }

    public int port() {
        return port;
    }

    /** Installs the IRC channel plugin into this gateway's state (npm; ~10 s). */
    public void installIrcPlugin() throws IOException, InterruptedException {
        Files.createDirectories(stateDir);
        Process install = command("plugins", "install", "@openclaw/irc")
                .redirectErrorStream(true)
                .redirectOutput(
                        stateDir.resolveSibling(twin + "-irc-install.log").toFile())
                .start();
        if (!install.waitFor(180, TimeUnit.SECONDS) || install.exitValue() != 0) {
            throw new IOException("installing @openclaw/irc for " + twin + " failed: see " + twin + "-irc-install.log");
        }
    }

    /**
     * The gateway config's {@code channels} section: IRC at {@code ircPort} on loopback as
     * {@code nick}, in {@code channel}, answering every message there (no mention needed).
     */
    public static Map<String, Object> ircChannels(int ircPort, String nick, String channel) {
        return Map.of(
                "irc",
                Map.of(
                        "enabled",
                        true,
                        "host",
                        "127.0.0.1",
                        "port",
                        ircPort,
                        "tls",
                        false,
                        "nick",
                        nick,
                        "channels",
                        List.of(channel),
                        "groupPolicy",
                        "open",
                        "groups",
                        Map.of(channel, Map.of("requireMention", false))));
    }

    public void writeConfig(int ircPort, int llmPort, int daemonPort) throws IOException {
        Map<String, Object> config = Map.of(
                "gateway", Map.of("mode", "local"),
                "models", MockLlm.modelsConfig(llmPort),
                "agents", Map.of("defaults", Map.of("model", Map.of("primary", "mock/mock"))),
                "channels", ircChannels(ircPort, twin, "#flock"),
                "plugins",
                        Map.of(
                                "load", Map.of("paths", List.of(plugin.toString())),
                                "allow", List.of("irc", "openclaw-twin"),
                                "entries",
                                        Map.of(
                                                "irc", Map.of("enabled", true),
                                                "openclaw-twin",
                                                        Map.of(
                                                                "enabled", true,
                                                                "hooks", Map.of("allowConversationAccess", true),
                                                                "config",
                                                                        Map.of(
                                                                                "daemonUrl",
                                                                                "http://127.0.0.1:" + daemonPort)))),
                "hooks",
                        Map.of(
                                "enabled",
                                true,
                                "token",
                                hooksToken,
                                "allowRequestSessionKey",
                                true,
                                "allowedSessionKeyPrefixes",
                                List.of("hook:", "agent:main:irc:")));
        Files.writeString(
                stateDir.resolve("openclaw.json"),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config));
    }

    public void start() throws IOException {
        process = command(
                        "gateway",
                        "run",
                        "--port",
                        Integer.toString(port),
                        "--bind",
                        "loopback",
                        "--auth",
                        "token",
                        "--token",
                        "gateway-token-" + twin)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        stateDir.resolveSibling(twin + "-gateway.log").toFile()))
                .start();
    }

    /** Ready to serve; fails at once (with its log's end) if the gateway process has died. */
    public boolean ready() {
        if (process != null && !process.isAlive()) {
            String log;
            try {
                List<String> lines = Files.readAllLines(stateDir.resolveSibling(twin + "-gateway.log"));
                log = String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
            } catch (IOException e) {
                log = "(no log)";
            }
            throw new AssertionError("the gateway of " + twin + " exited (" + process.exitValue() + "):\n" + log);
        }
        return probeReady();
    }

    private boolean probeReady() {
        try (HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            HttpResponse<Void> r = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Wakes this gateway's heartbeat now ({@code openclaw system event --mode now}), as its own
     * schedule would: the heartbeat turn then asks the plugin's duty hook whether to run.
     */
    public void wakeHeartbeat(String text) throws IOException, InterruptedException {
        Process event = command(
                        "system",
                        "event",
                        "--text",
                        text,
                        "--mode",
                        "now",
                        "--port",
                        Integer.toString(port),
                        "--token",
                        "gateway-token-" + twin)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        stateDir.resolveSibling(twin + "-system-event.log").toFile()))
                .start();
        if (!event.waitFor(60, TimeUnit.SECONDS) || event.exitValue() != 0) {
            throw new IOException("openclaw system event failed for " + twin + ": see " + twin + "-system-event.log");
        }
    }

    /** SIGKILL, with every process the gateway started. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private ProcessBuilder command(String... args) {
        return install.command(stateDir, List.of(args));
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
