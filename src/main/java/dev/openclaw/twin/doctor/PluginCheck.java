package dev.openclaw.twin.doctor;

import dev.openclaw.twin.config.TwinsConfig;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Our plugin as the running gateway sees it: installed, enabled and loaded. Asks the gateway
 * itself ({@code openclaw gateway call plugins.list}: each plugin's {@code enabled} and its
 * {@code runtime.state}, {@code active} once loaded), since {@code openclaw plugins list} only
 * reads the registry on disk. Adds what openclaw.json says that the gateway's answer does not:
 * the allowlist and the conversation-hook grant.
 */
public final class PluginCheck implements Check {

    private static final JsonMapper JSON = new JsonMapper();

    private final TwinsConfig config;
    private final String twin;
    private final GatewayWiring wiring;
    private final OpenClawCli openclaw;
    private final Duration timeout;

    public PluginCheck(TwinsConfig config, String twin, GatewayWiring wiring, OpenClawCli openclaw, Duration timeout) {
        this.config = config;
        this.twin = twin;
        this.wiring = wiring;
        this.openclaw = openclaw;
        this.timeout = timeout;
    }

    @Override
    public String name() {
        return "plugin";
    }

    @Override
    public CheckResult run() throws InterruptedException {
        String id = GatewayWiring.PLUGIN_ID;
        URI gateway = config.twin(twin).gatewayUrl();
        List<String> args = new ArrayList<>(
                List.of("gateway", "call", "plugins.list", "--json", "--timeout", Long.toString(timeout.toMillis())));
        if (loopback(gateway.getHost())) {
            args.addAll(List.of("--port", Integer.toString(port(gateway))));
        } else {
            Optional<String> token = wiring.gatewayToken();
            if (token.isEmpty()) {
                return CheckResult.warning(
                        name(),
                        "not checked: the gateway at " + gateway + " is not on loopback and " + wiring.file()
                                + " has no plain gateway.auth.token to ask it with",
                        "run 'openclaw gateway call plugins.list' there to see its plugins");
            }
            args.addAll(List.of("--url", "ws://" + gateway.getHost() + ":" + port(gateway), "--token", token.get()));
        }
        OpenClawCli.Run run = openclaw.run(args.toArray(String[]::new));
        if (!run.started()) {
            return CheckResult.warning(
                    name(),
                    "not checked: cannot run '" + openclaw.describe() + "' ("
                            + run.stderr().strip() + ")",
                    "put openclaw on PATH, or set backup.openclaw_command in twins.yaml");
        }
        Optional<JsonNode> answer = json(run.stdout());
        if (!run.ok() || answer.isEmpty() || answer.get().has("error")) {
            Optional<JsonNode> error = answer.map(a -> a.get("error"));
            String type = error.map(e -> e.path("type").asString("")).orElse("");
            String message = error.map(e -> e.path("message").asString(""))
                    .filter(m -> !m.isBlank())
                    .orElse(OpenClawVersionCheck.firstLine(run.stderr() + "\n" + run.stdout()));
            if (type.equals("gateway_transport_error")) {
                return CheckResult.warning(
                        name(), "not checked: the gateway does not answer (" + message + ")", "see the gateway check");
            }
            return CheckResult.failure(
                    name(),
                    "the gateway would not list its plugins: " + message,
                    "check gateway.auth in " + wiring.file() + " (openclaw gateway call plugins.list shows the error)");
        }
        JsonNode plugin = null;
        for (JsonNode p : answer.get().path("plugins")) {
            if (id.equals(p.path("id").asString(""))) {
                plugin = p;
            }
        }
        String connect = "twin connect";
        if (plugin == null) {
            return CheckResult.failure(
                    name(),
                    id + " is not installed in this gateway",
                    connect + " (installs, enables and configures it)");
        }
        if (!plugin.path("enabled").asBoolean(false)) {
            String why = wiring.pluginAllowed() ? "" : " (plugins.allow in " + wiring.file() + " does not list it)";
            return CheckResult.failure(
                    name(),
                    id + " is installed but not enabled" + why + ": this gateway answers without asking its daemon",
                    "openclaw plugins enable " + id + " (or " + connect + ")");
        }
        String runtime = plugin.path("runtime").path("state").asString("unknown");
        if (!runtime.equals("active")) {
            return CheckResult.failure(
                    name(),
                    id + " is enabled but not loaded by the running gateway (runtime: " + runtime + ")",
                    "openclaw plugins reload " + id + ", or restart the gateway (openclaw gateway restart)");
        }
        String version = plugin.path("version").asString("?");
        if (wiring.problem().isPresent()) {
            return CheckResult.warning(
                    name(),
                    id + " " + version + " is loaded, but " + wiring.problem().get()
                            + ": its hooks grant and daemonUrl cannot be checked",
                    "set twins." + twin + ".openclaw_config in " + config.source() + " to the gateway's openclaw.json");
        }
        if (!wiring.conversationAccess()) {
            return CheckResult.failure(
                    name(),
                    id + " " + version + " is loaded, but plugins.entries." + id
                            + ".hooks.allowConversationAccess is not true: the gateway blocks its hooks",
                    "openclaw config set plugins.entries." + id + ".hooks.allowConversationAccess true (or " + connect
                            + ")");
        }
        return CheckResult.ok(name(), id + " " + version + " installed, enabled, loaded by the running gateway");
    }

    private static Optional<JsonNode> json(String stdout) {
        int start = stdout.indexOf('{');
        if (start < 0) {
            return Optional.empty();
        }
        try {
            JsonNode node = JSON.readTree(stdout.substring(start));
            return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
        } catch (JacksonException e) {
            return Optional.empty();
        }
    }

    private static int port(URI url) {
        return url.getPort() > 0 ? url.getPort() : url.getScheme().equals("https") ? 443 : 80;
    }

    private static boolean loopback(String host) {
        try {
            return host.equals("localhost") || InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
