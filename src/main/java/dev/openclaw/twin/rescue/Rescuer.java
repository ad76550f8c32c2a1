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
import java.util.function.Consumer;

/**
 * Brings a twin's gateway back over SSH: connect (strict host keys) → diagnose → optionally
 * restore the newest verified config snapshot → restart → poll {@code /readyz} through an SSH
 * port forward until ready or the deadline → optionally reboot. Every step is reported with its
 * outcome and duration; nothing is pasted into a shell (see {@link RemoteCommand}).
 */
public final class Rescuer {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    static final Duration POLL_INTERVAL = Duration.ofMillis(200);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    private static final int LOG_LINES_IN_DIAGNOSIS = 50;

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
    private final Consumer<RescueStep> progress;

    /**
     * @param home this user's home, for the default SSH keys
     * @param progress told of each step as it ends (the CLI prints it at once)
     */
    public Rescuer(
            TwinsConfig config,
            Optional<ConfigBackups> backups,
            Path home,
            HttpClient http,
            Clock clock,
            Sleeper sleeper,
            Consumer<RescueStep> progress) {
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
            Readiness before = probe(readyz);
            run.diagnosis = diagnose(ssh, twin, settings, before);
            run.step("diagnose", RescueStep.Outcome.OK, diagnosing, firstLine(run.diagnosis));

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
                run.step("restart", RescueStep.Outcome.PLANNED, now, "would run: " + restart.line());
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
            try {
                SshConnection.Result result = ssh.run(restart.mergingErrors(), settings.readyTimeout());
                run.step(
                        "restart",
                        result.ok() ? RescueStep.Outcome.OK : RescueStep.Outcome.FAILED,
                        restarting,
                        restart.line() + " → exit " + result.exitStatus() + tail(result.stdout(), 3));
            } catch (SshException e) {
                run.step("restart", RescueStep.Outcome.FAILED, restarting, e.getMessage());
            }

            Instant waiting = clock.instant();
            Readiness after = waitReady(readyz, waiting.plus(settings.readyTimeout()));
            if (after.ready()) {
                run.step("wait-ready", RescueStep.Outcome.OK, waiting, "/readyz answered 200");
                return run.report("ready");
            }
            // Not back: say why, with a fresh look at the gateway, before anything drastic.
            run.diagnosis = diagnose(ssh, twin, settings, after);
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
        URI gateway = twin.gatewayUrl();
        int port = gateway.getPort() != -1
                ? gateway.getPort()
                : gateway.getScheme().equals("https") ? 443 : 80;
        return ssh.forward(gateway.getHost(), port);
    }

    /** What {@code /readyz} said. */
    record Readiness(boolean ready, String detail) {}

    private Readiness probe(URI readyz) throws InterruptedException {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(readyz).timeout(PROBE_TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Readiness(
                    response.statusCode() == 200, "/readyz " + response.statusCode() + tail(response.body(), 1));
        } catch (IOException e) {
            return new Readiness(false, "/readyz unreachable: " + SshConnection.rootMessage(e));
        }
    }

    /** Polls until ready or the deadline: no fixed wait, a gateway that is back quickly is seen at once. */
    private Readiness waitReady(URI readyz, Instant deadline) throws InterruptedException {
        Readiness last = probe(readyz);
        while (!last.ready() && clock.instant().isBefore(deadline)) {
            sleeper.sleep(POLL_INTERVAL);
            last = probe(readyz);
        }
        return last;
    }

    /** Status, disk and logs, asked at once over parallel SSH channels: diagnosis adds one round trip, not four. */
    private String diagnose(SshConnection ssh, TwinsConfig.Twin twin, TwinsConfig.Rescue settings, Readiness readiness)
            throws InterruptedException {
        RemoteCommand status = RemoteCommand.of(settings.statusCommand()).in(twin.openclawPath());
        RemoteCommand disk = RemoteCommand.withPaths(List.of(
                RemoteCommand.Word.text("df"),
                RemoteCommand.Word.text("-Pk"),
                RemoteCommand.Word.text("--"),
                RemoteCommand.Word.path(twin.openclawPath())));
        RemoteCommand logs = RemoteCommand.of(settings.logsCommand()).in(twin.openclawPath());
        try (ExecutorService parallel = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<String> statusText = parallel.submit(() -> remote(ssh, status, 10));
            Future<String> diskText = parallel.submit(() -> remote(ssh, disk, 2));
            Future<String> logText = parallel.submit(() -> remote(ssh, logs, LOG_LINES_IN_DIAGNOSIS));
            return String.join(
                    "\n",
                    "gateway " + (readiness.ready() ? "ready" : "not ready") + " (" + readiness.detail() + ")",
                    "status: " + statusText.get(),
                    "disk: " + diskText.get(),
                    "last log lines:\n" + logText.get());
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
            progress.accept(step);
        }

        RescueReport report(String outcome) {
            return new RescueReport(
                    twin, outcome, steps, Duration.between(started, clock.instant()), diagnosis, snapshot);
        }
    }
}
