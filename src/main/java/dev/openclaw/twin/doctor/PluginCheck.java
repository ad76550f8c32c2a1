package dev.openclaw.twin.doctor;

import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.gateway.GatewayWiring;
import dev.openclaw.twin.gateway.OpenClawCli;
import dev.openclaw.twin.gateway.RunningGateway;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Our plugin as the running gateway sees it: installed, enabled and loaded. Asks the gateway
 * itself ({@code openclaw gateway call plugins.list}: each plugin's {@code enabled} and its
 * {@code runtime.state}, {@code active} once loaded), since {@code openclaw plugins list} only
 * reads the registry on disk. Adds what openclaw.json says that the gateway's answer does not:
 * the allowlist and the conversation-hook grant.
 */
public final class PluginCheck implements Check {

    private final TwinsConfig config;
    private final String twin;
    private final GatewayWiring wiring;
    private final OpenClawCli openclaw;
    private final RunningGateway gateway;
    private final Duration timeout;

    public PluginCheck(
            TwinsConfig config,
            String twin,
            GatewayWiring wiring,
            OpenClawCli openclaw,
            RunningGateway gateway,
            Duration timeout) {
        this.config = config;
        this.twin = twin;
        this.wiring = wiring;
        this.openclaw = openclaw;
        this.gateway = gateway;
        this.timeout = timeout;
    }

    @Override
    public String name() {
        return "plugin";
    }

    @Override
    public CheckResult run() throws InterruptedException {
        String id = GatewayWiring.PLUGIN_ID;
        URI gatewayUrl = config.twin(twin).gatewayUrl();
        List<String> args = new ArrayList<>(List.of("--timeout", Long.toString(timeout.toMillis())));
        if (loopback(gatewayUrl.getHost())) {
            args.addAll(List.of("--port", Integer.toString(port(gatewayUrl))));
        } else {
            Optional<String> token = wiring.gatewayToken();
            if (token.isEmpty()) {
                return CheckResult.warning(
                        name(),
                        "not checked: the gateway at " + gatewayUrl + " is not on loopback and " + wiring.file()
                                + " has no plain gateway.auth.token to ask it with",
                        "run 'openclaw gateway call plugins.list' there to see its plugins");
            }
            args.addAll(
                    List.of("--url", "ws://" + gatewayUrl.getHost() + ":" + port(gatewayUrl), "--token", token.get()));
        }
        String connect = "twin connect";
        RunningGateway.PluginState state = gateway.plugin(args);
        if (state instanceof RunningGateway.PluginState.Unreachable u) {
            return switch (u.why()) {
                case NOT_RUN ->
                    CheckResult.warning(
                            name(),
                            "not checked: cannot run '" + openclaw.describe() + "' (" + u.detail() + ")",
                            "put openclaw on PATH, or set backup.openclaw_command in twins.yaml");
                case NO_GATEWAY ->
                    CheckResult.warning(
                            name(),
                            "not checked: the gateway does not answer (" + u.detail() + ")",
                            "see the gateway check");
                case REFUSED ->
                    CheckResult.failure(
                            name(),
                            "the gateway would not list its plugins: " + u.detail(),
                            "check gateway.auth in " + wiring.file()
                                    + " (openclaw gateway call plugins.list shows the error)");
            };
        }
        if (state instanceof RunningGateway.PluginState.Missing) {
            return CheckResult.failure(
                    name(),
                    id + " is not installed in this gateway",
                    connect + " (installs, enables and configures it)");
        }
        boolean enabled = switch (state) {
            case RunningGateway.PluginState.Active a -> a.enabled();
            case RunningGateway.PluginState.Inactive i -> i.enabled();
            default -> false;
        };
        if (!enabled) {
            String why = wiring.pluginAllowed() ? "" : " (plugins.allow in " + wiring.file() + " does not list it)";
            return CheckResult.failure(
                    name(),
                    id + " is installed but not enabled" + why + ": this gateway answers without asking its daemon",
                    "openclaw plugins enable " + id + " (or " + connect + ")");
        }
        if (state instanceof RunningGateway.PluginState.Inactive i) {
            return CheckResult.failure(
                    name(),
                    id + " is enabled but not loaded by the running gateway (runtime: " + i.state() + ")",
                    "openclaw plugins reload " + id + ", or restart the gateway (openclaw gateway restart)");
        }
        String version = ((RunningGateway.PluginState.Active) state).version();
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
