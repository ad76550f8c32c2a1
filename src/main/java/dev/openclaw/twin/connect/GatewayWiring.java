package dev.openclaw.twin.connect;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

/**
 * How this host's gateway is wired to its twin daemon, as its {@code openclaw.json} says: whether
 * our plugin is linked, enabled, allowed conversation hooks and pointed at which daemon; whether
 * {@code hooks} (the HTTP ingress takeovers use) is on, with which token and session-key policy.
 * Read straight from the file (JSON5 as OpenClaw writes it) because {@code openclaw config get}
 * redacts secrets such as {@code hooks.token}. What the running gateway has loaded is {@link
 * RunningGateway}'s job.
 */
public record GatewayWiring(Path configFile, JsonNode root) {

    public static final String PLUGIN_ID = "openclaw-twin";
    /** The session-key prefixes takeover turns use ({@code agent:main:<channel>:...}) and hook runs. */
    public static final List<String> SESSION_KEY_PREFIXES = List.of("hook:", "agent:main:");

    private static final JsonMapper JSON5 = JsonMapper.builder()
            .enable(
                    JsonReadFeature.ALLOW_JAVA_COMMENTS,
                    JsonReadFeature.ALLOW_TRAILING_COMMA,
                    JsonReadFeature.ALLOW_SINGLE_QUOTES,
                    JsonReadFeature.ALLOW_UNQUOTED_PROPERTY_NAMES,
                    JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS,
                    JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    /** Reads {@code file}; a missing file is an empty configuration (a fresh install has none yet). */
    public static GatewayWiring read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return new GatewayWiring(file, JSON5.createObjectNode());
        }
        try {
            JsonNode root = JSON5.readTree(Files.readString(file));
            if (root == null || !root.isObject()) {
                throw new IOException(file + " is not a JSON object");
            }
            return new GatewayWiring(file, root);
        } catch (JacksonException e) {
            throw new IOException(file + " is not valid JSON5: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * The config file the {@code openclaw} at hand uses ({@code openclaw config file --json}), which
     * honours {@code OPENCLAW_CONFIG_PATH} and {@code OPENCLAW_STATE_DIR}.
     */
    public static Path locate(OpenClawCli openclaw) throws IOException {
        OpenClawCli.Result result = openclaw.run(List.of("config", "file", "--json"));
        if (!result.ok()) {
            throw new IOException("openclaw config file failed: " + result.lastLine());
        }
        try {
            JsonNode answer = JSON5.readTree(result.stdout());
            String path = answer.path("path").asString("");
            if (path.isBlank()) {
                throw new IOException("openclaw config file --json named no path");
            }
            return Path.of(path);
        } catch (JacksonException e) {
            throw new IOException("openclaw config file --json printed no JSON: " + result.lastLine(), e);
        }
    }

    /** Parts of the file kept in other files ({@code $include}) this reader does not follow. */
    public List<String> includes() {
        List<String> found = new ArrayList<>();
        for (String section : List.of("", "plugins", "hooks")) {
            JsonNode node = section.isEmpty() ? root : root.path(section);
            if (node.has("$include")) {
                found.add(section.isEmpty() ? "(root)" : section);
            }
        }
        return found;
    }

    // ---- the plugin --------------------------------------------------------------------------

    public JsonNode pluginEntry() {
        return root.path("plugins").path("entries").path(PLUGIN_ID);
    }

    public boolean pluginEntryPresent() {
        return pluginEntry().isObject();
    }

    /** {@code plugins.entries.openclaw-twin.enabled}, if written. */
    public Optional<Boolean> pluginEnabled() {
        JsonNode enabled = pluginEntry().path("enabled");
        return enabled.isBoolean() ? Optional.of(enabled.asBoolean()) : Optional.empty();
    }

    /** The plugin's conversation hooks (before_dispatch...) run only with this grant. */
    public boolean conversationAccess() {
        return pluginEntry().path("hooks").path("allowConversationAccess").asBoolean(false);
    }

    /** {@code plugins.entries.openclaw-twin.config}: daemonUrl, token, decideTimeoutMs, confirmTimeoutMs. */
    public JsonNode pluginConfig() {
        JsonNode config = pluginEntry().path("config");
        return config.isObject() ? config : MissingNode.getInstance();
    }

    public Optional<String> pluginDaemonUrl() {
        return text(pluginConfig().path("daemonUrl"));
    }

    /** {@code plugins.load.paths}: where linked plugins are loaded from. */
    public List<String> loadPaths() {
        return strings(root.path("plugins").path("load").path("paths"));
    }

    /** Whether {@code pluginDir} is among the load paths (as written or after resolving links). */
    public boolean linked(Path pluginDir) {
        Path wanted = real(pluginDir);
        return loadPaths().stream().anyMatch(p -> real(Path.of(p)).equals(wanted));
    }

    /** {@code plugins.allow}: when not empty, only the plugins it lists load. */
    public List<String> pluginAllow() {
        return strings(root.path("plugins").path("allow"));
    }

    public boolean pluginAllowed() {
        List<String> allow = pluginAllow();
        return allow.isEmpty() || allow.contains(PLUGIN_ID);
    }

    // ---- hooks (HTTP ingress for takeover turns) ---------------------------------------------

    public JsonNode hooks() {
        return root.path("hooks");
    }

    public boolean hooksEnabled() {
        return hooks().path("enabled").asBoolean(false);
    }

    public Optional<String> hooksToken() {
        return text(hooks().path("token"));
    }

    public boolean allowRequestSessionKey() {
        return hooks().path("allowRequestSessionKey").asBoolean(false);
    }

    public List<String> sessionKeyPrefixes() {
        return strings(hooks().path("allowedSessionKeyPrefixes"));
    }

    /** {@code hooks.path}, default {@code /hooks}. */
    public String hooksPath() {
        String path = text(hooks().path("path")).orElse("/hooks");
        path = path.startsWith("/") ? path : "/" + path;
        return path.replaceAll("/+$", "");
    }

    // ---- the gateway -------------------------------------------------------------------------

    /** {@code gateway.reload.mode}: {@code hybrid} (default) hot-applies plugin and hooks changes. */
    public String reloadMode() {
        return text(root.path("gateway").path("reload").path("mode")).orElse("hybrid");
    }

    public Optional<Integer> gatewayPort() {
        JsonNode port = root.path("gateway").path("port");
        return port.isNumber() ? Optional.of(port.asInt()) : Optional.empty();
    }

    private static Optional<String> text(JsonNode node) {
        return node.isString() && !node.asString().isBlank() ? Optional.of(node.asString()) : Optional.empty();
    }

    private static List<String> strings(JsonNode node) {
        List<String> list = new ArrayList<>();
        if (node.isArray()) {
            for (JsonNode item : node) {
                if (item.isString()) {
                    list.add(item.asString());
                }
            }
        }
        return list;
    }

    private static Path real(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            return path.toAbsolutePath().normalize();
        }
    }
}
