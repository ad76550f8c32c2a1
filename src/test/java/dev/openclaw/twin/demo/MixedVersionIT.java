package dev.openclaw.twin.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.openclaw.twin.testing.PreviousBuild;
import dev.openclaw.twin.testing.TwinLauncher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Upgrades happen one twin at a time, so a flock must keep answering each message exactly once
 * while one twin still runs the previous version: three real daemons on one share, one of them
 * started from a build of the previous release ({@code -Dtwin.previous.commit}, built once and
 * cached under {@code target/previous-<hash>/}), the others from this build. Messages come over
 * IRC (content keys) and Telegram (global ids), the acting primary is SIGKILLed and restarted once,
 * so a takeover crosses versions; the old twin is the primary of the day in one run, the first
 * standby (the one that takes over) in the other. Both builds' {@code twin status} must see all
 * three twins' heartbeats.
 */
class MixedVersionIT {

    /** The last released main before incarnations, repeats files and stricter share reading. */
    static final String PREVIOUS_COMMIT = "5cab4131c7694b74af7584c23ad6df01e18677b1";

    private static final int MESSAGES = 150;
    private static final double RATE = 10;
    private static final long SEED = 11;
    private static final Duration GENERATION_MIN = Duration.ofMillis(50);
    private static final Duration GENERATION_MAX = Duration.ofMillis(150);
    private static final JsonMapper JSON = new JsonMapper();
    /** The message a checker's problem is about, and whether it is that nobody answered it. */
    private static final Pattern PROBLEM = Pattern.compile("^#(\\d+) ");

    private static final Pattern UNANSWERED =
            Pattern.compile(": (unanswered|nobody answered|the named twin never answered)");

    private static PreviousBuild previous;
    private static String previousClassPath;
    /** Why there is no previous build (each test is skipped with it, so the report counts them). */
    private static String unavailable;

    @BeforeAll
    static void buildPreviousVersion() throws Exception {
        String commit = System.getProperty("twin.previous.commit", PREVIOUS_COMMIT);
        try {
            previous = PreviousBuild.obtain(TwinLauncher.REPO, commit, System.out::println);
        } catch (PreviousBuild.Unavailable e) {
            String message = "MixedVersionIT SKIPPED, the upgrade is NOT tested: " + e.getMessage();
            System.err.println("*".repeat(100) + "\n" + message + "\n" + "*".repeat(100));
            unavailable = message;
            return;
        }
        previousClassPath = previous.classPath();
    }

    @Test
    void previousVersionAsPrimaryOfTheDay() throws Exception {
        runMixedFlock(0);
    }

    @Test
    void previousVersionAsFirstStandby() throws Exception {
        runMixedFlock(1);
    }

    /** @param rank of the old twin in today's takeover order: 0 the primary, 1 the first standby */
    private void runMixedFlock(int rank) throws Exception {
        Assumptions.assumeTrue(unavailable == null, unavailable);
        List<String> twins = DemoRun.names(3);
        // LocalFlock's rotation: round-robin over twins, so today's order starts at epochDay mod 3.
        int primaryIndex = (int) Math.floorMod(LocalDate.now(ZoneOffset.UTC).toEpochDay(), twins.size());
        String primary = twins.get(primaryIndex);
        String old = twins.get((primaryIndex + rank) % twins.size());
        Path dir = Files.createTempDirectory("twin-mixed-");
        History history = new History(line -> {});
        long started = System.nanoTime();
        boolean passed = false;
        try (SimulatedGateways gateways =
                        new SimulatedGateways(twins, history, GENERATION_MIN, GENERATION_MAX, Map.of(), SEED);
                LocalFlock flock = new LocalFlock(
                        dir,
                        twins,
                        LocalFlock.Timings.DEMO,
                        gateways.gatewayPorts(),
                        gateways.takeoverUrl(),
                        Map.of())) {
            flock.classPath(old, previousClassPath);
            gateways.attach(flock);
            say(
                    started,
                    old + " runs " + previous.commit().substring(0, 8) + ", the others this build; primary " + primary
                            + "; in " + dir);
            flock.startAll();
            await("every daemon sees every twin online")
                    .atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(200))
                    .until(flock::allOnline);
            for (String viewer : twins) {
                assertThat(flock.status(viewer).get("primary").asString())
                        .as("the primary of the day, as %s sees it", viewer)
                        .isEqualTo(primary);
            }
            assertStatusCliSeesAllOnline(flock, twins);
            say(started, "all online; " + MESSAGES + " messages at " + RATE + "/s, the acting primary killed once");

            Nemesis nemesis = new Nemesis(flock, gateways, history, SEED);
            AtomicReference<Throwable> killFailed = new AtomicReference<>();
            Thread killer = null;
            DemoRun.MessageStream stream = new DemoRun.MessageStream(twins, new Random(SEED), RATE);
            long start = System.nanoTime();
            for (int i = 0; i < MESSAGES; i++) {
                long due = start + (long) (i * 1e9 / RATE);
                LockSupport.parkNanos(due - System.nanoTime()); // pacing the load, not waiting on a condition
                if (i == MESSAGES / 4) {
                    killer = Thread.ofPlatform().name("mixed-kill").start(() -> {
                        try {
                            nemesis.killActingPrimary();
                        } catch (Exception | AssertionError e) {
                            killFailed.set(e);
                        }
                    });
                }
                DemoRun.MessageStream.Next next = stream.next();
                gateways.send(i, next.kind(), next.sender(), next.text(), i % 2 == 0);
            }
            killer.join(Duration.ofSeconds(60));
            assertThat(killFailed.get()).as("the SIGKILL and restart").isNull();
            drain(gateways);
            await("the restarted twin is back online")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> twins.stream().allMatch(flock::running) && flock.allOnline());
            assertStatusCliSeesAllOnline(flock, twins);

            DemoReport report = DemoReport.check(history, nemesis.failoverMillis());
            System.out.println(report.table());
            report.problems().forEach(p -> System.out.println("problem: " + p));
            long answeredByOld = history.logs().stream()
                    .flatMap(l -> l.answers().stream())
                    .filter(a -> a.twin().equals(old))
                    .count();
            say(started, old + " (previous version) answered " + answeredByOld + " messages");

            // A decide or confirm whose answer was lost (it timed out on an overloaded machine, or
            // the daemon was SIGKILLed while answering) made the plugin fail closed: such a message
            // may go unanswered whatever the versions. Those (only unanswered, and few) are
            // reported apart; every other problem fails the test.
            Set<Integer> lost = gateways.lostReplies();
            List<String> excused = new ArrayList<>();
            List<String> problems = new ArrayList<>();
            for (String problem : report.problems()) {
                Matcher m = PROBLEM.matcher(problem);
                int index = m.find() ? Integer.parseInt(m.group(1)) : -1;
                boolean unanswered = UNANSWERED.matcher(problem).find();
                (unanswered && lost.contains(index) ? excused : problems).add(problem + "; " + details(history, index));
            }
            excused.forEach(p -> System.out.println("apart (a daemon's answer was lost): " + p));

            assertThat(gateways.rejected())
                    .as("requests of this build's plugin a daemon refused")
                    .isEmpty();
            assertThat(report.failoverMillis())
                    .as("the acting primary was killed and another took over")
                    .isNotEmpty();
            // The primary dies: as the old twin, a new one takes over; else the old twin (first standby) does.
            assertThat(history.faults())
                    .extracting(History.Fault::twin)
                    .as("the twin SIGKILLed")
                    .containsExactly(primary);
            assertThat(report.routine()).isGreaterThan(MESSAGES / 3);
            assertThat(answeredByOld).as("the previous version took part").isPositive();
            assertThat(problems).isEmpty();
            assertThat(report.duplicates()).isZero();
            assertThat(report.fromTwinAnswered()).as("a twin answered another").isZero();
            assertThat(report.wrongResponder()).isZero();
            assertThat(excused)
                    .as("messages whose decide or confirm answer was lost: the machine is too loaded to tell")
                    .hasSizeLessThanOrEqualTo(MESSAGES / 10);
            passed = true;
        } finally {
            if (passed) {
                DemoRun.deleteDirectory(dir);
            } else {
                System.out.println("kept the share and the daemons' logs in " + dir);
            }
        }
    }

    /** What the checker's problem line leaves out: refusals at confirm and takeovers dispatched. */
    private static String details(History history, int index) {
        return history.logs().stream()
                .filter(l -> l.sent().index() == index)
                .map(l -> "decides failed " + l.failedDecides + ", confirms refused or failed " + l.refused
                        + ", dispatches " + l.dispatches())
                .findFirst()
                .orElse("");
    }

    /** {@code twin status --json} of both builds, from the share alone, shows every twin online. */
    private static void assertStatusCliSeesAllOnline(LocalFlock flock, List<String> twins) {
        for (String classPath : List.of(previousClassPath, System.getProperty("java.class.path"))) {
            String build = classPath.equals(previousClassPath) ? "the previous build" : "this build";
            await("twin status --json of " + build + " shows all online")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> {
                        JsonNode status = statusCli(classPath, flock.config());
                        List<String> online = new ArrayList<>();
                        status.get("twins").forEach(t -> {
                            if (t.get("state").asString().equals("online")) {
                                online.add(t.get("name").asString());
                            }
                        });
                        assertThat(online).as(build + ": " + status).containsExactlyInAnyOrderElementsOf(twins);
                    });
        }
    }

    private static JsonNode statusCli(String classPath, Path config) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(
                        ProcessHandle.current().info().command().orElse("java"),
                        "-Xmx64m",
                        "-XX:TieredStopAtLevel=1",
                        "-cp",
                        classPath,
                        "dev.openclaw.twin.cli.Main",
                        "status",
                        "--json",
                        "--config",
                        config.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return JSON.readTree(new String(out, StandardCharsets.UTF_8));
    }

    /** Waits for replies in flight and takeovers still due (DemoRun's rule for three twins); bounded. */
    private static void drain(SimulatedGateways gateways) {
        long quiet =
                Duration.ofSeconds(3L * 3).plus(GENERATION_MAX).plusSeconds(3).toNanos();
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

    private static void say(long started, String line) {
        System.out.printf("[%6.1fs] %s%n", (System.nanoTime() - started) / 1e9, line);
    }
}
