package dev.openclaw.twin.cli;

import dev.openclaw.twin.config.ConfigException;
import dev.openclaw.twin.config.ConfigLoader;
import dev.openclaw.twin.config.ConfigProblem;
import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.connect.ConnectReport;
import dev.openclaw.twin.connect.Connector;
import dev.openclaw.twin.connect.TakeoverDispatchEdit;
import dev.openclaw.twin.demo.openclaw.OpenClawDemo;
import dev.openclaw.twin.gateway.OpenClawCli;
import dev.openclaw.twin.rescue.RemoteCommand;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "connect",
        header = "Wire this host's OpenClaw gateway to its twin daemon, through openclaw's own CLI.",
        description = {
            "Run on a twin's host. Links and enables the openclaw-twin plugin shipped with twin",
            "(openclaw plugins install --link, plugins enable), writes its plugins.entries config",
            "(daemon URL from daemon.bind/port, token when the daemon has one) and the hooks settings",
            "takeovers need (openclaw config patch; secrets go on stdin), keeps the hooks token in",
            "~/.config/openclaw-twin/hooks-token (0600) and refers to it from twins.yaml",
            "(coordination.takeover_dispatch.hooks_token: \"file:...\"). The gateway hot-reloads these;",
            "connect then checks that it has the plugin active, accepts the token, and that the daemon",
            "answers as this twin. Only what differs is changed: a second run writes nothing.",
            "openclaw is --openclaw, else $OPENCLAW_BIN, else on PATH; OPENCLAW_STATE_DIR and",
            "OPENCLAW_CONFIG_PATH apply as they do to openclaw itself.",
            "Exit 0 connected, 1 a step failed, 78 bad twins.yaml."
        })
public final class ConnectCommand implements Callable<Integer> {

    private final CliContext context;

    @Mixin
    ConfigOption config;

    @Mixin
    JsonOption json;

    @Option(
            names = "--twin",
            paramLabel = "NAME",
            description = "The twin this host is, if its host name does not say.")
    String twin;

    @Option(
            names = "--dry-run",
            description = "Print each openclaw command it would run (secrets as placeholders); change nothing.")
    boolean dryRun;

    @Option(
            names = "--undo",
            description =
                    "Take back what twin connect set up here: plugin link and entry, the hooks settings it set, the token file, the twins.yaml reference.")
    boolean undo;

    @Option(
            names = "--openclaw",
            paramLabel = "PATH",
            description = "The openclaw command. Default: $OPENCLAW_BIN, else openclaw on PATH.")
    Path openclaw;

    @Option(
            names = "--force",
            description = "Replace a coordination.takeover_dispatch.hooks_token that is not the gateway's hooks token.")
    boolean force;

    public ConnectCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        TwinsConfig loaded = loadConfig();
        String name = twin != null ? ConfigOption.requireTwin(loaded, twin) : DaemonCommand.twinOfThisHost(loaded);
        Optional<OpenClawCli> cli = OpenClawCli.locate(
                        Optional.ofNullable(openclaw), context.environment().variables())
                .map(binary -> new OpenClawCli(binary, Duration.ofMinutes(3)));
        if (openclaw != null && cli.isEmpty()) {
            throw new TwinException(ExitCodes.USAGE, "connect: --openclaw " + openclaw + " is not an executable file");
        }
        ConnectReport report;
        try (HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .build()) {
            Connector connector = new Connector(
                    loaded,
                    name,
                    cli,
                    OpenClawDemo.pluginDir(),
                    context.environment(),
                    http,
                    new SecureRandom(),
                    System::nanoTime,
                    Connector.Timing.DEFAULT,
                    dryRun,
                    force);
            if (!json.enabled()) {
                context.out()
                        .println((undo ? "Disconnecting " : "Connecting ") + name + "'s gateway "
                                + (undo ? "from" : "to") + " its daemon (" + Connector.daemonUrl(loaded.daemon()) + ")"
                                + (dryRun ? " — dry run, nothing changes" : "") + "...");
                context.out().flush();
            }
            report = undo ? connector.undo() : connector.connect();
        }
        if (json.enabled()) {
            JsonOutput.print(context.out(), report);
        } else {
            print(report);
        }
        return report.ok() ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /**
     * The configuration; a twins.yaml copied from a twin already connected refers to a hooks token
     * file this host does not have yet, which is what connect is about to write: that one problem
     * is set aside (the file's text, reference included, is what connect reads and keeps).
     */
    private TwinsConfig loadConfig() {
        try {
            return config.load(context);
        } catch (ConfigOption.ConfigFailure failure) {
            List<ConfigProblem> problems = failure.problems().problems();
            boolean onlyTheTokenFile = !problems.isEmpty()
                    && problems.stream()
                            .allMatch(p -> p.keyPath().equals("coordination.takeover_dispatch.hooks_token")
                                    && p.message().contains("secret file"));
            if (!onlyTheTokenFile) {
                throw failure;
            }
            try {
                ConfigLoader loader = new ConfigLoader(context.environment());
                Path file = loader.locate(config.path());
                String text = new TakeoverDispatchEdit(Files.readString(file)).withHooksToken(Optional.empty());
                return loader.parse(text, file);
            } catch (ConfigException | IOException e) {
                throw failure;
            }
        }
    }

    private void print(ConnectReport report) {
        for (ConnectReport.Step step : report.steps()) {
            context.out().printf("  %s %-32s %s%n", step.status().symbol(), step.name(), step.detail());
            if (!step.command().isEmpty()) {
                context.out()
                        .println("      $ "
                                + step.command().stream()
                                        .map(RemoteCommand::quote)
                                        .collect(Collectors.joining(" ")));
                if (step.input() != null) {
                    context.out().println("        stdin: " + step.input());
                }
            }
        }
        String who = report.twin() + "'s gateway";
        if (!report.ok()) {
            context.out()
                    .println(
                            report.mode().equals("undo")
                                    ? "Undo stopped at the step marked ✗ (what ran before it stays done)."
                                    : "Not connected: fix the step marked ✗ and run twin connect again (what ran before it stays done; twin connect --undo takes it back).");
        } else if (report.dryRun()) {
            context.out()
                    .println(
                            report.changes() == 0
                                    ? "Nothing to change."
                                    : report.changes()
                                            + " change(s) would be made; run without --dry-run to make them.");
        } else if (report.changes() == 0) {
            context.out()
                    .println(
                            report.mode().equals("undo")
                                    ? "Nothing to undo: " + who + " has nothing of twin connect's."
                                    : "Nothing to change: " + who + " already obeys its daemon.");
        } else {
            context.out()
                    .println(
                            report.mode().equals("undo")
                                    ? who + " no longer asks its daemon (" + report.changes() + " change(s))."
                                    : who + " now obeys its daemon (" + report.changes()
                                            + " change(s)). Next: twin install-service, then twin doctor.");
        }
    }
}
