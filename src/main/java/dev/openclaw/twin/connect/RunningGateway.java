package dev.openclaw.twin.connect;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the running gateway has actually loaded, asked without side effects: our plugin's runtime
 * state (the {@code plugins.list} RPC through {@code openclaw gateway call}, which authenticates as
 * the local CLI does) and whether a hooks token is accepted (an empty {@code POST /hooks/agent}:
 * 400 "message required" once past authentication, 401 when the token is wrong; it runs nothing).
 */
public final class RunningGateway {

    private static final JsonMapper JSON = new JsonMapper();

    /** The plugin as the running gateway reports it. */
    public sealed interface PluginState {
        /** Loaded and active in runtime generation {@code generation}. */
        record Active(long generation) implements PluginState {}

        /** Known to the gateway but not active ({@code state}: e.g. disabled, error). */
        record Inactive(String state, String detail) implements PluginState {}

        /** The gateway does not know the plugin. */
        record Missing() implements PluginState {}

        /** The gateway could not be asked. */
        record Unreachable(String detail) implements PluginState {}
    }

    /** What the gateway said to the hooks token. */
    public sealed interface HooksAnswer {
        record Accepted(int status) implements HooksAnswer {}

        record Rejected(int status) implements HooksAnswer {}

        /** 404: hooks are off (the path falls through to the rest of the gateway). */
        record Disabled() implements HooksAnswer {}

        record Unreachable(String detail) implements HooksAnswer {}
    }

    private final OpenClawCli openclaw;
    private final HttpClient http;

    public RunningGateway(OpenClawCli openclaw, HttpClient http) {
        this.openclaw = openclaw;
        this.http = http;
    }

    /** Our plugin's state in the running gateway ({@code openclaw gateway call plugins.list --json}). */
    public PluginState plugin() {
        OpenClawCli.Result result = openclaw.run(List.of("gateway", "call", "plugins.list", "--json"));
        if (!result.ok()) {
            return new PluginState.Unreachable(result.lastLine());
        }
        try {
            return pluginState(JSON.readTree(result.stdout()), GatewayWiring.PLUGIN_ID);
        } catch (JacksonException e) {
            return new PluginState.Unreachable("plugins.list printed no JSON: " + result.lastLine());
        }
    }

    /** Reads one plugin's state out of a {@code plugins.list} answer. */
    static PluginState pluginState(JsonNode answer, String id) {
        for (JsonNode plugin : answer.path("plugins")) {
            if (id.equals(plugin.path("id").asString(""))) {
                String runtime = plugin.path("runtime").path("state").asString("");
                if (runtime.equals("active")) {
                    return new PluginState.Active(answer.path("generation").asLong(0));
                }
                return new PluginState.Inactive(
                        runtime.isEmpty() ? plugin.path("state").asString("unknown") : runtime,
                        plugin.path("runtime").path("error").asString(""));
            }
        }
        return new PluginState.Missing();
    }

    /** Asks {@code gatewayUrl}'s hooks whether {@code token} is accepted; nothing is run. */
    public HooksAnswer hooksToken(URI gatewayUrl, String hooksPath, String token) {
        HttpRequest request = HttpRequest.newBuilder(gatewayUrl.resolve(hooksPath + "/agent"))
                .timeout(Duration.ofSeconds(5))
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
                            : new HooksAnswer.Unreachable("HTTP " + status);
            };
        } catch (IOException e) {
            return new HooksAnswer.Unreachable(
                    e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new HooksAnswer.Unreachable("interrupted");
        }
    }
}
