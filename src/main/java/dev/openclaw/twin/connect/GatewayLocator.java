package dev.openclaw.twin.connect;

import dev.openclaw.twin.config.ConfigEnvironment;
import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.connect.ConnectReport.Status;
import dev.openclaw.twin.gateway.GatewayWiring;
import dev.openclaw.twin.gateway.OpenClawCli;
import dev.openclaw.twin.gateway.OpenClawConfigFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Finds this host's {@code openclaw}, the gateway config file it uses, and reads that file's
 * wiring; each a step that stops the run when it fails.
 */
final class GatewayLocator {

    private final Optional<OpenClawCli> openclaw;
    private final TwinsConfig config;
    private final String twin;
    private final ConfigEnvironment environment;
    private final StepLog log;

    GatewayLocator(
            Optional<OpenClawCli> openclaw,
            TwinsConfig config,
            String twin,
            ConfigEnvironment environment,
            StepLog log) {
        this.openclaw = openclaw;
        this.config = config;
        this.twin = twin;
        this.environment = environment;
        this.log = log;
    }

    OpenClawCli openclaw() {
        if (openclaw.isEmpty()) {
            log.fail("openclaw", "openclaw not found: pass --openclaw PATH or set OPENCLAW_BIN (or put it on PATH)");
        }
        OpenClawCli cli = openclaw.get();
        OpenClawCli.Result version = cli.run(List.of("--version"));
        if (!version.ok()) {
            log.fail("openclaw", cli.describe() + " --version failed: " + version.lastLine());
        }
        log.add("openclaw", Status.OK, version.stdout().strip() + " (" + cli.describe() + ")");
        return cli;
    }

    OpenClawConfigFile locate(OpenClawCli cli) {
        try {
            return OpenClawConfigFile.locate(environment, config.twin(twin), cli);
        } catch (IOException e) {
            log.fail("gateway config", e.getMessage());
            return null;
        }
    }

    GatewayWiring wiring(Path configFile) {
        try {
            GatewayWiring wiring = GatewayWiring.readToEdit(configFile);
            if (!wiring.includes().isEmpty()) {
                log.fail(
                        "gateway config",
                        configFile + " keeps " + String.join(", ", wiring.includes())
                                + " in another file ($include): wire it by hand (see the README)");
            }
            return wiring;
        } catch (IOException e) {
            log.fail("gateway config", e.getMessage());
            return null;
        }
    }
}
