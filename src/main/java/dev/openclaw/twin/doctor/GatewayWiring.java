package dev.openclaw.twin.doctor;

import dev.openclaw.twin.config.ConfigEnvironment;
import dev.openclaw.twin.config.TwinsConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * How this host's gateway is wired to its twin, as its {@code openclaw.json} says: whether our
 * plugin has an entry and is enabled, where it looks for the daemon, whether hooks are on. OpenClaw
 * reads the file as JSON5, so comments, unquoted keys, single quotes and trailing commas are
 * accepted here too. Only reads; a missing or unparsable file is a state, not an exception.
 *
 * @param file where the file is (or would be)
 * @param root the parsed document; empty when {@code problem} says why
 * @param problem why the file could not be read, if it could not
 */
public record GatewayWiring(Path file, Optional<JsonNode> root, Optional<String> problem) {

    public static final String PLUGIN_ID = "openclaw-twin";
    public static final URI DEFAULT_DAEMON_URL = URI.create("http://127.0.0.1:7420");
    static final String DEFAULT_OPENCLAW_CONFIG = "~/.openclaw/openclaw.json";

    private static final JsonMapper JSON5 = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
            .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
            .enable(JsonReadFeature.ALLOW_UNQUOTED_PROPERTY_NAMES)
            .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
            .enable(JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS)
            .enable(JsonReadFeature.ALLOW_LEADING_DECIMAL_POINT_FOR_NUMBERS)
            .enable(JsonReadFeature.ALLOW_TRAILING_DECIMAL_POINT_FOR_NUMBERS)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    /** Files larger than this are not an OpenClaw config; refuse instead of reading them whole. */
    private static final long MAX_SIZE = 4L * 1024 * 1024;

    /**
     * The {@code openclaw.json} the gateway of {@code twin} uses on this host: the twin's {@code
     * openclaw_config} when set to something other than the default, else OpenClaw's own {@code
     * $OPENCLAW_CONFIG_PATH}, else {@code $OPENCLAW_STATE_DIR/openclaw.json}, else {@code
     * ~/.openclaw/openclaw.json}.
     */
    public static Path locate(ConfigEnvironment environment, TwinsConfig.Twin twin) {
        if (!twin.openclawConfig().equals(DEFAULT_OPENCLAW_CONFIG)) {
            return environment.expandHome(twin.openclawConfig());
        }
        Optional<String> configPath = environment.variable("OPENCLAW_CONFIG_PATH");
        if (configPath.isPresent()) {
            return environment.expandHome(configPath.get());
        }
        return environment
                .variable("OPENCLAW_STATE_DIR")
                .map(dir -> environment.expandHome(dir).resolve("openclaw.json"))
                .orElse(environment.expandHome(DEFAULT_OPENCLAW_CONFIG));
    }

    public static GatewayWiring read(Path file) {
        try {
            if (Files.size(file) > MAX_SIZE) {
                return absent(file, file + " is larger than " + MAX_SIZE / (1024 * 1024) + " MiB");
            }
            JsonNode root = JSON5.readTree(Files.readString(file));
            if (root == null || !root.isObject()) {
                return absent(file, file + " is not a JSON object");
            }
            return new GatewayWiring(file, Optional.of(root), Optional.empty());
        } catch (NoSuchFileException e) {
            return absent(file, "there is no " + file);
        } catch (IOException e) {
            return absent(file, "cannot read " + file + ": " + e.getMessage());
        } catch (JacksonException e) {
            return absent(file, file + " is not valid JSON5: " + e.getOriginalMessage());
        }
    }

    private static GatewayWiring absent(Path file, String problem) {
        return new GatewayWiring(file, Optional.empty(), Optional.of(problem));
    }

    /** {@code plugins.entries.openclaw-twin}, if present. */
    public Optional<JsonNode> pluginEntry() {
        return node("plugins", "entries", PLUGIN_ID).filter(JsonNode::isObject);
    }

    /** {@code plugins.entries.openclaw-twin.enabled}, if set. */
    public Optional<Boolean> pluginEnabled() {
        return node("plugins", "entries", PLUGIN_ID, "enabled")
                .filter(JsonNode::isBoolean)
                .map(JsonNode::asBoolean);
    }

    /** False only when {@code plugins.allow} lists plugins and ours is not among them. */
    public boolean pluginAllowed() {
        Optional<JsonNode> allow = node("plugins", "allow").filter(JsonNode::isArray);
        if (allow.isEmpty() || allow.get().isEmpty()) {
            return true;
        }
        for (JsonNode id : allow.get()) {
            if (id.isString() && id.asString().equalsIgnoreCase(PLUGIN_ID)) {
                return true;
            }
        }
        return false;
    }

    /** {@code plugins.entries.openclaw-twin.hooks.allowConversationAccess} is true. */
    public boolean conversationAccess() {
        return node("plugins", "entries", PLUGIN_ID, "hooks", "allowConversationAccess")
                .map(n -> n.isBoolean() && n.asBoolean())
                .orElse(false);
    }

    /** The daemon the plugin asks: its {@code config.daemonUrl}, if set and a URL. */
    public Optional<URI> pluginDaemonUrl() {
        return text("plugins", "entries", PLUGIN_ID, "config", "daemonUrl").flatMap(GatewayWiring::uri);
    }

    /** The token the plugin sends to the daemon, if set. */
    public Optional<String> pluginToken() {
        return text("plugins", "entries", PLUGIN_ID, "config", "token");
    }

    /** {@code gateway.port}, if set. */
    public Optional<Integer> gatewayPort() {
        return node("gateway", "port").filter(JsonNode::isInt).map(JsonNode::asInt);
    }

    /** {@code gateway.auth.token} when written as a plain string (not a secret reference). */
    public Optional<String> gatewayToken() {
        return text("gateway", "auth", "token");
    }

    private Optional<String> text(String... path) {
        return node(path).filter(JsonNode::isString).map(JsonNode::asString).filter(s -> !s.isBlank());
    }

    private Optional<JsonNode> node(String... path) {
        if (root.isEmpty()) {
            return Optional.empty();
        }
        JsonNode at = root.get();
        for (String key : path) {
            at = at.get(key);
            if (at == null || at.isNull()) {
                return Optional.empty();
            }
        }
        return Optional.of(at);
    }

    private static Optional<URI> uri(String text) {
        try {
            URI uri = URI.create(text.strip());
            return uri.getScheme() != null && uri.getHost() != null ? Optional.of(uri) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
