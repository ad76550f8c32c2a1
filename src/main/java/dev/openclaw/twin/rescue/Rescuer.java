package dev.openclaw.twin.rescue;

import dev.openclaw.twin.backup.ConfigBackups;
import dev.openclaw.twin.backup.Snapshot;
import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.protocol.HttpTakeoverDispatcher.Sleeper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

/**
 * Brings a twin's gateway back over SSH: connect (strict host keys) → diagnose → optionally
 * restore the newest verified config snapshot → restart → poll {@code /readyz} through an SSH
 * port forward until ready or the deadline → optionally reboot. Every step is reported with its
 * outcome and duration; nothing is pasted into a shell (see {@link RemoteCommand}). It stops at the
 * first thing that cannot work — a restart command that fails, an {@code openclaw_path} or program
 * the host does not have — instead of waiting out the ready timeout.
 */
public final class Rescuer {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    static final Duration POLL_INTERVAL = Duration.ofMillis(200);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    private static final int LOG_LINES_IN_DIAGNOSIS = 50;
    /** Heads the diagnosis's log lines (the CLI shows the last few of them). */
    public static final String LOG_LINES_HEADING = "last log lines:";

    /**
     * @param restartWhenReady restart even if the gateway answers ready (a person asked for it);
     *     the auto-rescue passes false so a peer that recovered by itself is left alone
     * @param confirmReboot asked before a reboot; {@code --yes} answers it
     */
    public record Options(
            boolean dryRun,
            boolean restoreConfig,
            boolean reboot,
            boolean restartWhenReady,
            BooleanSupplier confirmReboot) {}

    private final TwinsConfig config;
    private final Optional<ConfigBackups> backups;
    private final Path home;
    private final HttpClient http;
    private final Clock clock;
    private final Sleeper sleeper;
    private final RescueProgress progress;

    /**
     * @param home this user's home, for the default SSH keys
     * @param progress told of each step as it ends (the CLI prints it at once) and of each probe
     *     while waiting for ready
     */
    public Rescuer(
            TwinsConfig config,
            Optional<ConfigBackups> backups,
            Path home,
            HttpClient http,
            Clock clock,
            Sleeper sleeper,
            RescueProgress progress) {
        this.config = config;
        this.backups = backups;
        this.home = home;
        this.http = http;
        this.clock = clock;
        this.sleeper = sleeper;
        this.progress = progress;
    }

    public RescueReport rescue(String twinName, Options options) throws InterruptedException {
        TwinsConfig.Twin twin = config.twin(twinName);
        TwinsConfig.Rescue settings = config.rescue();
        Run run = new Run(twinName);
        SshTarget target = SshTarget.of(twin);

        Instant connecting = clock.instant();
        SshConnection ssh;
        try {
            ssh = SshConnection.open(target, home, CONNECT_TIMEOUT);
        } catch (SshException e) {
            run.step("connect", RescueStep.Outcome.FAILED, connecting, e.getMessage());
            return run.report(
                    e.hostKeyRefused() || e.kind() == SshException.Kind.AUTHENTICATION ? "refused" : "failed");
        }
        run.step("connect", RescueStep.Outcome.OK, connecting, target.describe());

        try (ssh;
                SshConnection.Forward forward = forwardToGateway(ssh, twin)) {
            URI readyz = URI.create("http://127.0.0.1:" + forward.localAddress().getPort() + "/readyz");

            Instant diagnosing = clock.instant();
            Readiness before = probe(readyz, twin);
            List<String> lacking = lacking(ssh, twin, settings);
            run.diagnosis = diagnose(ssh, twin, settings, before, lacking);
            run.step("diagnose", RescueStep.Outcome.OK, diagnosing, firstLine(run.diagnosis));
            // What the restart needs and the host lacks: named now, not as three 'cd:' errors later.
            Optional<String> cannotRestart = lacking.stream()
                    .filter(problem -> blocksRestart(problem, twin, settings))
                    .findFirst();

            Optional<Snapshot> snapshot = Optional.empty();
            if (options.restoreConfig()) {
                Instant choosing = clock.instant();
                try {
                    snapshot = backups.isPresent() ? backups.get().newestVerified(twinName) : Optional.empty();
                } catch (IOException e) {
                    run.step("restore-config", RescueStep.Outcome.FAILED, choosing, e.getMessage());
                    return run.report("failed");
                }
                if (snapshot.isEmpty()) {
                    run.step(
                            "restore-config",
                            RescueStep.Outcome.FAILED,
                            choosing,
                            "no snapshot of " + twinName + " whose checksums verify (twin backup list " + twinName
                                    + ")");
                    return run.report("failed");
                }
            }

            RemoteCommand restart = RemoteCommand.of(settings.restartCommand()).in(twin.openclawPath());
            if (options.dryRun()) {
                Instant now = clock.instant();
                snapshot.ifPresent(s -> run.step(
                        "restore-config",
                        RescueStep.Outcome.PLANNED,
                        now,
                        "would restore snapshot " + s.id() + " to " + twin.openclawConfig()));
                run.step(
                        "restart",
                        RescueStep.Outcome.PLANNED,
                        now,
                        "would run: " + restart.line()
                                + cannotRestart.map(p -> " — but " + p).orElse(""));
                run.step(
                        "wait-ready",
                        RescueStep.Outcome.PLANNED,
                        now,
                        "would poll " + twin.gatewayUrl().resolve("/readyz") + " (through SSH) for up to "
                                + settings.readyTimeout().toSeconds() + " s");
                if (options.reboot()) {
                    run.step("reboot", RescueStep.Outcome.PLANNED, now, rebootPlan(settings));
                }
                return run.report("dry-run");
            }

            if (before.ready() && !options.restartWhenReady() && snapshot.isEmpty()) {
                run.step("restart", RescueStep.Outcome.SKIPPED, clock.instant(), "the gateway is ready already");
                return run.report("ready");
            }

            if (cannotRestart.isPresent()) {
                run.step("restart", RescueStep.Outcome.FAILED, clock.instant(), "not run: " + cannotRestart.get());
                return run.report("failed");
            }

            if (snapshot.isPresent()) {
                Instant restoring = clock.instant();
                try {
                    byte[] content = backups.get().content(snapshot.get(), TwinConfigFile.SNAPSHOT_NAME);
                    String aside = new TwinConfigFile.OverSsh(ssh, twin.openclawConfig(), COMMAND_TIMEOUT)
                            .replace(content, clock.instant());
                    run.snapshot = snapshot.get().id();
                    run.step(
                            "restore-config",
                            RescueStep.Outcome.OK,
                            restoring,
                            "restored snapshot " + snapshot.get().id() + " to " + twin.openclawConfig()
                                    + (aside.isEmpty() ? "" : "; the replaced file is kept as " + aside));
                } catch (IOException e) {
                    run.step("restore-config", RescueStep.Outcome.FAILED, restoring, e.getMessage());
                    return run.report("failed");
                }
            }

            Instant restarting = clock.instant();
            Instant deadline;
            try {
                SshConnection.Result result = ssh.run(restart.mergingErrors(), settings.readyTimeout());
                run.step(
                        "restart",
                        result.ok() ? RescueStep.Outcome.OK : RescueStep.Outcome.FAILED,
                        restarting,
                        restart.line() + " → exit " + result.exitStatus() + tail(result.stdout(), 3));
                if (!result.ok()) {
                    // It said it failed: waiting for ready would only wait out the timeout. Say why instead.
                    run.diagnosis = diagnose(ssh, twin, settings, probe(readyz, twin), List.of());
                    return run.report("failed");
                }
                deadline = clock.instant().plus(settings.readyTimeout());
            } catch (SshException e) {
                run.step("restart", RescueStep.Outcome.FAILED, restarting, e.getMessage());
                if (e.kind() != SshException.Kind.TIMEOUT) {
                    return run.report("failed");
                }
                // A restart that never returned may still have started the gateway: look once.
                deadline = clock.instant();
            }

            Instant waiting = clock.instant();
            Readiness after = waitReady(readyz, twin, waiting, deadline);
            if (after.ready()) {
                run.step("wait-ready", RescueStep.Outcome.OK, waiting, "/readyz answered 200");
                return run.report("ready");
            }
            // Not back: say why, with a fresh look at the gateway, before anything drastic.
            run.diagnosis = diagnose(ssh, twin, settings, after, List.of());
            run.step(
                    "wait-ready",
                    RescueStep.Outcome.FAILED,
                    waiting,
                    "not ready after " + settings.readyTimeout().toSeconds() + " s (" + after.detail() + ")");

            if (options.reboot()) {
                Instant rebooting = clock.instant();
                if (!settings.allowReboot()) {
                    run.step(
                            "reboot",
                            RescueStep.Outcome.SKIPPED,
                            rebooting,
                            "rescue.allow_reboot is false in " + config.source());
                } else if (!options.confirmReboot().getAsBoolean()) {
                    run.step("reboot", RescueStep.Outcome.SKIPPED, rebooting, "not confirmed");
                } else {
                    RemoteCommand reboot = RemoteCommand.of(settings.rebootCommand());
                    try {
                        SshConnection.Result result = ssh.run(reboot.mergingErrors(), COMMAND_TIMEOUT);
                        run.step(
                                "reboot",
                                result.ok() ? RescueStep.Outcome.OK : RescueStep.Outcome.FAILED,
                                rebooting,
                                reboot.line() + " → exit " + result.exitStatus() + tail(result.stdout(), 3));
                    } catch (SshException e) {
                        // The connection dropping is what a reboot looks like from here.
                        run.step("reboot", RescueStep.Outcome.OK, rebooting, "requested; " + e.getMessage());
                    }
                }
            }
            return run.report("failed");
        } catch (SshException e) {
            run.step("connect", RescueStep.Outcome.FAILED, clock.instant(), e.getMessage());
            return run.report("failed");
        } catch (IOException e) {
            run.step("connect", RescueStep.Outcome.FAILED, clock.instant(), e.getMessage());
            return run.report("failed");
        }
    }

    private static SshConnection.Forward forwardToGateway(SshConnection ssh, TwinsConfig.Twin twin)
            throws SshException {
        return ssh.forward(twin.gatewayUrl().getHost(), gatewayPort(twin));
    }

    private static int gatewayPort(TwinsConfig.Twin twin) {
        URI gateway = twin.gatewayUrl();
        return gateway.getPort() != -1 ? gateway.getPort() : gateway.getScheme().equals("https") ? 443 : 80;
    }

    /** What {@code /readyz} said. */
    record Readiness(boolean ready, String detail) {}

    private Readiness probe(URI readyz, TwinsConfig.Twin twin) throws InterruptedException {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(readyz).timeout(PROBE_TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Readiness(
                    response.statusCode() == 200, "/readyz " + response.statusCode() + tail(response.body(), 1));
        } catch (HttpTimeoutException e) {
            return new Readiness(false, "/readyz did not answer within " + PROBE_TIMEOUT.toSeconds() + " s");
        } catch (IOException e) {
            // Through the SSH forward a refused connection reads as an empty answer: say what it means.
            return new Readiness(
                    false,
                    "/readyz unreachable: nothing answers at "
                            + twin.gatewayUrl().getHost() + ":" + gatewayPort(twin)
                            + " on "
                            + twin.name() + ": " + SshConnection.rootMessage(e));
        }
    }

    /** Polls until ready or the deadline: no fixed wait, a gateway that is back quickly is seen at once. */
    private Readiness waitReady(URI readyz, TwinsConfig.Twin twin, Instant since, Instant deadline)
            throws InterruptedException {
        Readiness last = probe(readyz, twin);
        progress.waiting(Duration.between(since, clock.instant()), last.detail());
        while (!last.ready() && clock.instant().isBefore(deadline)) {
            sleeper.sleep(POLL_INTERVAL);
            last = probe(readyz, twin);
            progress.waiting(Duration.between(since, clock.instant()), last.detail());
        }
        return last;
    }

    /**
     * What the configured commands need and the host lacks, each said as such: the twin's {@code
     * openclaw_path}, or a program (first word of the restart, status or logs command) that is not
     * on the login shell's PATH or not executable. One round trip; an SSH failure here lacks nothing.
     */
    private static List<String> lacking(SshConnection ssh, TwinsConfig.Twin twin, TwinsConfig.Rescue settings) {
        List<String> programs = java.util.stream.Stream.of(
                        settings.restartCommand(), settings.statusCommand(), settings.logsCommand())
                .filter(argv -> !argv.isEmpty())
                .map(List::getFirst)
                .distinct()
                .toList();
        StringBuilder script = new StringBuilder("cd -- " + RemoteCommand.quotePath(twin.openclawPath())
                + " 2>/dev/null || { echo missing-path; exit 0; }; for p in");
        programs.forEach(p -> script.append(' ').append(RemoteCommand.quote(p)));
        script.append("; do case \"$p\" in */*) [ -x \"$p\" ] ;; *) command -v \"$p\" >/dev/null 2>&1 ;; esac"
                + " || printf 'missing-program %s\\n' \"$p\"; done");
        try {
            SshConnection.Result result = ssh.run(new RemoteCommand(script.toString()), COMMAND_TIMEOUT);
            List<String> lacking = new ArrayList<>();
            for (String line : result.stdout().lines().toList()) {
                if (line.equals("missing-path")) {
                    lacking.add("openclaw_path " + twin.openclawPath() + " does not exist on " + twin.name());
                } else if (line.startsWith("missing-program ")) {
                    String program = line.substring("missing-program ".length());
                    lacking.add(
                            program.contains("/")
                                    ? program + " is not an executable file on " + twin.name()
                                    : program + " is not on PATH on " + twin.name()
                                            + " (the PATH of an SSH command, not of a login terminal;"
                                            + " a full path in rescue's commands avoids it)");
                }
            }
            return lacking;
        } catch (SshException e) {
            return List.of();
        }
    }

    /** Whether {@code problem} (one of {@link #lacking}) keeps the restart command from running at all. */
    private static boolean blocksRestart(String problem, TwinsConfig.Twin twin, TwinsConfig.Rescue settings) {
        return problem.startsWith("openclaw_path ")
                || problem.startsWith(settings.restartCommand().getFirst() + " is not ");
    }

    /** Status, disk and logs, asked at once over parallel SSH channels: diagnosis adds one round trip, not four. */
    private String diagnose(
            SshConnection ssh,
            TwinsConfig.Twin twin,
            TwinsConfig.Rescue settings,
            Readiness readiness,
            List<String> lacking)
            throws InterruptedException {
        RemoteCommand status = RemoteCommand.of(settings.statusCommand()).in(twin.openclawPath());
        RemoteCommand disk = RemoteCommand.withPaths(List.of(
                RemoteCommand.Word.text("df"),
                RemoteCommand.Word.text("-Pk"),
                RemoteCommand.Word.text("--"),
                RemoteCommand.Word.path(twin.openclawPath())));
        RemoteCommand logs = RemoteCommand.of(settings.logsCommand()).in(twin.openclawPath());
        String gateway = "gateway " + (readiness.ready() ? "ready" : "not ready") + " (" + readiness.detail() + ")";
        if (lacking.stream().anyMatch(problem -> problem.startsWith("openclaw_path "))) {
            // Every command runs there: nothing more to learn from them.
            return String.join("\n", String.join("\n", lacking), gateway);
        }
        try (ExecutorService parallel = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<String> statusText = parallel.submit(() -> remote(ssh, status, 10));
            Future<String> diskText = parallel.submit(() -> diskSummary(remote(ssh, disk, 2)));
            Future<String> logText = parallel.submit(() -> remote(ssh, logs, LOG_LINES_IN_DIAGNOSIS));
            List<String> lines = new ArrayList<>(lacking);
            lines.add(gateway);
            lines.add("status: " + statusText.get());
            lines.add("disk: " + diskText.get());
            lines.add(LOG_LINES_HEADING + "\n" + logText.get());
            return String.join("\n", lines);
        } catch (ExecutionException e) {
            return "diagnosis failed: " + SshConnection.rootMessage(e);
        }
    }

    /** A diagnosis command's last lines, or why it could not run; never fails the rescue. */
    private static String remote(SshConnection ssh, RemoteCommand command, int lines) {
        try {
            SshConnection.Result result = ssh.run(command.mergingErrors(), COMMAND_TIMEOUT);
            String text = tail(result.stdout(), lines).strip();
            return (result.ok() ? "" : "(exit " + result.exitStatus() + ") ") + (text.isEmpty() ? "(no output)" : text);
        } catch (SshException e) {
            return "(" + e.getMessage() + ")";
        }
    }

    /** {@code df -Pk} as one line: "24% used, 77.4 GiB free on / (/dev/vda)"; anything else as it came. */
    static String diskSummary(String df) {
        List<String> lines = df.strip().lines().toList();
        String[] fields =
                lines.isEmpty() ? new String[0] : lines.getLast().strip().split("\\s+", 6);
        if (fields.length == 6 && fields[4].endsWith("%") && fields[3].matches("\\d+")) {
            double freeGib = Long.parseLong(fields[3]) / (1024.0 * 1024.0);
            return String.format(
                    java.util.Locale.ROOT,
                    "%s used, %.1f GiB free on %s (%s)",
                    fields[4],
                    freeGib,
                    fields[5],
                    fields[0]);
        }
        return String.join(" ", lines);
    }

    private static String rebootPlan(TwinsConfig.Rescue settings) {
        return settings.allowReboot()
                ? "if still not ready, would run (after confirmation): "
                        + RemoteCommand.of(settings.rebootCommand()).line()
                : "would not reboot: rescue.allow_reboot is false";
    }

    private static String tail(String text, int lines) {
        List<String> all = text.strip().lines().toList();
        List<String> last = all.subList(Math.max(0, all.size() - lines), all.size());
        return last.isEmpty() ? "" : (lines == 1 ? ": " : "\n") + String.join("\n", last);
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    /** The steps so far of one rescue. */
    private final class Run {
        private final String twin;
        private final Instant started = clock.instant();
        private final List<RescueStep> steps = new ArrayList<>();
        private String diagnosis = "";
        private String snapshot;

        Run(String twin) {
            this.twin = twin;
        }

        void step(String name, RescueStep.Outcome outcome, Instant since, String detail) {
            RescueStep step = new RescueStep(name, outcome, Duration.between(since, clock.instant()), detail);
            steps.add(step);
            progress.stepEnded(step);
        }

        RescueReport report(String outcome) {
            return new RescueReport(
                    twin, outcome, steps, Duration.between(started, clock.instant()), diagnosis, snapshot);
        }
    }
}
