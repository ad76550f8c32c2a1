package dev.openclaw.twin.connect;

import dev.openclaw.twin.config.Secret;
import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.gateway.GatewayWiring;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code openclaw config patch} for the plugin entry and {@code hooks}: what connect sets (only
 * what differs from what the daemon needs) and what undo takes back.
 *
 * @param hooksBefore each hooks key the patch sets, with its value before ({@code null} node: absent)
 */
record PluginAndHooksPatch(ObjectNode patch, Map<String, JsonNode> hooksBefore) {

    static final int DECIDE_TIMEOUT_MS = 800;
    static final int CONFIRM_TIMEOUT_MS = 5000;
    private static final JsonMapper JSON = new JsonMapper();

    /** The patch that brings the plugin entry and hooks to what the daemon needs; only what differs. */
    static PluginAndHooksPatch forConnect(GatewayWiring wiring, String hooksToken, TwinsConfig.Daemon daemon) {
        ObjectNode patch = JSON.createObjectNode();
        Map<String, JsonNode> hooksBefore = new LinkedHashMap<>();
        ObjectNode plugins = JSON.createObjectNode();
        ObjectNode entry = JSON.createObjectNode();
        if (!wiring.conversationAccess()) {
            entry.putObject("hooks").put("allowConversationAccess", true);
        }
        ObjectNode pluginConfig = JSON.createObjectNode();
        String daemonUrl = Connector.daemonUrl(daemon).toString();
        if (!wiring.pluginDaemonUrl().equals(Optional.of(daemonUrl))) {
            pluginConfig.put("daemonUrl", daemonUrl);
        }
        Optional<String> daemonToken = daemon.token().map(Secret::value);
        if (daemonToken.isPresent()
                && !daemonToken.get().equals(wiring.pluginConfig().path("token").asString(""))) {
            pluginConfig.put("token", daemonToken.get());
        }
        if (!wiring.pluginConfig().path("decideTimeoutMs").isNumber()) {
            pluginConfig.put("decideTimeoutMs", DECIDE_TIMEOUT_MS);
        }
        if (!wiring.pluginConfig().path("confirmTimeoutMs").isNumber()) {
            pluginConfig.put("confirmTimeoutMs", CONFIRM_TIMEOUT_MS);
        }
        if (!pluginConfig.isEmpty()) {
            entry.set("config", pluginConfig);
        }
        if (!entry.isEmpty()) {
            plugins.putObject("entries").set(GatewayWiring.PLUGIN_ID, entry);
        }
        if (!wiring.pluginAllowed()) {
            ArrayNode allow = plugins.putArray("allow");
            wiring.pluginAllow().forEach(allow::add);
            allow.add(GatewayWiring.PLUGIN_ID);
        }
        if (!plugins.isEmpty()) {
            patch.set("plugins", plugins);
        }

        ObjectNode hooks = JSON.createObjectNode();
        JsonNode current = wiring.hooks();
        if (!wiring.hooksEnabled()) {
            hooks.put("enabled", true);
        }
        if (!wiring.hooksToken().equals(Optional.of(hooksToken))) {
            hooks.put("token", hooksToken);
        }
        if (!wiring.allowRequestSessionKey()) {
            hooks.put("allowRequestSessionKey", true);
        }
        Set<String> prefixes = new LinkedHashSet<>(wiring.sessionKeyPrefixes());
        // An empty list restricts nothing, but persistent /hooks/agent sessions need a non-empty one.
        if (!prefixes.containsAll(GatewayWiring.SESSION_KEY_PREFIXES)) {
            prefixes.addAll(GatewayWiring.SESSION_KEY_PREFIXES);
            ArrayNode list = hooks.putArray("allowedSessionKeyPrefixes");
            prefixes.forEach(list::add);
        }
        for (String key : hooks.propertyNames()) {
            hooksBefore.put(key, current.has(key) ? current.get(key) : NullNode.getInstance());
        }
        if (!hooks.isEmpty()) {
            patch.set("hooks", hooks);
        }
        return new PluginAndHooksPatch(patch, hooksBefore);
    }

    /**
     * The patch that takes back what connect set, as {@code done} recorded it ({@code null}: no
     * record, only the plugin entry if {@code pluginOurs}): each hooks key only while it still has
     * connect's value, the hooks section only if connect created it and nothing else is left.
     */
    static ObjectNode forUndo(GatewayWiring wiring, boolean pluginOurs, ConnectRecord done, Optional<String> ourToken) {
        ObjectNode patch = JSON.createObjectNode();
        if (pluginOurs && wiring.pluginEntryPresent()) {
            patch.putObject("plugins").putObject("entries").putNull(GatewayWiring.PLUGIN_ID);
        }
        if (done != null && !done.hooksBefore().isEmpty()) {
            ObjectNode hooks = JSON.createObjectNode();
            Set<String> remaining = new LinkedHashSet<>(wiring.hooks().propertyNames());
            for (Map.Entry<String, JsonNode> key : done.hooksBefore().entrySet()) {
                if (!wiring.hooks().has(key.getKey()) || !stillOurs(wiring, key.getKey(), ourToken)) {
                    continue;
                }
                hooks.set(key.getKey(), key.getValue());
                if (key.getValue().isNull()) {
                    remaining.remove(key.getKey());
                }
            }
            if (done.hooksSectionCreated() && remaining.isEmpty()) {
                patch.putNull("hooks");
            } else if (!hooks.isEmpty()) {
                patch.set("hooks", hooks);
            }
        }
        return patch;
    }

    /** Whether hooks.{@code key} still has the value connect gives it (a person may have changed it since). */
    private static boolean stillOurs(GatewayWiring wiring, String key, Optional<String> ourToken) {
        return switch (key) {
            case "enabled" -> wiring.hooksEnabled();
            case "allowRequestSessionKey" -> wiring.allowRequestSessionKey();
            case "token" -> ourToken.isPresent() && wiring.hooksToken().equals(ourToken);
            case "allowedSessionKeyPrefixes" ->
                wiring.sessionKeyPrefixes().containsAll(GatewayWiring.SESSION_KEY_PREFIXES);
            default -> false;
        };
    }
}
