package dev.openclaw.twin.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A whole demonstration (and fault-injection) run: a local flock of real daemon processes on a
 * temporary shared directory, simulated gateways feeding it a stream of channel messages, the
 * nemesis (when faults are on), and the checker's report at the end. Cleans up every process it
 * started, also when interrupted.
 */
public final class DemoRun implements AutoCloseable {

    private static final List<String> NAMES = List.of("tars", "case", "kipp", "plex", "cooper");
    /** The shortest the demo's timings allow ({@code Daemon.minimumClaimRetention}); a day in production. */
    static final Duration HARNESS_CLAIM_RETENTION = Duration.ofSeconds(10);

    /**
     * @param rate messages per second
     * @param generation how long a twin takes to produce a reply, min and max
     * @param narrate print each message and answer as it happens
     * @param cloud each twin its own copy of a cloud-synced folder instead of one shared directory
     * @param onlyFaults inject only these kinds of fault ({@code restart-mid-turn}...; empty: all)
     */
    public record Options(
            int twins,
            int messages,
            double rate,
            long seed,
            boolean faults,
            Duration generationMin,
            Duration generationMax,
            boolean narrate,
            boolean keep,
            boolean cloud,
            List<String> onlyFaults) {}

    private final Options options;
    private final Consumer<String> out;
    private final Optional<Path> classArchives;
    private final long started = System.nanoTime();
    private Path dir;
    private SimulatedGateways gateways;
    private LocalFlock flock;
    private Nemesis nemesis;
    private Thread nemesisThread;

    public DemoRun(Options options, Consumer<String> out) {
        this(options, out, Optional.empty());
    }

    /** @param classArchives where the daemons' class-data archive is kept (see {@link DaemonClassArchive}) */
    public DemoRun(Options options, Consumer<String> out, Optional<Path> classArchives) {
        this.options = options;
        this.out = out;
        this.classArchives = classArchives;
    }

    public static List<String> names(int count) {
        if (count < 2 || count > NAMES.size()) {
            throw new IllegalArgumentException("--twins must be 2 to " + NAMES.size());
        }
        return NAMES.subList(0, count);
    }

    public DemoReport run() throws IOException, InterruptedException {
        List<String> twins = names(options.twins());
        dir = Files.createTempDirectory("twin-demo-");
        // With faults on, the last twin's clock is five minutes fast: liveness must not care.
        Map<String, Duration> skews = options.faults() ? Map.of(twins.getLast(), Duration.ofMinutes(5)) : Map.of();
        History history = new History(options.narrate() ? this::say : line -> {});
        gateways = new SimulatedGateways(
                twins, history, options.generationMin(), options.generationMax(), skews, options.seed());
        flock = new LocalFlock(
                dir, twins, LocalFlock.Timings.DEMO, gateways.gatewayPorts(), gateways.takeoverUrl(), skews, cloud());
        gateways.attach(flock);
        classArchives.ifPresent(flock::classArchivesIn);
        flock.recordStartsIn(history);
        if (options.faults()) {
            // Claims pruned within the run, under repeated texts (the nemesis's repeat bursts).
            flock.claimRetention(HARNESS_CLAIM_RETENTION);
        }
        say("starting " + twins.size() + " daemons (" + String.join(", ", twins) + ") on "
                + (options.cloud()
                        ? "their own copies of a cloud folder, synced every "
                                + LocalFlock.CloudFolder.DEMO.interval().toMillis() + " ms via " + flock.stateDir()
                        : flock.stateDir()));
        flock.startAll();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!flock.allOnline()) {
            if (System.nanoTime() > deadline) {
                throw new IOException("the daemons did not come online within 90 s; see the logs in " + dir);
            }
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
        }
        say("all online; sending " + options.messages() + " messages at " + options.rate() + "/s"
                + (options.faults() ? ", with faults" : ""));
        if (options.faults()) {
            nemesis = new Nemesis(
                    flock,
                    gateways,
                    history,
                    options.seed(),
                    options.onlyFaults().stream()
                            .map(Nemesis.Kind::ofOption)
                            .collect(java.util.stream.Collectors.toSet()));
            nemesisThread = Thread.ofPlatform().name("demo-nemesis").daemon().start(nemesis);
        }
        Nemesis faults = nemesis;
        MessageStream stream = new MessageStream(
                twins, new Random(options.seed()), options.rate(), () -> faults != null && faults.repeatsOften());
        long start = System.nanoTime();
        for (int i = 0; i < options.messages(); i++) {
            long due = start + (long) (i * 1e9 / options.rate());
            LockSupport.parkNanos(due - System.nanoTime()); // pacing the load, not waiting on a condition
            MessageStream.Next next = stream.next();
            gateways.send(i, next.kind(), next.sender(), next.text());
        }
        stopNemesis();
        drain();
        return DemoReport.check(history, nemesis == null ? List.of() : nemesis.failoverMillis());
    }

    private Optional<LocalFlock.CloudFolder> cloud() {
        return options.cloud() ? Optional.of(LocalFlock.CloudFolder.DEMO) : Optional.empty();
    }

    /** Waits for replies in flight and takeovers still due; bounded. */
    private void drain() {
        // Longest path: a takeover after every rank's delay, a revocation, a generation, a confirm;
        // on a cloud folder, a new arbiter's wait for the folder's sync on top.
        long quiet = Duration.ofSeconds(3L * options.twins())
                .plus(options.generationMax())
                .plusSeconds(3)
                .plus(cloud().map(c -> c.syncLag().multipliedBy(3)).orElse(Duration.ZERO))
                .toNanos();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        long idleSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            if (gateways.inFlight() > 0) {
                idleSince = System.nanoTime();
            } else if (System.nanoTime() - idleSince > quiet) {
                return;
            }
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
    }

    private void stopNemesis() throws InterruptedException {
        if (nemesis != null) {
            nemesis.stop();
            nemesisThread.join(Duration.ofSeconds(30));
        }
    }

    private void say(String line) {
        out.accept(String.format("[%6.1fs] %s", (System.nanoTime() - started) / 1e9, line));
    }

    public Path directory() {
        return dir;
    }

    @Override
    public void close() {
        if (nemesis != null) {
            nemesis.stop();
        }
        if (flock != null) {
            flock.close();
            try {
                flock.restoreAll();
            } catch (IOException e) {
                // the temporary directory is deleted below anyway
            }
        }
        if (gateways != null) {
            gateways.close();
        }
        if (dir != null && !options.keep()) {
            try {
                deleteDirectory(dir);
            } catch (IOException e) {
                out.accept("could not delete " + dir + ": " + e.getMessage());
            }
        }
    }

    /** Deletes a demo's temporary directory and everything in it. */
    public static void deleteDirectory(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The simulated channel's traffic: mostly routine questions, plus each kind the rules treat apart. */
    static final class MessageStream {
        record Next(String kind, String sender, String text) {}

        private static final String HUMAN = "human!~human@127.0.0.1";
        private final List<String> twins;
        private final Random random;
        /** A person says the same short thing again, but not within seconds. */
        private static final double REPEAT_GAP_SECONDS = 3;

        private final List<String> repeatable = new ArrayList<>(List.of("hi", "thanks!", "ok", "lol", "+1", "nice"));
        private final Map<String, Double> lastSaid = new java.util.HashMap<>();
        private final double rate;
        private final java.util.function.BooleanSupplier repeatsOften;
        private int n;

        MessageStream(List<String> twins, Random random, double rate) {
            this(twins, random, rate, () -> false);
        }

        /** @param repeatsOften while true, a repeatable text is said whenever its gap allows */
        MessageStream(List<String> twins, Random random, double rate, java.util.function.BooleanSupplier repeatsOften) {
            this.twins = twins;
            this.random = random;
            this.rate = rate;
            this.repeatsOften = repeatsOften;
        }

        Next next() {
            n++;
            int roll = random.nextInt(100);
            String twin = twins.get(random.nextInt(twins.size()));
            if (roll < 70 && !(roll < 30 && repeatsOften.getAsBoolean())) {
                return new Next("routine", HUMAN, "question " + n + ": what is " + n + " squared?");
            } else if (roll < 76) {
                String text = repeatable.get(random.nextInt(repeatable.size()));
                double now = n / rate;
                if (now - lastSaid.getOrDefault(text, -REPEAT_GAP_SECONDS) >= REPEAT_GAP_SECONDS) {
                    lastSaid.put(text, now);
                    return new Next("repeat", HUMAN, text);
                }
                return new Next("routine", HUMAN, "question " + n + ": what is " + n + " squared?");
            } else if (roll < 84) {
                return new Next("named", HUMAN, twin + ", what time is it where you are? (" + n + ")");
            } else if (roll < 88) {
                return new Next("both", HUMAN, "both of you, say hello (" + n + ")");
            } else if (roll < 92) {
                return new Next("just", HUMAN, "just " + twin + ": summarise the news (" + n + ")");
            } else if (roll < 96) {
                return new Next("machine", HUMAN, "check your disk space please (" + n + ")");
            }
            return new Next("from-twin", twin + "!~" + twin + "@127.0.0.1", "I think the answer is " + n);
        }
    }
}
