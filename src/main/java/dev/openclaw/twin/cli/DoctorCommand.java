package dev.openclaw.twin.cli;

import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.doctor.AlertChannelsCheck;
import dev.openclaw.twin.doctor.Check;
import dev.openclaw.twin.doctor.CheckResult;
import dev.openclaw.twin.doctor.ConfigCheck;
import dev.openclaw.twin.doctor.DaemonCheck;
import dev.openclaw.twin.doctor.Doctor;
import dev.openclaw.twin.doctor.DoctorReport;
import dev.openclaw.twin.doctor.GatewayCheck;
import dev.openclaw.twin.doctor.HooksTokenCheck;
import dev.openclaw.twin.doctor.OpenClawVersionCheck;
import dev.openclaw.twin.doctor.PeerDaemonCheck;
import dev.openclaw.twin.doctor.PeerSshCheck;
import dev.openclaw.twin.doctor.PluginCheck;
import dev.openclaw.twin.doctor.ShareCheck;
import dev.openclaw.twin.doctor.StoreClockCheck;
import dev.openclaw.twin.gateway.GatewayWiring;
import dev.openclaw.twin.gateway.OpenClawCli;
import dev.openclaw.twin.gateway.OpenClawConfigFile;
import dev.openclaw.twin.gateway.RunningGateway;
import dev.openclaw.twin.gateway.TwinHealthz;
import dev.openclaw.twin.notify.Notifiers;
import dev.openclaw.twin.state.FileStateStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "doctor",
        header =
                "Check this host end to end: config, share, clocks, daemon, gateway, plugin, hooks, peers, SSH, alerts.",
        description = {
            "One line per check, ✓ ok, ⚠ warning or ✗ failure; each ⚠ and ✗ with the command or setting",
            "that fixes it. The checks run in parallel, each within --timeout-seconds. Nothing is changed",
            "(probe files on the share are removed again); with --send-test one test alert goes out",
            "through each channel. Exit 0 all good, 3 warnings only, 1 a failure, 78 bad config."
        })
public final class DoctorCommand implements Callable<Integer> {

    private static final int SCHEMA_VERSION = 1;

    private final CliContext context;

    @Mixin
    ConfigOption config;

    @Mixin
    JsonOption json;

    @Option(
            names = "--twin",
            paramLabel = "NAME",
            description = "Which twin this host is. Default: the twin whose name or hostname is this host's name.")
    String twin;

    @Option(names = "--send-test", description = "Send a test alert through every configured channel.")
    boolean sendTest;

    @Option(
            names = "--timeout-seconds",
            paramLabel = "S",
            hidden = true,
            description = "How long each check may take (they run at once). Default: 8.")
    int timeoutSeconds = 8;

    @Option(names = "--telegram-api", paramLabel = "URL", hidden = true)
    URI telegramApi = Notifiers.TELEGRAM_API;

    public DoctorCommand(CliContext context) {
        this.context = context;
    }

    record CheckJson(String name, String status, String detail, String fix, long elapsedMs) {}

    record Summary(String status, long ok, long warnings, long failures) {}

    record DoctorJson(int schemaVersion, String twin, List<CheckJson> checks, Summary summary) {}

    @Override
    public Integer call() {
        TwinsConfig loaded;
        try {
            loaded = config.load(context);
        } catch (ConfigOption.ConfigFailure failure) {
            List<String> problems = failure.problems().lines();
            String fix = "twin validate shows each problem with its file:line; fix them";
            if (json.enabled()) {
                print(DoctorReport.untimed(
                        twin == null ? "" : twin,
                        List.of(CheckResult.failure("config", String.join("\n", problems), fix))));
            } else {
                context.out().println("✗ config  cannot be loaded:");
                problems.forEach(p -> context.out().println("    " + p));
                context.out().println("  fix: " + fix);
            }
            return ExitCodes.BAD_CONFIG;
        }
        String name = twin != null ? ConfigOption.requireTwin(loaded, twin) : DaemonCommand.twinOfThisHost(loaded);
        Duration timeout = Duration.ofSeconds(Math.max(1, timeoutSeconds));
        // requests get a little less than the check, so they report their own timeout first
        Duration requestTimeout = timeout.multipliedBy(3).dividedBy(4);
        DoctorReport report;
        try (HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(requestTimeout)
                .build()) {
            report = new Doctor(timeout, System::nanoTime).examine(name, checks(loaded, name, http, requestTimeout));
        }
        print(report);
        return report.hasFailures() ? ExitCodes.FAILED : report.hasWarnings() ? ExitCodes.DEGRADED : ExitCodes.OK;
    }

    private List<Check> checks(TwinsConfig loaded, String name, HttpClient http, Duration timeout) {
        OpenClawConfigFile openclawJson = OpenClawConfigFile.locate(context.environment(), loaded.twin(name));
        GatewayWiring wiring = GatewayWiring.read(openclawJson.file());
        OpenClawCli openclaw =
                openclawJson.applyTo(new OpenClawCli(loaded.backup().openclawCommand(), timeout));
        RunningGateway gateway = new RunningGateway(openclaw, http, timeout);
        TwinHealthz healthz = new TwinHealthz(http, timeout, context.clock()::instant);
        List<Check> checks = new ArrayList<>();
        checks.add(new ConfigCheck(loaded, name));
        checks.add(new ShareCheck(loaded));
        if (loaded.sharedStorage().type().isFileBackend()) {
            checks.add(new StoreClockCheck(
                    new FileStateStore(
                            loaded.sharedStorage().path().orElseThrow(),
                            loaded.sharedStorage().stateFile()),
                    context.clock()));
        }
        checks.add(new DaemonCheck(loaded, name, wiring, healthz));
        checks.add(new GatewayCheck(loaded, name, wiring, http, timeout));
        checks.add(new OpenClawVersionCheck(openclaw));
        checks.add(new PluginCheck(loaded, name, wiring, openclaw, gateway, timeout));
        checks.add(new HooksTokenCheck(loaded, name, wiring, gateway));
        for (String peer : loaded.twinNames()) {
            if (!peer.equals(name)) {
                checks.add(new PeerDaemonCheck(loaded, peer, healthz));
                checks.add(new PeerSshCheck(loaded, peer, context.environment().home(), timeout));
            }
        }
        checks.add(new AlertChannelsCheck(loaded, name, sendTest, http, telegramApi, context.clock()));
        return checks;
    }

    private void print(DoctorReport report) {
        long ok = report.count(CheckResult.Ok.class);
        long warnings = report.count(CheckResult.Warning.class);
        long failures = report.count(CheckResult.Failure.class);
        if (json.enabled()) {
            List<CheckJson> checks = new ArrayList<>();
            for (int i = 0; i < report.results().size(); i++) {
                CheckResult r = report.results().get(i);
                checks.add(new CheckJson(
                        r.name(),
                        r.status(),
                        r.detail(),
                        r.fix().orElse(null),
                        report.took().get(i).toMillis()));
            }
            JsonOutput.print(
                    context.out(),
                    new DoctorJson(
                            SCHEMA_VERSION,
                            report.twin(),
                            checks,
                            new Summary(report.status(), ok, warnings, failures)));
            return;
        }
        int width =
                report.results().stream().mapToInt(r -> r.name().length()).max().orElse(0);
        for (CheckResult result : report.results()) {
            String mark = switch (result) {
                case CheckResult.Ok o -> "✓";
                case CheckResult.Warning w -> "⚠";
                case CheckResult.Failure f -> "✗";
            };
            context.out().printf("%s %-" + width + "s  %s%n", mark, result.name(), result.detail());
            result.fix().ifPresent(fix -> context.out().printf("  %-" + width + "s  fix: %s%n", "", fix));
        }
        context.out()
                .printf(
                        "%s: %d ok, %d warning%s, %d failure%s%n",
                        report.twin().isEmpty() ? "twin doctor" : report.twin(),
                        ok,
                        warnings,
                        warnings == 1 ? "" : "s",
                        failures,
                        failures == 1 ? "" : "s");
        context.out().flush();
    }
}
