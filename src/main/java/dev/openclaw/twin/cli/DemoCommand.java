package dev.openclaw.twin.cli;

import dev.openclaw.twin.demo.DemoReport;
import dev.openclaw.twin.demo.DemoRun;
import dev.openclaw.twin.demo.openclaw.NgircdServer;
import dev.openclaw.twin.demo.openclaw.OpenClawDemo;
import dev.openclaw.twin.demo.openclaw.OpenClawFlock;
import dev.openclaw.twin.demo.openclaw.OpenClawInstall;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "demo",
        header = "Watch a local flock decide who answers, with failures injected.",
        description = {
            "Starts a flock of real daemon processes on a temporary shared directory",
            "(nothing to configure) and feeds every twin the same stream of chat messages",
            "the way gateways would: routine questions, named twins, 'both of you',",
            "'just X', 'check your disk', twins talking. Prints who answered what and why.",
            "With faults on (the default) it also SIGKILLs the acting primary, SIGSTOPs",
            "twins (once between a claim and its confirm), takes the shared store away",
            "(from all twins, or one twin's mount), makes it read-only for one twin (as",
            "root), repeats short texts while claims are pruned and a twin restarts,",
            "fails a gateway and runs one twin's clock 5 min fast. Ends with a table:",
            "duplicates, unanswered, takeover and decide latency. Exit 0 when no message",
            "was answered twice or left unanswered (messages caught by two faults at once apart).",
            "",
            "With --openclaw it runs the real thing instead: two OpenClaw gateways with",
            "our plugin in one IRC channel on a local ngircd (apt-get install ngircd),",
            "each with its own daemon, on a local mock model. Node 24 and OpenClaw are",
            "installed with npm into a cache directory on first use (about a minute).",
            "A person asks routine, named, 'both of you' and 'just X' questions, then the",
            "primary's gateway is SIGKILLed; the table shows who answered, how fast and",
            "with how many model calls. Exit 0 when every answer was as the rules ask.",
            ""
        })
public final class DemoCommand implements Callable<Integer> {

    private final CliContext context;

    @Option(names = "--twins", paramLabel = "N", description = "How many twins, 2 to 5. Default: 3.")
    int twins = 3;

    @Option(names = "--messages", paramLabel = "N", description = "How many messages. Default: 40.")
    int messages = 40;

    @Option(names = "--rate", paramLabel = "R", description = "Messages per second. Default: 2.")
    double rate = 2;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the message stream and faults. Default: 1.")
    long seed = 1;

    @Option(names = "--no-faults", description = "Run without injecting failures.")
    boolean noFaults;

    @Option(
            names = "--generation-ms",
            paramLabel = "MIN-MAX",
            description = "How long a twin takes to write a reply, in ms. Default: 300-900.")
    String generation = "300-900";

    @Option(names = "--quiet", description = "Only the summary, not each message.")
    boolean quiet;

    /** To measure one kind of fault: inject only these (comma-separated, e.g. restart-mid-turn,kill). */
    @Option(names = "--only-faults", hidden = true, split = ",", paramLabel = "KIND")
    java.util.List<String> onlyFaults = java.util.List.of();

    @Option(names = "--keep", description = "Keep the temporary directory (config, state, daemon logs).")
    boolean keep;

    @Option(
            names = "--cloud",
            description = "Give each twin its own copy of a cloud-synced folder (type: cloud), synced both ways"
                    + " every second, instead of one shared directory.")
    boolean cloud;

    @Option(names = "--openclaw", description = "Run two real OpenClaw gateways in a local IRC channel.")
    boolean openClaw;

    @Option(
            names = "--openclaw-cache",
            paramLabel = "DIR",
            description = "Where Node and OpenClaw are installed for --openclaw. "
                    + "Default: ~/.cache/openclaw-twin/openclaw.")
    Path openClawCache;

    public DemoCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        if (openClaw) {
            return runOpenClaw();
        }
        if (messages < 1 || rate <= 0) {
            throw new TwinException(ExitCodes.USAGE, "demo: --messages and --rate must be positive");
        }
        String[] range = generation.split("-");
        Duration min;
        Duration max;
        try {
            min = Duration.ofMillis(Long.parseLong(range[0].strip()));
            max = range.length > 1 ? Duration.ofMillis(Long.parseLong(range[1].strip())) : min;
        } catch (NumberFormatException e) {
            throw new TwinException(
                    ExitCodes.USAGE, "demo: --generation-ms " + generation + ": expected MIN-MAX in ms");
        }
        try {
            DemoRun.names(twins);
        } catch (IllegalArgumentException e) {
            throw new TwinException(ExitCodes.USAGE, "demo: " + e.getMessage());
        }
        DemoRun.Options options =
                new DemoRun.Options(twins, messages, rate, seed, !noFaults, min, max, !quiet, keep, cloud, onlyFaults);
        // Daemons start from a class-data archive beside the OpenClaw cache (made on first use);
        // TWIN_CDS=0 turns it off, as it does for ./twin's own archives.
        java.util.Map<String, String> env = context.environment().variables();
        java.util.Optional<Path> archives = "0".equals(env.get("TWIN_CDS"))
                ? java.util.Optional.empty()
                : java.util.Optional.of(
                        OpenClawInstall.defaultDir(env, context.environment().home())
                                .resolveSibling("daemon-classes"));
        DemoRun run = new DemoRun(
                options,
                line -> {
                    context.out().println(line);
                    context.out().flush();
                },
                archives);
        // Ctrl-C: every process the demo started goes with it.
        Thread cleanup = new Thread(run::close, "twin-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            DemoReport report = run.run();
            context.out().println();
            context.out().println("Summary");
            context.out().print(report.table());
            report.problems().stream().limit(20).forEach(p -> context.out().println("  problem: " + p));
            if (keep) {
                java.nio.file.Files.write(run.directory().resolve("problems.txt"), report.problems());
                java.nio.file.Files.write(
                        run.directory().resolve("slow-decides.txt"),
                        report.decides().slowLive());
                java.nio.file.Files.write(run.directory().resolve("slow-takeovers.txt"), report.slowTakeovers());
                context.out()
                        .println(
                                "Kept " + run.directory()
                                        + " (every problem in problems.txt, live decides over 50 ms in slow-decides.txt, takeovers over 3 s and restarts mid-turn in slow-takeovers.txt)");
            }
            return report.clean() ? ExitCodes.OK : ExitCodes.FAILED;
        } finally {
            run.close();
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
    }

    private int runOpenClaw() throws Exception {
        Path plugin = OpenClawDemo.pluginDir();
        if (!Files.isRegularFile(plugin.resolve("openclaw.plugin.json"))) {
            throw new TwinException(
                    ExitCodes.FAILED,
                    "demo: the OpenClaw plugin is not at " + plugin + " (run twin from its directory)");
        }
        if (NgircdServer.binary().isEmpty()) {
            throw new TwinException(
                    ExitCodes.FAILED,
                    "demo: --openclaw needs the ngircd IRC server (Debian: apt-get install ngircd; macOS: brew install ngircd)");
        }
        OpenClawInstall install = new OpenClawInstall(
                openClawCache != null
                        ? openClawCache
                        : OpenClawInstall.defaultDir(
                                context.environment().variables(),
                                context.environment().home()));
        PrintWriter out = context.out();
        if (!install.installed()) {
            try {
                install.install(out);
            } catch (IOException e) {
                throw new TwinException(ExitCodes.FAILED, "demo: " + e.getMessage());
            }
        }
        Path dir = Files.createTempDirectory("twin-demo-openclaw-");
        boolean ok = false;
        OpenClawFlock[] running = new OpenClawFlock[1];
        // Ctrl-C: every process the demo started goes with it.
        Thread cleanup = new Thread(
                () -> {
                    if (running[0] != null) {
                        running[0].close();
                    }
                },
                "twin-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            out.println("Starting a flock of two real OpenClaw gateways in " + dir);
            out.flush();
            running[0] = OpenClawFlock.start(install, plugin, dir, step -> {
                out.println("  " + step + "...");
                out.flush();
            });
            ok = new OpenClawDemo(running[0], out).run();
            return ok ? ExitCodes.OK : ExitCodes.FAILED;
        } finally {
            if (running[0] != null) {
                running[0].close();
            }
            Runtime.getRuntime().removeShutdownHook(cleanup);
            if (keep || !ok) {
                out.println("Kept " + dir + " (gateway, daemon and model logs)");
            } else {
                DemoRun.deleteDirectory(dir);
            }
        }
    }
}
