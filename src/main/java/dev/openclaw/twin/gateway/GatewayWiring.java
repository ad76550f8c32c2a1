package dev.openclaw.twin.gateway;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
 * our plugin is linked, allowed, enabled, granted conversation hooks and pointed at which daemon;
 * whether {@code hooks} (the HTTP ingress takeovers use) is on, with which token, path and
 * session-key policy; the gateway's port, auth token and reload mode. Read straight from the file,
 * as JSON5 the way OpenClaw reads it, because {@code openclaw config get} redacts secrets such as
 * {@code hooks.token}. Where the file is: {@link OpenClawConfigFile}; what the running gateway has
 * loaded: {@link RunningGateway}.
 *
 * @param file where the file is (or would be)
 * @param root the parsed document; an empty object when the file is missing or {@code problem} says why
 * @param problem why the file could not be read, if it could not (only from {@link #read})
 */
public record GatewayWiring(Path file, JsonNode root, Optional<String> problem) {

    public static final String PLUGIN_ID = "openclaw-twin";
    /** Where the plugin asks when its config names no daemonUrl. */
    public static final URI DEFAULT_DAEMON_URL = URI.create("http://127.0.0.1:7420");
    /** The session-key prefixes takeover turns use ({@code agent:main:<channel>:...}) and hook runs. */
    public static final List<String> SESSION_KEY_PREFIXES = List.of("hook:", "agent:main:");

    private static final JsonMapper JSON5 = JsonMapper.builder()
            .enable(
                    JsonReadFeature.ALLOW_JAVA_COMMENTS,
                    JsonReadFeature.ALLOW_TRAILING_COMMA,
                    JsonReadFeature.ALLOW_SINGLE_QUOTES,
                    JsonReadFeature.ALLOW_UNQUOTED_PROPERTY_NAMES,
                    JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS,
                    JsonReadFeature.ALLOW_LEADING_DECIMAL_POINT_FOR_NUMBERS,
                    JsonReadFeature.ALLOW_TRAILING_DECIMAL_POINT_FOR_NUMBERS,
                    JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    /** Files larger than this are not an OpenClaw config; refuse instead of reading them whole. */
    private static final long MAX_SIZE = 4L * 1024 * 1024;

    public GatewayWiring(Path file, JsonNode root) {
        this(file, root, Optional.empty());
    }

    /**
     * Reads {@code file} to look at it: a missing, unreadable or unparsable file is a {@link
     * #problem()} (with an empty document), not an exception.
     */
    public static GatewayWiring read(Path file) {
        try {
            return parse(file);
        } catch (NoSuchFileException e) {
            return unread(file, "there is no " + file);
        } catch (NotAConfig e) {
            return unread(file, e.getMessage());
        } catch (IOException e) {
            return unread(file, "cannot read " + file + ": " + e.getMessage());
        }
    }

    /**
     * Reads {@code file} to change it: a missing file is an empty configuration (a fresh install
     * has none yet); one that cannot be read or parsed is an exception saying why.
     */
    public static GatewayWiring readToEdit(Path file) throws IOException {
        if (!Files.exists(file)) {
            return new GatewayWiring(file, JSON5.createObjectNode());
        }
        return parse(file);
    }

    /** A {@code openclaw ... --json} answer, which may follow a line of other output. */
    static Optional<JsonNode> jsonObject(String stdout) {
        int start = stdout.indexOf('{');
        if (start < 0) {
            return Optional.empty();
        }
        try {
            JsonNode node = JSON5.readTree(stdout.substring(start));
            return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
        } catch (JacksonException e) {
            return Optional.empty();
        }
    }

    private static GatewayWiring parse(Path file) throws IOException {
        if (Files.size(file) > MAX_SIZE) {
            throw new NotAConfig(file + " is larger than " + MAX_SIZE / (1024 * 1024) + " MiB");
        }
        JsonNode root;
        try {
            root = JSON5.readTree(Files.readString(file));
        } catch (JacksonException e) {
            throw new NotAConfig(file + " is not valid JSON5: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new NotAConfig(file + " is not a JSON object");
        }
        return new GatewayWiring(file, root);
    }

    private static GatewayWiring unread(Path file, String problem) {
        return new GatewayWiring(file, JSON5.createObjectNode(), Optional.of(problem));
    }

    /** The file is there but is no OpenClaw config (too large, not JSON5, not an object). */
    private static final class NotAConfig extends IOException {
        NotAConfig(String message) {
            super(message);
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

    /** {@code plugins.entries.openclaw-twin}; a missing node when absent. */
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
        JsonNode grant = pluginEntry().path("hooks").path("allowConversationAccess");
        return grant.isBoolean() && grant.asBoolean();
    }

    /** {@code plugins.entries.openclaw-twin.config}: daemonUrl, token, decideTimeoutMs, confirmTimeoutMs. */
    public JsonNode pluginConfig() {
        JsonNode config = pluginEntry().path("config");
        return config.isObject() ? config : MissingNode.getInstance();
    }

    /** The plugin's {@code config.daemonUrl} as written, if set. */
    public Optional<String> pluginDaemonUrl() {
        return text(pluginConfig().path("daemonUrl"));
    }

    /** The daemon the plugin asks, if its {@code config.daemonUrl} is set and a URL. */
    public Optional<URI> pluginDaemonUri() {
        return pluginDaemonUrl().flatMap(GatewayWiring::uri);
    }

    /** The token the plugin sends to the daemon, if set. */
    public Optional<String> pluginToken() {
        return text(pluginConfig().path("token"));
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

    /** False only when {@code plugins.allow} lists plugins and ours is not among them. */
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
        return port.isInt() ? Optional.of(port.asInt()) : Optional.empty();
    }

    /** {@code gateway.auth.token} when written as a plain string (not a secret reference). */
    public Optional<String> gatewayToken() {
        return text(root.path("gateway").path("auth").path("token"));
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

    private static Optional<URI> uri(String text) {
        try {
            URI uri = URI.create(text.strip());
            return uri.getScheme() != null && uri.getHost() != null ? Optional.of(uri) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Path real(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            return path.toAbsolutePath().normalize();
        }
    }
}
