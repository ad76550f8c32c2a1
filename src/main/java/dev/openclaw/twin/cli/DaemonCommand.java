package dev.openclaw.twin.cli;

import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.daemon.Daemon;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "daemon",
        header = "Run beside a twin's gateway: heartbeats, twin-primary.json, HTTP API.",
        description = "Run beside one twin's OpenClaw gateway: publish heartbeats to the shared store, watch "
                + "the gateway and the other twins, keep twin-primary.json current and serve the HTTP API "
                + "(/healthz, /v1/status, /metrics) on daemon.bind:daemon.port. Stops cleanly on "
                + "SIGTERM/Ctrl-C, leaving a 'stopped' heartbeat so the other twins know at once.")
public final class DaemonCommand implements Callable<Integer> {

    private final CliContext context;

    @Mixin
    ConfigOption config;

    @Option(
            names = "--twin",
            paramLabel = "NAME",
            description = "Which twin this is. Default: the twin whose name or hostname is this host's name.")
    String twin;

    @Option(names = "--port", paramLabel = "P", description = "HTTP port (0: any free port). Default: daemon.port.")
    Integer port;

    /** Test hook: run with a wrong wall clock, to prove liveness never trusts it. */
    @Option(names = "--clock-skew", hidden = true, paramLabel = "DURATION")
    Duration clockSkew = Duration.ZERO;

    /**
     * Test hook: delete claims older than this (default a day), so that a fault-injection run of
     * seconds sees claims pruned under repeated texts. Refused below what the flock's timings need.
     */
    @Option(names = "--claim-retention", hidden = true, paramLabel = "DURATION")
    Duration claimRetention = Daemon.CLAIM_RETENTION;

    public DaemonCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InterruptedException {
        TwinsConfig loaded = config.load(context);
        loaded.warnings().forEach(w -> context.err().println("warning: " + w));
        String name = twin != null ? ConfigOption.requireTwin(loaded, twin) : twinOfThisHost(loaded);
        Clock clock = Clock.offset(context.clock(), clockSkew);
        if (claimRetention.compareTo(Daemon.minimumClaimRetention(loaded)) < 0) {
            throw new TwinException(
                    ExitCodes.USAGE,
                    "--claim-retention " + claimRetention + " is below " + Daemon.minimumClaimRetention(loaded)
                            + " for this flock's timings");
        }
        Daemon daemon;
        try {
            daemon = new Daemon(
                    loaded,
                    name,
                    SharedStore.open(loaded),
                    clock,
                    System::nanoTime,
                    VersionCommand.version(),
                    port != null ? port : loaded.daemon().port(),
                    claimRetention);
        } catch (Daemon.StartFailure e) {
            // One line with the fix (a port in use, a bind address not of this host), no stack trace.
            throw new TwinException(ExitCodes.FAILED, e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            daemon.close();
                            stopped.countDown();
                        },
                        "twin-daemon-shutdown"));
        daemon.start();
        stopped.await();
        return ExitCodes.OK;
    }

    static String twinOfThisHost(TwinsConfig config) {
        String host = localHostName()
                .orElseThrow(
                        () -> new TwinException(ExitCodes.USAGE, "cannot tell this host's name; pass --twin NAME"));
        List<String> matches = twinsOnThisHost(config);
        if (matches.size() != 1) {
            throw new TwinException(
                    ExitCodes.USAGE,
                    "this host ('" + host + "') "
                            + (matches.isEmpty()
                                    ? "is no twin's name or hostname"
                                    : "matches " + String.join(" and ", matches))
                            + "; pass --twin NAME");
        }
        return matches.getFirst();
    }

    /** The twins whose name or hostname is this host's name (full or first label). */
    static List<String> twinsOnThisHost(TwinsConfig config) {
        Optional<String> host = localHostName();
        if (host.isEmpty()) {
            return List.of();
        }
        String full = host.get();
        List<String> names = List.of(full, full.contains(".") ? full.substring(0, full.indexOf('.')) : full);
        return config.twins().values().stream()
                .filter(t -> names.contains(t.name().toLowerCase(Locale.ROOT))
                        || names.contains(t.hostname().toLowerCase(Locale.ROOT)))
                .map(TwinsConfig.Twin::name)
                .toList();
    }

    /** The twin this host is, for the record; else the host's name, else {@code fallback}. */
    static String thisTwinOrHost(TwinsConfig config, String fallback) {
        List<String> here = twinsOnThisHost(config);
        return here.size() == 1 ? here.getFirst() : localHostName().orElse(fallback);
    }

    static Optional<String> localHostName() {
        try {
            return Optional.of(InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
