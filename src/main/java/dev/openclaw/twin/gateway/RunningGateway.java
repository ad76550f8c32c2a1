package dev.openclaw.twin.gateway;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * What the running gateway has actually loaded, asked without side effects: our plugin's state
 * (the {@code plugins.list} RPC through {@code openclaw gateway call}, which authenticates as the
 * local CLI does; {@code openclaw plugins list} would only read the registry on disk) and whether a
 * hooks token is accepted (an empty {@code POST <hooks.path>/agent}: 400 "message required" once past
 * authentication, 401 when the token is wrong; it runs nothing).
 */
public final class RunningGateway {

    /** The plugin as the running gateway reports it. */
    public sealed interface PluginState {
        /** Loaded ({@code runtime.state} active) in runtime generation {@code generation}. */
        record Active(long generation, boolean enabled, String version) implements PluginState {}

        /** Known to the gateway but not active ({@code state}: e.g. inactive, error, disabled). */
        record Inactive(String state, String detail, boolean enabled) implements PluginState {}

        /** The gateway does not know the plugin. */
        record Missing() implements PluginState {}

        /** The gateway could not be asked, and why. */
        record Unreachable(Why why, String detail) implements PluginState {}
    }

    /** Why the gateway could not be asked about its plugins. */
    public enum Why {
        /** {@code openclaw} could not be started. */
        NOT_RUN,
        /** Nothing answered at the gateway ({@code gateway_transport_error}). */
        NO_GATEWAY,
        /** The gateway (or the CLI) refused or failed the call. */
        REFUSED
    }

    /** What the gateway said to the hooks token. */
    public sealed interface HooksAnswer {
        /** Past authentication: the token is right ({@code status} 400 for the empty request). */
        record Accepted(int status) implements HooksAnswer {}

        /** 401/403 wrong token; 429 throttled after failed logins. */
        record Rejected(int status) implements HooksAnswer {}

        /** 404: hooks are off (the path falls through to the rest of the gateway). */
        record Disabled() implements HooksAnswer {}

        /** No usable answer: {@code status} 0 when none at all, else the server error. */
        record Unreachable(int status, String detail) implements HooksAnswer {}
    }

    private final OpenClawCli openclaw;
    private final HttpClient http;
    private final Duration requestTimeout;

    public RunningGateway(OpenClawCli openclaw, HttpClient http, Duration requestTimeout) {
        this.openclaw = openclaw;
        this.http = http;
        this.requestTimeout = requestTimeout;
    }

    /** Our plugin's state in the gateway the local CLI reaches ({@code openclaw gateway call plugins.list}). */
    public PluginState plugin() {
        return plugin(List.of());
    }

    /** As {@link #plugin()}, with {@code target} options for the call ({@code --port}, {@code --url}...). */
    public PluginState plugin(List<String> target) {
        List<String> args = new ArrayList<>(List.of("gateway", "call", "plugins.list", "--json"));
        args.addAll(target);
        OpenClawCli.Result result = openclaw.run(args);
        if (!result.started()) {
            return new PluginState.Unreachable(Why.NOT_RUN, result.notStarted().orElseThrow());
        }
        Optional<JsonNode> answer = GatewayWiring.jsonObject(result.stdout());
        Optional<JsonNode> error = answer.map(a -> a.get("error")).filter(e -> e != null && !e.isNull());
        if (!result.ok() || error.isPresent()) {
            String message = error.map(e -> e.path("message").asString(""))
                    .filter(m -> !m.isBlank())
                    .orElse(result.lastLine());
            String type = error.map(e -> e.path("type").asString("")).orElse("");
            return new PluginState.Unreachable(
                    type.equals("gateway_transport_error") ? Why.NO_GATEWAY : Why.REFUSED, message);
        }
        if (answer.isEmpty()) {
            return new PluginState.Unreachable(Why.REFUSED, "plugins.list printed no JSON: " + result.lastLine());
        }
        return pluginState(answer.get(), GatewayWiring.PLUGIN_ID);
    }

    /** Reads one plugin's state out of a {@code plugins.list} answer. */
    static PluginState pluginState(JsonNode answer, String id) {
        for (JsonNode plugin : answer.path("plugins")) {
            if (id.equals(plugin.path("id").asString(""))) {
                boolean enabled = plugin.path("enabled").asBoolean(false);
                String runtime = plugin.path("runtime").path("state").asString("");
                if (runtime.equals("active")) {
                    return new PluginState.Active(
                            answer.path("generation").asLong(0),
                            enabled,
                            plugin.path("version").asString("?"));
                }
                return new PluginState.Inactive(
                        runtime.isEmpty() ? plugin.path("state").asString("unknown") : runtime,
                        plugin.path("runtime").path("error").asString(""),
                        enabled);
            }
        }
        return new PluginState.Missing();
    }

    /** The URL a hooks request goes to: {@code hooksPath + "/agent"} on the gateway. */
    public static URI hooksAgentUrl(URI gatewayUrl, String hooksPath) {
        return gatewayUrl.resolve(hooksPath + "/agent");
    }

    /** Asks {@code gatewayUrl}'s hooks whether {@code token} is accepted; nothing is run. */
    public HooksAnswer hooksToken(URI gatewayUrl, String hooksPath, String token) {
        HttpRequest request = HttpRequest.newBuilder(hooksAgentUrl(gatewayUrl, hooksPath))
                .timeout(requestTimeout)
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build();
        try {
            int status =
                    http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            return switch (status) {
                case 401, 403, 429 -> new HooksAnswer.Rejected(status);
                case 404 -> new HooksAnswer.Disabled();
                default ->
                    status >= 200 && status < 500
                            ? new HooksAnswer.Accepted(status)
                            : new HooksAnswer.Unreachable(status, "HTTP " + status);
            };
        } catch (IOException e) {
            return new HooksAnswer.Unreachable(0, Failures.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new HooksAnswer.Unreachable(0, "interrupted");
        }
    }
}
