package dev.openclaw.twin.connect;

import dev.openclaw.twin.config.ConfigEnvironment;
import dev.openclaw.twin.config.ConfigException;
import dev.openclaw.twin.config.ConfigLoader;
import dev.openclaw.twin.config.Secret;
import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.config.TwinsConfig.TakeoverDispatch;
import dev.openclaw.twin.connect.ConnectReport.Status;
import dev.openclaw.twin.connect.ConnectReport.Step;
import dev.openclaw.twin.files.AtomicFile;
import dev.openclaw.twin.gateway.GatewayWiring;
import dev.openclaw.twin.gateway.OpenClawCli;
import dev.openclaw.twin.gateway.OpenClawConfigFile;
import dev.openclaw.twin.gateway.RunningGateway;
import dev.openclaw.twin.gateway.TwinHealthz;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Makes this host's OpenClaw gateway obey its twin daemon, through OpenClaw's own CLI: links and
 * enables the plugin, writes its entry (daemon URL, token, timeouts) and the {@code hooks} settings
 * takeovers need with one {@code openclaw config patch} (secrets on stdin, never in argv), keeps the
 * hooks token owner-only and refers to it from twins.yaml, then checks that the running gateway
 * has the plugin active, accepts the token, and that the daemon answers as this twin. Only what
 * differs is changed, so a second run writes nothing; {@link #undo()} takes back what a run changed.
 */
public final class Connector {

    /** How long the running gateway may take to load a change (hot reload, or a restart). */
    public record Timing(Duration pluginActive, Duration hooksAccepted, Duration pollInterval) {
        public static final Timing DEFAULT =
                new Timing(Duration.ofSeconds(90), Duration.ofSeconds(45), Duration.ofSeconds(1));
    }

    static final int DECIDE_TIMEOUT_MS = 800;
    static final int CONFIRM_TIMEOUT_MS = 5000;
    private static final String HOOKS_TOKEN_SHOWN = "<hooks token>";
    private static final String DAEMON_TOKEN_SHOWN = "<daemon token>";
    private static final JsonMapper JSON = new JsonMapper();
    private static final Duration HOOKS_REQUEST_TIMEOUT = Duration.ofSeconds(5);

    private final TwinsConfig config;
    private final String twin;
    private final Optional<OpenClawCli> openclaw;
    private final Path pluginDir;
    private final ConfigEnvironment environment;
    private final HttpClient http;
    private final SecureRandom random;
    private final LongSupplier nanoTime;
    private final Timing timing;
    private final boolean dryRun;
    private final boolean force;
    private final List<Step> steps = new ArrayList<>();
    private final Path recordFile;
    private ConnectRecord record;

    /**
     * @param openclaw this host's {@code openclaw}, empty when none was found
     * @param pluginDir the {@code openclaw-plugin} directory shipped with this installation
     */
    public Connector(
            TwinsConfig config,
            String twin,
            Optional<OpenClawCli> openclaw,
            Path pluginDir,
            ConfigEnvironment environment,
            HttpClient http,
            SecureRandom random,
            LongSupplier nanoTime,
            Timing timing,
            boolean dryRun,
            boolean force) {
        this.config = config;
        this.twin = twin;
        this.openclaw = openclaw;
        this.pluginDir = pluginDir.toAbsolutePath().normalize();
        this.environment = environment;
        this.http = http;
        this.random = random;
        this.nanoTime = nanoTime;
        this.timing = timing;
        this.dryRun = dryRun;
        this.force = force;
        this.recordFile = environment.home().resolve(".config/openclaw-twin/connect.json");
    }

    /** Where the plugin reaches this twin's daemon: loopback unless the daemon binds one address. */
    public static URI daemonUrl(TwinsConfig.Daemon daemon) {
        String bind = daemon.bind().strip();
        String host = switch (bind) {
            case "", "0.0.0.0", "::", "[::]", "*" -> "127.0.0.1";
            default -> bind.contains(":") && !bind.startsWith("[") ? "[" + bind + "]" : bind;
        };
        return URI.create("http://" + host + ":" + daemon.port());
    }

    // ---- connect -----------------------------------------------------------------------------

    public ConnectReport connect() {
        try {
            runConnect();
        } catch (Stop stop) {
            // the failing step is recorded; nothing after it runs
        }
        return report("connect");
    }

    private void runConnect() {
        OpenClawCli found = openclawStep();
        if (!Files.isRegularFile(pluginDir.resolve("openclaw.plugin.json"))) {
            fail(
                    "plugin files",
                    "no openclaw.plugin.json in " + pluginDir + " (run twin from its installation or checkout)");
        }
        OpenClawConfigFile location = locate(found);
        OpenClawCli cli = location.applyTo(found);
        Path configFile = location.file();
        GatewayWiring wiring = wiring(configFile);
        add("gateway config", Status.OK, configFile.toString());
        record = readRecord(configFile).orElse(ConnectRecord.empty(configFile.toString()));

        // Decide everything about twins.yaml before changing anything.
        TokenPlan tokens = tokenPlan(wiring);

        boolean openclawChanged = false;
        if (wiring.linked(pluginDir)) {
            add("plugin link", Status.OK, "openclaw-twin linked from " + pluginDir);
        } else {
            run(
                    cli,
                    "plugin link",
                    "linked " + pluginDir,
                    List.of("plugins", "install", "--link", pluginDir.toString(), "--force"),
                    Optional.empty());
            note(ConnectRecord.empty(configFile.toString()).withLinked(!wiring.pluginEntryPresent()));
            openclawChanged = true;
            wiring = dryRun ? assumeLinked(wiring) : wiring(configFile);
        }

        if (tokens.writeFile()) {
            if (dryRun) {
                add("hooks token file", Status.WOULD, "write " + tokens.file().file() + " (0600, a new 32-byte token)");
            } else {
                boolean existed = Files.exists(tokens.file().file());
                io(
                        () -> {
                            tokens.file().write(tokens.token());
                            return null;
                        },
                        "hooks token file");
                note(ConnectRecord.empty(configFile.toString()).withTokenFileCreated(!existed));
                add("hooks token file", Status.CHANGED, "wrote " + tokens.file().file() + " (0600)");
            }
        } else if (tokens.usesFile()) {
            add("hooks token file", Status.OK, tokens.file().file() + " holds the gateway's hooks token");
        }

        ObjectNode patch = JSON.createObjectNode();
        Map<String, JsonNode> hooksBefore = new LinkedHashMap<>();
        plan(wiring, tokens.token(), patch, hooksBefore);
        if (patch.isEmpty()) {
            add("plugin and hooks config", Status.OK, "plugins.entries.openclaw-twin and hooks are as needed");
        } else {
            String keys = summary(patch);
            run(
                    cli,
                    "plugin and hooks config",
                    "set " + keys,
                    List.of("config", "patch", "--stdin"),
                    Optional.of(patch));
            note(new ConnectRecord(
                    1,
                    configFile.toString(),
                    false,
                    !wiring.pluginEntryPresent(),
                    hooksBefore,
                    !wiring.root().has("hooks"),
                    wiring.hooksToken().isEmpty(),
                    false,
                    false,
                    null,
                    null));
            openclawChanged = true;
            wiring = dryRun ? wiring : wiring(configFile);
        }

        boolean enabled = dryRun
                ? wiring.pluginEnabled().orElse(true)
                : wiring.pluginEnabled().orElse(false);
        if (enabled) {
            add(
                    "plugin enable",
                    Status.OK,
                    dryRun && !wiring.pluginEntryPresent()
                            ? "plugins install enables openclaw-twin"
                            : "openclaw-twin enabled");
        } else {
            run(
                    cli,
                    "plugin enable",
                    "enabled openclaw-twin",
                    List.of("plugins", "enable", GatewayWiring.PLUGIN_ID),
                    Optional.empty());
            openclawChanged = true;
        }

        twinsYaml(tokens);

        if (openclawChanged && wiring.reloadMode().equals("off")) {
            run(
                    cli,
                    "apply",
                    "restarted the gateway (gateway.reload.mode is off)",
                    List.of("gateway", "restart"),
                    Optional.empty());
        } else if (openclawChanged) {
            add(
                    "apply",
                    dryRun ? Status.WOULD : Status.OK,
                    "hot reload: plugins.entries and hooks apply without a restart (gateway.reload.mode "
                            + wiring.reloadMode() + ")");
        }
        if (dryRun) {
            add(
                    "verify",
                    Status.WOULD,
                    "then check the running gateway (plugin active, hooks token accepted) and the daemon's /healthz");
            return;
        }
        verifyPlugin(new RunningGateway(cli, http, HOOKS_REQUEST_TIMEOUT));
        verifyHooks(new RunningGateway(cli, http, HOOKS_REQUEST_TIMEOUT), wiring, tokens.token());
        verifyDaemon(record.twinsYamlChanged() && changes() > 0);
    }

    /** Where the hooks token comes from and whether twins.yaml must change to refer to it. */
    private record TokenPlan(
            String token,
            HooksTokenFile file,
            boolean usesFile,
            boolean writeFile,
            Optional<String> yamlValue,
            String yamlBefore) {}

    private TokenPlan tokenPlan(GatewayWiring wiring) {
        String yaml = io(() -> Files.readString(config.source()), "twins.yaml");
        TakeoverDispatchEdit edit = new TakeoverDispatchEdit(yaml);
        TakeoverDispatchEdit.Current current = edit.current();
        HooksTokenFile file = HooksTokenFile.inHome(environment.home());
        Optional<String> gatewayToken = wiring.hooksToken();
        if (!current.type().equals("openclaw")) {
            String token = gatewayToken.orElseGet(() -> HooksTokenFile.generate(random));
            add(
                    "twins.yaml",
                    Status.WARN,
                    "coordination.takeover_dispatch is type " + current.type()
                            + ": takeovers do not run on the gateway's hooks; left as it is");
            return new TokenPlan(token, file, false, false, Optional.empty(), null);
        }
        Optional<String> raw = current.hooksToken().filter(t -> !t.isBlank());
        if (raw.isPresent() && raw.get().startsWith("file:")) {
            String reference = raw.get().substring("file:".length()).strip();
            file = new HooksTokenFile(resolve(reference), reference);
        } else if (raw.isPresent()) {
            Optional<String> configured =
                    config.coordination().takeoverDispatch() instanceof TakeoverDispatch.OpenClaw o
                            ? o.hooksToken().map(Secret::value)
                            : Optional.empty();
            if (configured.isPresent() && configured.equals(gatewayToken)) {
                add(
                        "twins.yaml",
                        Status.OK,
                        "coordination.takeover_dispatch.hooks_token (" + shown(raw.get())
                                + ") is the gateway's hooks token");
                return new TokenPlan(configured.get(), file, false, false, Optional.empty(), null);
            }
            if (!force) {
                fail(
                        "twins.yaml",
                        config.source() + ": coordination.takeover_dispatch.hooks_token is " + shown(raw.get())
                                + (gatewayToken.isPresent()
                                        ? ", not the gateway's hooks.token"
                                        : " and the gateway has no hooks.token")
                                + "; connect would set it to \"file:" + HooksTokenFile.DEFAULT_REFERENCE
                                + "\" (the token kept there, 0600). Pass --force to do so.");
            }
        }
        Optional<String> fileToken = io(file::read, "hooks token file");
        String token = gatewayToken.or(() -> fileToken).orElseGet(() -> HooksTokenFile.generate(random));
        boolean writeFile = !fileToken.equals(Optional.of(token));
        String wanted = "file:" + file.reference();
        boolean yamlChange = raw.isEmpty() || !raw.get().startsWith("file:");
        if (yamlChange) {
            Optional<String> unsupported = edit.unsupported();
            if (unsupported.isPresent()) {
                fail(
                        "twins.yaml",
                        config.source() + ": cannot edit it safely (" + unsupported.get()
                                + "); set coordination.takeover_dispatch.hooks_token: \"" + wanted + "\" by hand");
            }
        }
        return new TokenPlan(
                token, file, true, writeFile, yamlChange ? Optional.of(wanted) : Optional.empty(), raw.orElse(null));
    }

    /** The patch that brings the plugin entry and hooks to what the daemon needs; only what differs. */
    private void plan(GatewayWiring wiring, String hooksToken, ObjectNode patch, Map<String, JsonNode> hooksBefore) {
        ObjectNode plugins = JSON.createObjectNode();
        ObjectNode entry = JSON.createObjectNode();
        if (!wiring.conversationAccess()) {
            entry.putObject("hooks").put("allowConversationAccess", true);
        }
        ObjectNode pluginConfig = JSON.createObjectNode();
        String daemonUrl = daemonUrl(config.daemon()).toString();
        if (!wiring.pluginDaemonUrl().equals(Optional.of(daemonUrl))) {
            pluginConfig.put("daemonUrl", daemonUrl);
        }
        Optional<String> daemonToken = config.daemon().token().map(Secret::value);
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
    }

    private void twinsYaml(TokenPlan tokens) {
        if (tokens.yamlValue().isEmpty()) {
            if (tokens.usesFile()) {
                add(
                        "twins.yaml",
                        Status.OK,
                        "coordination.takeover_dispatch.hooks_token is \"file:"
                                + tokens.file().reference() + "\"");
            }
            return;
        }
        String value = tokens.yamlValue().get();
        if (dryRun) {
            add(
                    "twins.yaml",
                    Status.WOULD,
                    "set coordination.takeover_dispatch.hooks_token: \"" + value + "\" in "
                            + config.source().toAbsolutePath() + " (old file kept as .bak)");
            return;
        }
        String before = io(() -> Files.readString(config.source()), "twins.yaml");
        TakeoverDispatchEdit edit = new TakeoverDispatchEdit(before);
        String after = edit.withHooksToken(Optional.of(value));
        validateAndReplace(before, after, Optional.of(tokens.token()));
        note(new ConnectRecord(
                1,
                record.openclawConfig(),
                false,
                false,
                Map.of(),
                false,
                false,
                false,
                true,
                tokens.yamlBefore(),
                edit.replacedLine().orElse(null)));
        add(
                "twins.yaml",
                Status.CHANGED,
                "coordination.takeover_dispatch.hooks_token: \"" + value + "\" (old file kept as "
                        + config.source().getFileName() + ".bak)");
    }

    /** Loads {@code after} with the real loader; replaces the file only if it loads as intended. */
    private void validateAndReplace(String before, String after, Optional<String> expectedToken) {
        Path file = config.source();
        TwinsConfig loaded;
        try {
            loaded = new ConfigLoader(environment).parse(after, file);
        } catch (ConfigException e) {
            fail("twins.yaml", "the edited twins.yaml would not load, left unchanged: " + String.join("; ", e.lines()));
            return;
        }
        Optional<String> token = loaded.coordination().takeoverDispatch() instanceof TakeoverDispatch.OpenClaw o
                ? o.hooksToken().map(Secret::value)
                : Optional.empty();
        if (!token.equals(expectedToken)) {
            fail("twins.yaml", "the edited twins.yaml does not give the expected hooks token, left unchanged");
        }
        io(
                () -> {
                    Set<PosixFilePermission> mode = permissions(file);
                    Path bak = file.resolveSibling(file.getFileName() + ".bak");
                    Files.writeString(bak, before);
                    if (mode != null) {
                        Files.setPosixFilePermissions(bak, mode);
                    }
                    // Kept as private as the file it replaces (0600 until then).
                    AtomicFile.OWNER_ONLY.write(file, after.getBytes(StandardCharsets.UTF_8), mode);
                    return null;
                },
                "twins.yaml");
    }

    private static Set<PosixFilePermission> permissions(Path file) {
        try {
            return Files.getPosixFilePermissions(file);
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    // ---- undo --------------------------------------------------------------------------------

    public ConnectReport undo() {
        try {
            runUndo();
        } catch (Stop stop) {
            // recorded
        }
        return report("undo");
    }

    private void runUndo() {
        OpenClawCli found = openclawStep();
        OpenClawConfigFile location = locate(found);
        OpenClawCli cli = location.applyTo(found);
        Path configFile = location.file();
        GatewayWiring wiring = wiring(configFile);
        add("gateway config", Status.OK, configFile.toString());
        Optional<ConnectRecord> recorded = readRecord(configFile);
        ConnectRecord done = recorded.orElse(null);
        // Without a record, the plugin is still ours to remove; hooks settings may be someone else's.
        boolean pluginOurs = done == null || done.linked() || done.entryCreated();
        HooksTokenFile file = tokenFileFromYaml().orElse(HooksTokenFile.inHome(environment.home()));

        boolean openclawChanged = false;
        if (pluginOurs && wiring.linked(pluginDir)) {
            run(
                    cli,
                    "plugin",
                    "uninstalled openclaw-twin (link, entry, install record)",
                    List.of("plugins", "uninstall", GatewayWiring.PLUGIN_ID, "--force"),
                    Optional.empty());
            openclawChanged = true;
            wiring = dryRun ? wiring : wiring(configFile);
        } else if (!pluginOurs) {
            add("plugin", Status.OK, "openclaw-twin was set up before twin connect: left as it is");
        } else {
            add("plugin", Status.OK, "openclaw-twin is not linked");
        }

        ObjectNode patch = JSON.createObjectNode();
        if (pluginOurs && wiring.pluginEntryPresent()) {
            patch.putObject("plugins").putObject("entries").putNull(GatewayWiring.PLUGIN_ID);
        }
        Optional<String> ourToken = io(file::read, "hooks token file");
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
        } else if (done == null && wiring.hooksEnabled()) {
            add("hooks", Status.WARN, "no record of what twin connect set here: hooks left as they are");
        }
        if (patch.isEmpty()) {
            add("plugin and hooks config", Status.OK, "nothing of twin connect's left in " + configFile.getFileName());
        } else {
            run(
                    cli,
                    "plugin and hooks config",
                    "removed " + summary(patch),
                    List.of("config", "patch", "--stdin"),
                    Optional.of(patch));
            openclawChanged = true;
        }

        Optional<String> yamlValue = io(
                        () -> new TakeoverDispatchEdit(Files.readString(config.source())).current(), "twins.yaml")
                .hooksToken();
        if (yamlValue.isPresent()
                && yamlValue.get().equals("file:" + file.reference())
                && (done == null || done.twinsYamlChanged())) {
            Optional<String> restore = Optional.ofNullable(done == null ? null : done.twinsYamlBefore());
            if (dryRun) {
                add(
                        "twins.yaml",
                        Status.WOULD,
                        restore.isPresent()
                                ? "put coordination.takeover_dispatch.hooks_token back to " + shown(restore.get())
                                : "remove coordination.takeover_dispatch.hooks_token");
            } else {
                String before = io(() -> Files.readString(config.source()), "twins.yaml");
                String after = done != null && done.twinsYamlLine() != null
                        ? new TakeoverDispatchEdit(before).withLineRestored(yamlValue.get(), done.twinsYamlLine())
                        : new TakeoverDispatchEdit(before).withHooksToken(restore);
                validateAndReplace(before, after, restore.isPresent() ? resolvedToken(after) : Optional.empty());
                add(
                        "twins.yaml",
                        Status.CHANGED,
                        done != null && done.twinsYamlLine() != null && restore.isEmpty()
                                ? "put back the line connect replaced: "
                                        + done.twinsYamlLine().strip()
                                : restore.isPresent()
                                        ? "hooks_token back to " + shown(restore.get())
                                        : "removed coordination.takeover_dispatch.hooks_token");
            }
        } else {
            add("twins.yaml", Status.OK, "no hooks_token of twin connect's");
        }

        if (Files.exists(file.file()) && (done == null || done.tokenFileCreated())) {
            if (dryRun) {
                add("hooks token file", Status.WOULD, "delete " + file.file());
            } else {
                io(file::delete, "hooks token file");
                add("hooks token file", Status.CHANGED, "deleted " + file.file());
            }
        }
        if (!dryRun) {
            io(() -> Files.deleteIfExists(recordFile), "connect record");
        }
        if (openclawChanged && wiring.reloadMode().equals("off")) {
            run(
                    cli,
                    "apply",
                    "restarted the gateway (gateway.reload.mode is off)",
                    List.of("gateway", "restart"),
                    Optional.empty());
        }
        if (!dryRun && openclawChanged) {
            verifyGone(new RunningGateway(cli, http, HOOKS_REQUEST_TIMEOUT));
        }
    }

    private Optional<String> resolvedToken(String yaml) {
        try {
            TwinsConfig loaded = new ConfigLoader(environment).parse(yaml, config.source());
            return loaded.coordination().takeoverDispatch() instanceof TakeoverDispatch.OpenClaw o
                    ? o.hooksToken().map(Secret::value)
                    : Optional.empty();
        } catch (ConfigException e) {
            return Optional.empty();
        }
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

    private Optional<HooksTokenFile> tokenFileFromYaml() {
        String yaml = io(() -> Files.readString(config.source()), "twins.yaml");
        return new TakeoverDispatchEdit(yaml)
                .current()
                .hooksToken()
                .filter(t -> t.startsWith("file:"))
                .map(t -> t.substring("file:".length()).strip())
                .map(reference -> new HooksTokenFile(resolve(reference), reference));
    }

    // ---- verification ------------------------------------------------------------------------

    private void verifyPlugin(RunningGateway gateway) {
        long deadline = nanoTime.getAsLong() + timing.pluginActive().toNanos();
        RunningGateway.PluginState state;
        while (true) {
            state = gateway.plugin();
            if (state instanceof RunningGateway.PluginState.Active || nanoTime.getAsLong() > deadline) {
                break;
            }
            pause();
        }
        switch (state) {
            case RunningGateway.PluginState.Active a ->
                add(
                        "gateway loads the plugin",
                        Status.OK,
                        "openclaw-twin active in the running gateway (generation " + a.generation() + ")");
            case RunningGateway.PluginState.Inactive i ->
                fail(
                        "gateway loads the plugin",
                        "openclaw-twin is " + i.state() + " in the running gateway"
                                + (i.detail().isBlank() ? "" : ": " + i.detail())
                                + " (see openclaw plugins inspect openclaw-twin --runtime)");
            case RunningGateway.PluginState.Missing m ->
                fail(
                        "gateway loads the plugin",
                        "the running gateway does not know openclaw-twin (see openclaw plugins doctor)");
            case RunningGateway.PluginState.Unreachable u ->
                fail(
                        "gateway loads the plugin",
                        "cannot ask the running gateway (" + u.detail()
                                + "): start it (openclaw gateway start) and run twin connect again");
        }
    }

    private void verifyHooks(RunningGateway gateway, GatewayWiring wiring, String token) {
        URI gatewayUrl = config.twin(twin).gatewayUrl();
        long deadline = nanoTime.getAsLong() + timing.hooksAccepted().toNanos();
        RunningGateway.HooksAnswer answer;
        int rejected = 0;
        while (true) {
            answer = gateway.hooksToken(gatewayUrl, wiring.hooksPath(), token);
            if (answer instanceof RunningGateway.HooksAnswer.Rejected) {
                rejected++;
            }
            // The gateway throttles after 20 failed logins a minute: stop well before.
            if (answer instanceof RunningGateway.HooksAnswer.Accepted
                    || rejected >= 8
                    || nanoTime.getAsLong() > deadline) {
                break;
            }
            pause();
        }
        String where = gatewayUrl.resolve(wiring.hooksPath() + "/agent").toString();
        switch (answer) {
            case RunningGateway.HooksAnswer.Accepted a ->
                add(
                        "gateway accepts the hooks token",
                        Status.OK,
                        "POST " + where + " with it: " + a.status()
                                + " (authenticated; an empty request runs nothing)");
            case RunningGateway.HooksAnswer.Rejected r ->
                fail(
                        "gateway accepts the hooks token",
                        "POST " + where + ": " + r.status() + " (the gateway does not take the token: is twins.<" + twin
                                + ">.gateway_url this host's gateway?)");
            case RunningGateway.HooksAnswer.Disabled d ->
                fail(
                        "gateway accepts the hooks token",
                        "POST " + where + ": 404 (hooks are not enabled in the running gateway)");
            case RunningGateway.HooksAnswer.Unreachable u ->
                fail(
                        "gateway accepts the hooks token",
                        where + " unreachable (" + u.detail() + "): is twins." + twin + ".gateway_url right?");
        }
    }

    private void verifyDaemon(boolean restartNeeded) {
        URI daemon = daemonUrl(config.daemon());
        URI url = daemon.resolve("/healthz");
        TwinHealthz.Answer answer;
        try {
            answer = new TwinHealthz(http, Duration.ofSeconds(3), Instant::now)
                    .ask(daemon, config.daemon().token().map(Secret::value));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (answer instanceof TwinHealthz.Answer.Twin t && t.twin().equals(twin)) {
            if (restartNeeded) {
                add(
                        "daemon answers",
                        Status.WARN,
                        url + " answers as " + twin
                                + "; restart it to read the hooks token from twins.yaml (systemctl --user restart openclaw-twin, or stop and start twin daemon)");
            } else {
                add("daemon answers", Status.OK, url + " answers as " + twin);
            }
            return;
        }
        switch (answer) {
            case TwinHealthz.Answer.Twin t -> wrongDaemon(url, "as " + t.twin());
            case TwinHealthz.Answer.Other o -> wrongDaemon(url, "HTTP " + o.status());
            case TwinHealthz.Answer.Unreachable u ->
                add(
                        "daemon answers",
                        Status.WARN,
                        url + " does not answer: start twin daemon (twin install-service runs it at login)");
        }
    }

    private void wrongDaemon(URI url, String answered) {
        fail(
                "daemon answers",
                url + " answers " + answered + ", not as " + twin + ": the plugin would ask the wrong daemon");
    }

    private void verifyGone(RunningGateway gateway) {
        long deadline = nanoTime.getAsLong() + timing.pluginActive().toNanos();
        while (true) {
            RunningGateway.PluginState state = gateway.plugin();
            if (!(state instanceof RunningGateway.PluginState.Active)) {
                add(
                        "gateway unloads the plugin",
                        state instanceof RunningGateway.PluginState.Unreachable u ? Status.WARN : Status.OK,
                        state instanceof RunningGateway.PluginState.Unreachable u
                                ? "cannot ask the running gateway (" + u.detail() + ")"
                                : "the running gateway no longer loads openclaw-twin");
                return;
            }
            if (nanoTime.getAsLong() > deadline) {
                fail(
                        "gateway unloads the plugin",
                        "openclaw-twin is still active in the running gateway: restart it (openclaw gateway restart)");
            }
            pause();
        }
    }

    // ---- helpers -----------------------------------------------------------------------------

    private OpenClawCli openclawStep() {
        if (openclaw.isEmpty()) {
            fail("openclaw", "openclaw not found: pass --openclaw PATH or set OPENCLAW_BIN (or put it on PATH)");
        }
        OpenClawCli cli = openclaw.get();
        OpenClawCli.Result version = cli.run(List.of("--version"));
        if (!version.ok()) {
            fail("openclaw", cli.describe() + " --version failed: " + version.lastLine());
        }
        add("openclaw", Status.OK, version.stdout().strip() + " (" + cli.describe() + ")");
        return cli;
    }

    private OpenClawConfigFile locate(OpenClawCli cli) {
        try {
            return OpenClawConfigFile.locate(environment, config.twin(twin), cli);
        } catch (IOException e) {
            fail("gateway config", e.getMessage());
            return null;
        }
    }

    private GatewayWiring wiring(Path configFile) {
        try {
            GatewayWiring wiring = GatewayWiring.readToEdit(configFile);
            if (!wiring.includes().isEmpty()) {
                fail(
                        "gateway config",
                        configFile + " keeps " + String.join(", ", wiring.includes())
                                + " in another file ($include): wire it by hand (see the README)");
            }
            return wiring;
        } catch (IOException e) {
            fail("gateway config", e.getMessage());
            return null;
        }
    }

    /** The wiring as a dry run expects it after {@code plugins install --link} (which enables it). */
    private GatewayWiring assumeLinked(GatewayWiring wiring) {
        ObjectNode root = (ObjectNode) wiring.root().deepCopy();
        ObjectNode plugins = root.has("plugins") ? (ObjectNode) root.get("plugins") : root.putObject("plugins");
        ObjectNode load = plugins.has("load") ? (ObjectNode) plugins.get("load") : plugins.putObject("load");
        ArrayNode paths = load.has("paths") ? (ArrayNode) load.get("paths") : load.putArray("paths");
        paths.add(pluginDir.toString());
        return new GatewayWiring(wiring.file(), root);
    }

    /** What an earlier run recorded, if it was about this gateway's config file. */
    private Optional<ConnectRecord> readRecord(Path configFile) {
        try {
            Optional<ConnectRecord> read = ConnectRecord.read(recordFile);
            if (read.isPresent() && !read.get().openclawConfig().equals(configFile.toString())) {
                add(
                        "connect record",
                        Status.WARN,
                        recordFile + " is about " + read.get().openclawConfig()
                                + ", not this gateway's config: not used");
                return Optional.empty();
            }
            return read;
        } catch (IOException e) {
            add("connect record", Status.WARN, e.getMessage() + ": ignored");
            return Optional.empty();
        }
    }

    /** Adds what a step changed to the record, written at once so a later failure can still be undone. */
    private void note(ConnectRecord change) {
        if (dryRun) {
            return;
        }
        record = record.merge(change);
        io(
                () -> {
                    record.write(recordFile);
                    return null;
                },
                "connect record");
    }

    /** Runs one {@code openclaw} command as a step (or shows it, in a dry run); a failure stops. */
    private void run(OpenClawCli cli, String name, String done, List<String> args, Optional<ObjectNode> stdin) {
        List<String> argv = cli.argv(args);
        String shownInput = stdin.map(Connector::redacted).orElse(null);
        if (dryRun) {
            steps.add(new Step(name, Status.WOULD, "would run", argv, shownInput));
            return;
        }
        OpenClawCli.Result result = cli.run(args, stdin.map(JSON::writeValueAsString));
        if (!result.ok()) {
            steps.add(new Step(
                    name,
                    Status.FAILED,
                    "failed (exit " + result.exitCode() + "): " + result.lastLine(),
                    argv,
                    shownInput));
            throw new Stop();
        }
        steps.add(new Step(name, Status.CHANGED, done, argv, shownInput));
    }

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

    /** A twins.yaml value as it may be shown: references are, inline secrets are not. */
    private static String shown(String raw) {
        return raw.startsWith("${") || raw.startsWith("file:") ? "'" + raw + "'" : "an inline secret";
    }

    private Path resolve(String reference) {
        Path path = environment.expandHome(reference);
        return path.isAbsolute()
                ? path
                : config.source().toAbsolutePath().getParent().resolve(path);
    }

    private int changes() {
        return (int) steps.stream()
                .filter(s -> s.status() == Status.CHANGED
                        || s.status() == Status.WOULD
                                && !s.name().equals("verify")
                                && !s.name().equals("apply"))
                .count();
    }

    private ConnectReport report(String mode) {
        boolean ok = steps.stream().noneMatch(s -> s.status() == Status.FAILED);
        return new ConnectReport(1, twin, mode, dryRun, ok, changes(), steps);
    }

    private void add(String name, Status status, String detail) {
        steps.add(Step.of(name, status, detail));
    }

    private void fail(String name, String detail) {
        add(name, Status.FAILED, detail);
        throw new Stop();
    }

    private void pause() {
        LockSupport.parkNanos(timing.pollInterval().toNanos());
    }

    private interface IoAction<T> {
        T run() throws IOException;
    }

    private <T> T io(IoAction<T> action, String step) {
        try {
            return action.run();
        } catch (IOException e) {
            fail(step, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            return null;
        }
    }

    /** Ends the run after a failed step (already recorded). */
    private static final class Stop extends RuntimeException {
        Stop() {
            super(null, null, false, false);
        }
    }
}
