package dev.openclaw.twin.connect;

import dev.openclaw.twin.gateway.GatewayWiring;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** An {@code openclaw config patch} as connect shows it: secrets replaced, leaves summed up. */
final class PatchDisplay {

    private static final String HOOKS_TOKEN_SHOWN = "<hooks token>";
    private static final String DAEMON_TOKEN_SHOWN = "<daemon token>";
    private static final JsonMapper JSON = new JsonMapper();

    private PatchDisplay() {}

    /** The patch as shown to people: every secret replaced by what it is. */
    static String redacted(ObjectNode patch) {
        ObjectNode copy = patch.deepCopy();
        JsonNode hooks = copy.path("hooks");
        if (hooks.isObject() && hooks.has("token") && !hooks.get("token").isNull()) {
            ((ObjectNode) hooks).put("token", HOOKS_TOKEN_SHOWN);
        }
        JsonNode pluginConfig = copy.path("plugins")
                .path("entries")
                .path(GatewayWiring.PLUGIN_ID)
                .path("config");
        if (pluginConfig.isObject() && pluginConfig.has("token")) {
            ((ObjectNode) pluginConfig).put("token", DAEMON_TOKEN_SHOWN);
        }
        return JSON.writeValueAsString(copy);
    }

    /** The patch's leaves, grouped by section: {@code hooks (enabled, token)}. */
    static String summary(JsonNode patch) {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (String path : leafPaths(patch)) {
            String group = path.startsWith("plugins.entries." + GatewayWiring.PLUGIN_ID + ".")
                    ? "plugins.entries." + GatewayWiring.PLUGIN_ID
                    : path.contains(".") ? path.substring(0, path.indexOf('.')) : path;
            String rest = path.length() > group.length() ? path.substring(group.length() + 1) : "";
            groups.computeIfAbsent(group, g -> new ArrayList<>()).add(rest);
        }
        List<String> parts = new ArrayList<>();
        groups.forEach((group, leaves) -> parts.add(
                leaves.stream().allMatch(String::isEmpty) ? group : group + " (" + String.join(", ", leaves) + ")"));
        return String.join(", ", parts);
    }

    /** {@code a.b.c} for every leaf of a patch. */
    static List<String> leafPaths(JsonNode node) {
        List<String> paths = new ArrayList<>();
        collect(node, "", paths);
        return paths;
    }

    private static void collect(JsonNode node, String prefix, List<String> paths) {
        if (node.isObject() && !node.isEmpty()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                collect(e.getValue(), prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), paths);
            }
        } else {
            paths.add(prefix);
        }
    }
}
