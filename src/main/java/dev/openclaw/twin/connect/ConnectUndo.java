package dev.openclaw.twin.connect;

import dev.openclaw.twin.connect.ConnectReport.Status;
import dev.openclaw.twin.gateway.GatewayWiring;
import dev.openclaw.twin.gateway.OpenClawCli;
import dev.openclaw.twin.gateway.OpenClawConfigFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code twin connect --undo}: takes back what connect changed on this host as its record says (and
 * only what is still as connect left it): the plugin, the hooks keys, twins.yaml's hooks_token, the
 * token file; without a record only the plugin, which is ours in any case.
 */
final class ConnectUndo {

    private final Path pluginDir;
    private final Path home;
    private final GatewayLocator locator;
    private final ConnectRecordFile records;
    private final TwinsYaml twinsYaml;
    private final GatewayVerifier verifier;
    private final StepLog log;

    ConnectUndo(
            Path pluginDir,
            Path home,
            GatewayLocator locator,
            ConnectRecordFile records,
            TwinsYaml twinsYaml,
            GatewayVerifier verifier,
            StepLog log) {
        this.pluginDir = pluginDir;
        this.home = home;
        this.locator = locator;
        this.records = records;
        this.twinsYaml = twinsYaml;
        this.verifier = verifier;
        this.log = log;
    }

    void run() {
        OpenClawCli found = locator.openclaw();
        OpenClawConfigFile location = locator.locate(found);
        OpenClawCli cli = location.applyTo(found);
        Path configFile = location.file();
        GatewayWiring wiring = locator.wiring(configFile);
        log.add("gateway config", Status.OK, configFile.toString());
        Optional<ConnectRecord> recorded = records.read(configFile);
        ConnectRecord done = recorded.orElse(null);
        // Without a record, the plugin is still ours to remove; hooks settings may be someone else's.
        boolean pluginOurs = done == null || done.linked() || done.entryCreated();
        HooksTokenFile file = twinsYaml.tokenFileFromYaml().orElse(HooksTokenFile.inHome(home));

        boolean openclawChanged = false;
        if (pluginOurs && wiring.linked(pluginDir)) {
            log.run(
                    cli,
                    "plugin",
                    "uninstalled openclaw-twin (link, entry, install record)",
                    List.of("plugins", "uninstall", GatewayWiring.PLUGIN_ID, "--force"),
                    Optional.empty());
            openclawChanged = true;
            wiring = log.dryRun() ? wiring : locator.wiring(configFile);
        } else if (!pluginOurs) {
            log.add("plugin", Status.OK, "openclaw-twin was set up before twin connect: left as it is");
        } else {
            log.add("plugin", Status.OK, "openclaw-twin is not linked");
        }

        Optional<String> ourToken = log.io(file::read, "hooks token file");
        ObjectNode patch = PluginAndHooksPatch.forUndo(wiring, pluginOurs, done, ourToken);
        if (done == null && wiring.hooksEnabled()) {
            log.add("hooks", Status.WARN, "no record of what twin connect set here: hooks left as they are");
        }
        if (patch.isEmpty()) {
            log.add(
                    "plugin and hooks config",
                    Status.OK,
                    "nothing of twin connect's left in " + configFile.getFileName());
        } else {
            log.run(
                    cli,
                    "plugin and hooks config",
                    "removed " + PatchDisplay.summary(patch),
                    List.of("config", "patch", "--stdin"),
                    Optional.of(patch));
            openclawChanged = true;
        }

        twinsYaml.restoreHooksToken(file, done);

        if (Files.exists(file.file()) && (done == null || done.tokenFileCreated())) {
            if (log.dryRun()) {
                log.add("hooks token file", Status.WOULD, "delete " + file.file());
            } else {
                log.io(file::delete, "hooks token file");
                log.add("hooks token file", Status.CHANGED, "deleted " + file.file());
            }
        }
        if (!log.dryRun()) {
            records.delete();
        }
        if (openclawChanged && GatewayRestart.needed(wiring)) {
            GatewayRestart.run(log, cli);
        }
        if (!log.dryRun() && openclawChanged) {
            verifier.verifyGone(verifier.gateway(cli));
        }
    }
}
