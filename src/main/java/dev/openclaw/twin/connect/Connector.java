package dev.openclaw.twin.connect;

import dev.openclaw.twin.config.ConfigEnvironment;
import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.connect.ConnectReport.Status;
import dev.openclaw.twin.gateway.GatewayWiring;
import dev.openclaw.twin.gateway.OpenClawCli;
import dev.openclaw.twin.gateway.OpenClawConfigFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Makes this host's OpenClaw gateway obey its twin daemon, through OpenClaw's own CLI: links and
 * enables the plugin, writes its entry (daemon URL, token, timeouts) and the {@code hooks} settings
 * takeovers need with one {@code openclaw config patch} (secrets on stdin, never in argv), keeps the
 * hooks token owner-only and refers to it from twins.yaml, then checks that the running gateway
 * has the plugin active, accepts the token, and that the daemon answers as this twin. Only what
 * differs is changed, so a second run writes nothing; {@link #undo()} takes back what a run changed
 * ({@link ConnectUndo}). This class runs connect's steps in order; each family lives beside it:
 * {@link GatewayLocator}, {@link HooksTokenPlan}, {@link PluginAndHooksPatch}, {@link TwinsYaml},
 * {@link ConnectRecordFile}, {@link GatewayVerifier}, all reporting to one {@link StepLog}.
 */
public final class Connector {

    /** How long the running gateway may take to load a change (hot reload, or a restart). */
    public record Timing(Duration pluginActive, Duration hooksAccepted, Duration pollInterval) {
        public static final Timing DEFAULT =
                new Timing(Duration.ofSeconds(90), Duration.ofSeconds(45), Duration.ofSeconds(1));
    }

    private final TwinsConfig config;
    private final String twin;
    private final Path pluginDir;
    private final ConfigEnvironment environment;
    private final SecureRandom random;
    private final boolean force;
    private final StepLog log;
    private final GatewayLocator locator;
    private final ConnectRecordFile records;
    private final TwinsYaml twinsYaml;
    private final GatewayVerifier verifier;

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
        this.pluginDir = pluginDir.toAbsolutePath().normalize();
        this.environment = environment;
        this.random = random;
        this.force = force;
        this.log = new StepLog(dryRun);
        this.locator = new GatewayLocator(openclaw, config, twin, environment, log);
        this.records = new ConnectRecordFile(environment.home(), log);
        this.twinsYaml = new TwinsYaml(config, environment, log);
        this.verifier = new GatewayVerifier(config, twin, http, nanoTime, timing, log);
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

    public ConnectReport connect() {
        try {
            runConnect();
        } catch (StepLog.Stop stop) {
            // the failing step is recorded; nothing after it runs
        }
        return log.report(twin, "connect");
    }

    private void runConnect() {
        OpenClawCli found = locator.openclaw();
        if (!Files.isRegularFile(pluginDir.resolve("openclaw.plugin.json"))) {
            log.fail(
                    "plugin files",
                    "no openclaw.plugin.json in " + pluginDir + " (run twin from its installation or checkout)");
        }
        OpenClawConfigFile location = locator.locate(found);
        OpenClawCli cli = location.applyTo(found);
        Path configFile = location.file();
        GatewayWiring wiring = locator.wiring(configFile);
        log.add("gateway config", Status.OK, configFile.toString());
        records.start(configFile);

        // Decide everything about twins.yaml before changing anything.
        HooksTokenPlan tokens = HooksTokenPlan.decide(
                wiring, config, twinsYaml, HooksTokenFile.inHome(environment.home()), random, force, log);

        boolean openclawChanged = false;
        if (wiring.linked(pluginDir)) {
            log.add("plugin link", Status.OK, "openclaw-twin linked from " + pluginDir);
        } else {
            log.run(
                    cli,
                    "plugin link",
                    "linked " + pluginDir,
                    List.of("plugins", "install", "--link", pluginDir.toString(), "--force"),
                    Optional.empty());
            records.note(ConnectRecord.empty(configFile.toString()).withLinked(!wiring.pluginEntryPresent()));
            openclawChanged = true;
            wiring = log.dryRun() ? assumeLinked(wiring) : locator.wiring(configFile);
        }

        if (tokens.writeFile()) {
            if (log.dryRun()) {
                log.add(
                        "hooks token file",
                        Status.WOULD,
                        "write " + tokens.file().file() + " (0600, a new 32-byte token)");
            } else {
                boolean existed = Files.exists(tokens.file().file());
                log.io(
                        () -> {
                            tokens.file().write(tokens.token());
                            return null;
                        },
                        "hooks token file");
                records.note(ConnectRecord.empty(configFile.toString()).withTokenFileCreated(!existed));
                log.add(
                        "hooks token file",
                        Status.CHANGED,
                        "wrote " + tokens.file().file() + " (0600)");
            }
        } else if (tokens.usesFile()) {
            log.add("hooks token file", Status.OK, tokens.file().file() + " holds the gateway's hooks token");
        }

        PluginAndHooksPatch planned = PluginAndHooksPatch.forConnect(wiring, tokens.token(), config.daemon());
        ObjectNode patch = planned.patch();
        Map<String, JsonNode> hooksBefore = planned.hooksBefore();
        if (patch.isEmpty()) {
            log.add("plugin and hooks config", Status.OK, "plugins.entries.openclaw-twin and hooks are as needed");
        } else {
            String keys = PatchDisplay.summary(patch);
            log.run(
                    cli,
                    "plugin and hooks config",
                    "set " + keys,
                    List.of("config", "patch", "--stdin"),
                    Optional.of(patch));
            records.note(new ConnectRecord(
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
            wiring = log.dryRun() ? wiring : locator.wiring(configFile);
        }

        boolean enabled = log.dryRun()
                ? wiring.pluginEnabled().orElse(true)
                : wiring.pluginEnabled().orElse(false);
        if (enabled) {
            log.add(
                    "plugin enable",
                    Status.OK,
                    log.dryRun() && !wiring.pluginEntryPresent()
                            ? "plugins install enables openclaw-twin"
                            : "openclaw-twin enabled");
        } else {
            log.run(
                    cli,
                    "plugin enable",
                    "enabled openclaw-twin",
                    List.of("plugins", "enable", GatewayWiring.PLUGIN_ID),
                    Optional.empty());
            openclawChanged = true;
        }

        twinsYaml.setHooksToken(tokens, records);

        if (openclawChanged && GatewayRestart.needed(wiring)) {
            GatewayRestart.run(log, cli);
        } else if (openclawChanged) {
            log.add(
                    "apply",
                    log.dryRun() ? Status.WOULD : Status.OK,
                    "hot reload: plugins.entries and hooks apply without a restart (gateway.reload.mode "
                            + wiring.reloadMode() + ")");
        }
        if (log.dryRun()) {
            log.add(
                    "verify",
                    Status.WOULD,
                    "then check the running gateway (plugin active, hooks token accepted) and the daemon's /healthz");
            return;
        }
        verifier.verifyPlugin(verifier.gateway(cli));
        verifier.verifyHooks(verifier.gateway(cli), wiring, tokens.token());
        verifier.verifyDaemon(records.current().twinsYamlChanged() && log.changes() > 0);
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

    public ConnectReport undo() {
        try {
            new ConnectUndo(pluginDir, environment.home(), locator, records, twinsYaml, verifier, log).run();
        } catch (StepLog.Stop stop) {
            // recorded
        }
        return log.report(twin, "undo");
    }
}
