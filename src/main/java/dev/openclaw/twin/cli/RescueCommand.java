package dev.openclaw.twin.cli;

import dev.openclaw.twin.backup.ConfigBackups;
import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.rescue.RescueProgress;
import dev.openclaw.twin.rescue.RescueReport;
import dev.openclaw.twin.rescue.RescueStep;
import dev.openclaw.twin.rescue.Rescuer;
import dev.openclaw.twin.state.StateStore;
import dev.openclaw.twin.state.StoreUnavailableException;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "rescue",
        header = "Bring a twin's gateway back over SSH: diagnose, restart, wait until it is ready.",
        description = {
            "Connects to the twin's host over SSH (its ssh.key, ssh.port, username, hostname) and",
            "refuses a host key that known_hosts does not list ('twin trust NAME' records one).",
            "Steps, each reported with its outcome and duration:",
            "  connect → diagnose (readiness, rescue.status_command, disk, last log lines)",
            "  → restore the newest verified config snapshot (--restore-config)",
            "  → restart (rescue.restart_command, in openclaw_path)",
            "  → poll the gateway's /readyz through the SSH connection until rescue.ready_timeout_seconds",
            "    (at a terminal a live line shows the time waited and the last answer)",
            "  → reboot, only with rescue.allow_reboot: true AND --reboot, after confirmation",
            "It stops at once when the restart command fails, or when the host lacks openclaw_path or",
            "a program the commands need. The outcome is appended to this twin's event trail on the",
            "shared store. The diagnosis shows the last few status and log lines (all with -v or --json).",
            "Exit 0 when the gateway is ready (or --dry-run connected), 1 otherwise."
        })
public final class RescueCommand implements Callable<Integer> {

    /** Status and log lines of the diagnosis shown at the terminal (all of them with --verbose / --json). */
    static final int STATUS_LINES = 3;

    static final int LOG_LINES = 5;

    /** The live line stays on one terminal row: longer text is cut. */
    private static final int LIVE_LINE_WIDTH = 100;

    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Mixin
    JsonOption json;

    @Parameters(index = "0", paramLabel = "NAME", description = "The twin to rescue.")
    String twin;

    @Option(names = "--dry-run", description = "Connect and diagnose, then print what would be done.")
    boolean dryRun;

    @Option(names = "--restore-config", description = "Restore the newest snapshot whose checksums verify first.")
    boolean restoreConfig;

    @Option(
            names = "--reboot",
            description = "Reboot the host if the gateway is still not ready (needs rescue.allow_reboot).")
    boolean reboot;

    @Option(names = "--yes", description = "Do not ask before a reboot.")
    boolean yes;

    public RescueCommand(CliContext context) {
        this.context = context;
    }

    record StepJson(String name, String outcome, long ms, String detail) {}

    record RescueJson(
            int schemaVersion,
            String twin,
            String outcome,
            long ms,
            List<StepJson> steps,
            String diagnosis,
            String snapshot) {}

    @Override
    public Integer call() throws InterruptedException {
        TwinsConfig loaded = config.load(context);
        String name = ConfigOption.requireTwin(loaded, twin);
        Optional<ConfigBackups> backups = loaded.sharedStorage()
                .path()
                .map(path -> new ConfigBackups(ConfigBackups.rootFor(path), loaded.backup(), context.clock()));
        if (!json.enabled()) {
            context.out().println("Rescuing " + name + (dryRun ? " (dry run)" : "") + "...");
            context.out().flush();
        }
        RescueReport report;
        try (HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            Rescuer rescuer = new Rescuer(
                    loaded, backups, context.environment().home(), http, context.clock(), Thread::sleep, progress());
            report =
                    rescuer.rescue(name, new Rescuer.Options(dryRun, restoreConfig, reboot, true, this::confirmReboot));
        }
        record(loaded, report);
        if (json.enabled()) {
            JsonOutput.print(
                    context.out(),
                    new RescueJson(
                            JsonOutput.SCHEMA_VERSION,
                            report.twin(),
                            report.outcome(),
                            report.took().toMillis(),
                            report.steps().stream()
                                    .map(s -> new StepJson(
                                            s.name(),
                                            s.outcome().word(),
                                            s.took().toMillis(),
                                            s.detail()))
                                    .toList(),
                            report.diagnosis(),
                            report.snapshot()));
        } else {
            if (!report.ready() && !report.diagnosis().isBlank()) {
                context.out().println("Diagnosis:");
                diagnosisLines(report.diagnosis(), GlobalOptions.of(spec).verbose())
                        .forEach(line -> context.out().println("  " + line));
            }
            context.out()
                    .printf(
                            "%n%s: %s in %.1f s%n",
                            name, report.outcome(), report.took().toMillis() / 1000.0);
            context.out().flush();
        }
        return report.ready() || report.outcome().equals("dry-run") ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /**
     * Prints each step as it ends; at a terminal (not with --json) also a live line while waiting for
     * ready, rewritten in place, so a long wait is not silence.
     */
    private RescueProgress progress() {
        boolean live = context.interactive() && !json.enabled();
        return new RescueProgress() {
            private boolean showing;

            @Override
            public void stepEnded(RescueStep step) {
                if (json.enabled()) {
                    return;
                }
                if (showing) {
                    context.out().print("\r\u001b[K");
                    showing = false;
                }
                printStep(step);
            }

            @Override
            public void waiting(Duration elapsed, String lastProbe) {
                if (!live) {
                    return;
                }
                String line = String.format(
                        java.util.Locale.ROOT,
                        "  %-15s %-8s %6.1f s  %s",
                        "wait-ready",
                        "waiting",
                        elapsed.toMillis() / 1000.0,
                        lastProbe.replace('\n', ' '));
                context.out()
                        .print("\r"
                                + (line.length() > LIVE_LINE_WIDTH
                                        ? line.substring(0, LIVE_LINE_WIDTH - 1) + "…"
                                        : line)
                                + "\u001b[K");
                context.out().flush();
                showing = true;
            }
        };
    }

    /**
     * The diagnosis for the terminal: the readiness line is left out (the step table says it), the
     * status and the log lines cut to their last few unless {@code all}.
     */
    static List<String> diagnosisLines(String diagnosis, boolean all) {
        List<String> shown = new ArrayList<>();
        List<String> logs = null;
        boolean inStatus = false;
        int statusLines = 0;
        for (String line : diagnosis.lines().toList()) {
            if (logs != null) {
                logs.add(line);
            } else if (line.equals(Rescuer.LOG_LINES_HEADING)) {
                logs = new ArrayList<>();
            } else if (!inStatus && (line.startsWith("gateway ready (") || line.startsWith("gateway not ready ("))) {
                // The step table says it already.
            } else {
                if (line.startsWith("status: ")) {
                    inStatus = true;
                } else if (line.startsWith("disk: ")) {
                    inStatus = false;
                }
                if (!inStatus || all || ++statusLines <= STATUS_LINES) {
                    shown.add(line);
                }
            }
        }
        if (logs != null) {
            int from = all ? 0 : Math.max(0, logs.size() - LOG_LINES);
            shown.add(
                    from == 0
                            ? Rescuer.LOG_LINES_HEADING
                            : "last " + LOG_LINES + " of " + logs.size() + " log lines (all with -v):");
            logs.subList(from, logs.size()).forEach(line -> shown.add("  " + line));
        }
        return shown;
    }

    private void printStep(RescueStep step) {
        String detail = step.detail().replace("\n", "\n" + " ".repeat(34));
        context.out()
                .printf(
                        "  %-15s %-8s %6.2f s  %s%n",
                        step.name(), step.outcome().word(), step.took().toMillis() / 1000.0, detail);
        context.out().flush();
    }

    private boolean confirmReboot() {
        if (yes) {
            return true;
        }
        if (!context.interactive()) {
            context.err().println("rescue: not rebooting " + twin + " without a person to confirm (pass --yes)");
            return false;
        }
        try {
            return context.confirm("Reboot " + twin + "'s host now?");
        } catch (IOException e) {
            return false;
        }
    }

    /** Appends the outcome to the trail of the twin this runs on (or of this host); never fails the rescue. */
    private void record(TwinsConfig loaded, RescueReport report) {
        if (dryRun) {
            return;
        }
        String by = DaemonCommand.thisTwinOrHost(loaded, "cli");
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("target", report.twin());
        details.put("outcome", report.outcome());
        details.put("ms", report.took().toMillis());
        details.put("manual", true);
        details.put(
                "steps",
                report.steps().stream()
                        .map(s -> s.name() + ":" + s.outcome().word())
                        .toList());
        try {
            StateStore store = SharedStore.open(loaded);
            store.appendEvent(by, context.clock().instant(), "rescue", details);
            // A person acted: the daemons' automatic rescue of this twin may start over.
            store.recordManualRescue(report.twin(), context.clock().instant());
        } catch (StoreUnavailableException | TwinException e) {
            context.err().println("rescue: could not record the outcome on the shared store: " + e.getMessage());
        }
    }
}
