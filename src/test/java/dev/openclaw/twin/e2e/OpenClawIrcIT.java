package dev.openclaw.twin.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.openclaw.twin.demo.LocalFlock;
import dev.openclaw.twin.demo.openclaw.IrcClient;
import dev.openclaw.twin.demo.openclaw.MockLlm;
import dev.openclaw.twin.demo.openclaw.NgircdServer;
import dev.openclaw.twin.demo.openclaw.OpenClawFlock;
import dev.openclaw.twin.demo.openclaw.OpenClawInstall;
import dev.openclaw.twin.testing.TwinLauncher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The product end to end: two real OpenClaw gateways (nicks tars and case) in one IRC channel on a
 * real ngircd, each with our plugin and its own daemon over one shared state directory, both on a
 * mock model that counts calls; this test plays the human. Without coordination this setup
 * answers one message 62 times in 15 s; here every message gets the answers the rules ask for.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenClawIrcIT {

    private static final List<String> TWINS = List.of("tars", "case");
    private static final Duration REPLY = Duration.ofSeconds(60);
    /** How long the channel must stay quiet after the expected replies (a loop would show). */
    private static final Duration QUIET = Duration.ofSeconds(6);

    static final OpenClawInstall INSTALL = new OpenClawInstall(TwinLauncher.REPO.resolve(".cache/openclaw"));

    private Path dir;
    private OpenClawFlock world;
    private MockLlm llm;
    private LocalFlock flock;
    private IrcClient human;

    @BeforeAll
    void startTheFlock() throws Exception {
        assumeTrue(
                NgircdServer.binary().isPresent(),
                "ngircd is not installed (apt-get install ngircd; .ci/run does it): skipping the OpenClaw end-to-end test");
        assumeTrue(
                INSTALL.installed(),
                "Node 24 and openclaw@2026.9.6 are not installed in .cache/openclaw (.ci/run installs them): skipping");
        dir = Files.createTempDirectory("twin-e2e-");
        world = OpenClawFlock.start(INSTALL, TwinLauncher.REPO.resolve("openclaw-plugin"), dir, step -> {});
        llm = world.model();
        flock = world.daemons();
        human = world.human();
    }

    @AfterAll
    void stopTheFlock() throws Exception {
        printDecideLatency();
        if (human != null) {
            // The channel as the human saw it, for reading when a test fails.
            Files.write(
                    dir.resolve("irc-transcript.log"),
                    human.transcript().stream()
                            .map(l -> l.atNanos() + " <" + l.nick() + "> " + l.text())
                            .toList());
        }
        if (world != null) {
            world.close();
        }
        if (dir != null) {
            // Keep the logs beside the test reports.
            Path logs = Files.createDirectories(TwinLauncher.REPO.resolve("target/failsafe-reports/e2e-logs"));
            try (Stream<Path> files = Files.list(dir)) {
                for (Path log : files.filter(p -> p.toString().endsWith(".log")).toList()) {
                    Files.copy(log, logs.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** What the plugin's decide costs inside each daemon (the HTTP hop on loopback adds ~1 ms). */
    private void printDecideLatency() {
        if (flock == null) {
            return;
        }
        for (String twin : TWINS) {
            try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
                String metrics = http.send(
                                java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                                                "http://127.0.0.1:" + flock.daemonPort(twin) + "/metrics"))
                                        .build(),
                                java.net.http.HttpResponse.BodyHandlers.ofString())
                        .body();
                double sum = metricValue(metrics, "twin_decide_seconds_sum");
                double count = metricValue(metrics, "twin_decide_seconds_count");
                System.out.printf(
                        "decide inside the %s daemon: %d decides, mean %.2f ms%n",
                        twin, (long) count, count == 0 ? 0 : sum / count * 1000);
            } catch (Exception e) {
                System.out.println("no metrics from " + twin + ": " + e.getMessage());
            }
        }
    }

    /** The duty answers a twin's daemon gave, {@code run} true or false (0 if it cannot be read). */
    private double duties(String twin, boolean run) {
        try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
            String metrics = http.send(
                            java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                                            "http://127.0.0.1:" + flock.daemonPort(twin) + "/metrics"))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString())
                    .body();
            return metrics.lines()
                    .filter(l -> l.startsWith("twin_duties_total{") && l.contains("run=\"" + run + "\""))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                    .sum();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /**
     * Fires the heartbeat of every gateway in {@code twins} at once, as their schedules would, and
     * returns the twins whose daemon let it run; asserts one model call per run.
     */
    private List<String> heartbeatRunsWhenFiredOn(List<String> twins) throws Exception {
        Map<String, Double> ranBefore = new java.util.HashMap<>();
        double askedBefore = 0;
        for (String twin : twins) {
            ranBefore.put(twin, duties(twin, true));
            askedBefore += duties(twin, true) + duties(twin, false);
        }
        int callsBefore = llm.calls();
        CompletableFuture.allOf(twins.stream()
                        .map(twin -> CompletableFuture.runAsync(() -> {
                            try {
                                world.gateway(twin).wakeHeartbeat("check the flock");
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        }))
                        .toArray(CompletableFuture[]::new))
                .join();
        double asked = askedBefore;
        await().atMost(REPLY)
                .until(() -> twins.stream()
                                .mapToDouble(t -> duties(t, true) + duties(t, false))
                                .sum()
                        >= asked + twins.size());
        List<String> ran =
                twins.stream().filter(t -> duties(t, true) > ranBefore.get(t)).toList();
        await().atMost(REPLY).until(() -> llm.calls() - callsBefore >= ran.size());
        await().during(QUIET).atMost(QUIET.plusSeconds(5)).until(() -> llm.calls() - callsBefore == ran.size());
        return ran;
    }

    private static double metricValue(String text, String name) {
        return text.lines()
                .filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    /** Says {@code text}; waits for {@code expected} replies, then for quiet; returns the repliers. */
    private List<String> say(String text, int expected) {
        long start = System.nanoTime();
        int callsBefore = llm.calls();
        human.say(text);
        await().atMost(REPLY).until(() -> human.since(start, "human").size() >= expected);
        await().during(QUIET)
                .atMost(QUIET.plusSeconds(5))
                .until(() -> human.since(start, "human").size() == expected);
        assertThat(llm.calls() - callsBefore)
                .as("model calls for '" + text + "'")
                .isEqualTo(expected);
        return human.since(start, "human").stream()
                .map(l -> OpenClawFlock.twinOf(l.nick()))
                .toList();
    }

    @Test
    @Order(10)
    void aRoutineMessageGetsExactlyOneReplyFromThePrimaryAndNoLoop() {
        String primary = world.actingPrimary();
        assertThat(say("what is the capital of Peru?", 1)).containsExactly(primary);
    }

    @Test
    @Order(15)
    void aHeartbeatFiredOnEveryGatewayRunsOnceOnTheActingPrimary() throws Exception {
        String primary = world.actingPrimary();
        assertThat(heartbeatRunsWhenFiredOn(TWINS)).containsExactly(primary);
        assertThat(heartbeatRunsWhenFiredOn(TWINS)).as("the next slot").containsExactly(primary);
    }

    @Test
    @Order(20)
    void aNamedTwinAnswersAlone() {
        String other = world.actingPrimary().equals("tars") ? "case" : "tars";
        assertThat(say(other + ", what is two plus two?", 1)).containsExactly(other);
    }

    @Test
    @Order(30)
    void bothOfYouGetsOneReplyFromEach() {
        assertThat(say("both of you, say hello", 2)).containsExactlyInAnyOrderElementsOf(TWINS);
    }

    @Test
    @Order(40)
    void justXIsAnsweredByXOnly() {
        String other = world.actingPrimary().equals("tars") ? "case" : "tars";
        assertThat(say("just " + other + ": what day is it?", 1)).containsExactly(other);
    }

    @Test
    @Order(50)
    void theSameTextTwiceGetsTwoAnswersOneEachTime() {
        String primary = world.actingPrimary();
        assertThat(say("ping", 1)).containsExactly(primary);
        assertThat(say("ping", 1)).containsExactly(primary);
    }

    @Test
    @Order(55)
    void aMessageForTheStandbyIsNotHeldUpBehindTheBusyPrimary() {
        String primary = world.actingPrimary();
        String other = primary.equals("tars") ? "case" : "tars";
        long start = System.nanoTime();
        human.say("explain slowly how tides work");
        human.say(other + ", quick: what is 3 times 3?");
        // The standby's gateway stayed free (its decide said silent at once): it answers while the
        // primary is still writing its slow reply.
        await().atMost(REPLY)
                .until(() -> human.since(start, "human").stream()
                        .anyMatch(l -> OpenClawFlock.twinOf(l.nick()).equals(other)));
        IrcClient.Line first = human.since(start, "human").getFirst();
        assertThat(OpenClawFlock.twinOf(first.nick())).isEqualTo(other);
        await().atMost(REPLY).until(() -> human.since(start, "human").size() >= 2);
        await().during(QUIET)
                .atMost(QUIET.plusSeconds(5))
                .until(() -> human.since(start, "human").size() == 2);
        assertThat(human.since(start, "human").stream().map(l -> OpenClawFlock.twinOf(l.nick())))
                .containsExactlyInAnyOrder(primary, other);
        System.out.printf(
                "named standby answered %.1f s after the message, the busy primary %.1f s%n",
                (first.atNanos() - start) / 1e9,
                (human.since(start, "human").getLast().atNanos() - start) / 1e9);
    }

    @Test
    @Order(60)
    void withThePrimarysDaemonKilledItsGatewayGoesSilentAndTheOtherAnswers() throws Exception {
        String primary = world.actingPrimary();
        String other = primary.equals("tars") ? "case" : "tars";
        flock.kill(primary);
        assertThat(say("who answers now?", 1)).containsExactly(other);
        flock.start(primary);
        await().atMost(Duration.ofSeconds(30)).until(flock::allOnline);
    }

    @Test
    @Order(65)
    void whenThePrimarysDaemonRestartsMidTurnExactlyOneReplyReachesTheChannel() throws Exception {
        // Right after the previous case restarted a daemon, the twins may not yet agree who answers
        // (a gateway not yet probed): the case needs the primary, seen by both, to claim the message.
        await().atMost(REPLY).until(this::bothAgreeOnTheActingPrimaryWithEveryGatewayReady);
        String primary = world.actingPrimary();
        String other = OpenClawFlock.other(primary);
        Path primaryLog = dir.resolve(primary + ".log");
        long refusedBefore = logLines(primaryLog, "confirm for a message never decided here");
        String oldRun = incarnation(primary);
        int callsBefore = llm.calls();
        long start = System.nanoTime();
        human.say("take your time and tell me about the Andes");
        // The primary has claimed it and its gateway is waiting on the model (20 s for this one)...
        await().atMost(REPLY).until(() -> llm.prompts().stream().anyMatch(p -> p.contains("take your time")));
        // ...when its daemon dies and its service manager starts it again: same port, same config.
        flock.kill(primary);
        long restarted = System.nanoTime();
        java.time.Instant restartedAt = java.time.Instant.now();
        flock.start(primary);
        await().atMost(REPLY).until(() -> incarnation(primary) != null);
        double upAfter = (System.nanoTime() - restarted) / 1e9;
        assertThat(incarnation(primary)).as("a new run of the daemon").isNotEqualTo(oldRun);
        // The new run never decided the message, so it refuses the gateway's confirm; the other twin
        // sees the holder's new run, revokes the claim and answers through its own gateway.
        await().atMost(REPLY).until(() -> !human.since(start, "human").isEmpty());
        await().during(QUIET)
                .atMost(QUIET.plusSeconds(5))
                .until(() -> human.since(start, "human").size() == 1);
        IrcClient.Line reply = human.since(start, "human").getFirst();
        assertThat(OpenClawFlock.twinOf(reply.nick())).isEqualTo(other);
        await().atMost(REPLY)
                .alias("the primary's gateway confirmed with the new run, which refused")
                .until(() -> logLines(primaryLog, "confirm for a message never decided here") > refusedBefore);
        await().during(QUIET)
                .atMost(QUIET.plusSeconds(5))
                .until(() -> human.since(start, "human").size() == 1);
        assertThat(llm.calls() - callsBefore)
                .as("the primary's cancelled turn and the takeover")
                .isEqualTo(2);
        // When and why the other twin revoked the claim, from its daemon's log (ISO instants first).
        String revoked;
        try (Stream<String> lines = Files.lines(dir.resolve(other + ".log"))) {
            revoked = lines.filter(l -> l.contains("revoked ") && l.contains("from " + primary))
                    .filter(l -> java.time.Instant.parse(l.substring(0, l.indexOf(' ')))
                            .isAfter(restartedAt))
                    .findFirst()
                    .orElseThrow();
        }
        System.out.printf(
                "takeover after the primary's daemon restarted mid-turn: daemon up %.1f s after the kill,"
                        + " claim revoked %.1f s after it %s, reply %.1f s after it (%s)%n",
                upAfter,
                Duration.between(restartedAt, java.time.Instant.parse(revoked.substring(0, revoked.indexOf(' '))))
                                .toMillis()
                        / 1e3,
                revoked.substring(revoked.lastIndexOf('(')),
                (reply.atNanos() - restarted) / 1e9,
                reply.nick());
        await().atMost(Duration.ofSeconds(30)).until(flock::allOnline);
    }

    private boolean bothAgreeOnTheActingPrimaryWithEveryGatewayReady() {
        java.util.Set<String> primaries = new java.util.HashSet<>();
        for (String twin : TWINS) {
            var status = flock.status(twin);
            if (status == null || !status.hasNonNull("actingPrimary")) {
                return false;
            }
            primaries.add(status.get("actingPrimary").asString());
            for (var t : status.get("twins")) {
                if (!t.path("state").asString("").equals("online")
                        || !t.path("gateway").asString("").equals("ready")) {
                    return false;
                }
            }
        }
        return primaries.size() == 1;
    }

    /** How many lines of a daemon's log contain {@code text}. */
    private static long logLines(Path log, String text) throws IOException {
        try (Stream<String> lines = Files.lines(log)) {
            return lines.filter(l -> l.contains(text)).count();
        }
    }

    /** The run a twin's daemon reports in {@code /healthz}, or null if it does not answer. */
    private String incarnation(String twin) {
        try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
            java.net.http.HttpResponse<String> r = http.send(
                    java.net.http.HttpRequest.newBuilder(
                                    java.net.URI.create("http://127.0.0.1:" + flock.daemonPort(twin) + "/healthz"))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return null;
            }
            return new tools.jackson.databind.json.JsonMapper()
                    .readTree(r.body())
                    .path("incarnation")
                    .asString(null);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @Test
    @Order(70)
    void whenThePrimarysGatewayDiesMidTurnTheOtherTwinTakesTheMessageOver() throws Exception {
        String primary = world.actingPrimary();
        String other = primary.equals("tars") ? "case" : "tars";
        long start = System.nanoTime();
        human.say("tell me slowly about Peru");
        // The primary has claimed it and its model is writing the reply (not an earlier "slowly")...
        await().atMost(REPLY).until(() -> llm.prompts().stream().anyMatch(p -> p.contains("slowly about Peru")));
        long killed = System.nanoTime();
        world.gateway(primary).kill();
        // ...so the other twin revokes the claim and runs the turn on its own gateway (/hooks/agent).
        await().atMost(REPLY).until(() -> !human.since(start, "human").isEmpty());
        await().during(QUIET)
                .atMost(QUIET.plusSeconds(5))
                .until(() -> human.since(start, "human").size() == 1);
        IrcClient.Line reply = human.since(start, "human").getFirst();
        assertThat(OpenClawFlock.twinOf(reply.nick())).isEqualTo(other);
        System.out.printf(
                "takeover after the primary's gateway died mid-turn: reply %.1f s after the kill (%s)%n",
                (reply.atNanos() - killed) / 1e9, reply.nick());
    }

    @Test
    @Order(80)
    void withThePrimarysGatewayDownTheOtherTwinAnswersAtOnce() {
        String acting = world.actingPrimary();
        long start = System.nanoTime();
        assertThat(say("are you still there?", 1)).containsExactly(acting);
        double seconds = (human.since(start, "human").getFirst().atNanos() - start) / 1e9;
        System.out.printf("reply with the primary's gateway down: %.1f s%n", seconds);
    }

    @Test
    @Order(90)
    void withThePrimarysGatewayDownTheOtherTwinRunsTheHeartbeat() throws Exception {
        String acting = world.actingPrimary();
        assertThat(heartbeatRunsWhenFiredOn(List.of(acting))).containsExactly(acting);
    }
}
