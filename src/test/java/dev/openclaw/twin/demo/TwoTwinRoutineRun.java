package dev.openclaw.twin.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Two real daemons (tars, case) on the demo's timings with simulated gateways, fed routine messages
 * at a steady pace while a test holds one twin's share at fault: the harness of the one-twin store
 * faults (a lost mount, a read-only share).
 */
final class TwoTwinRoutineRun implements AutoCloseable {

    static final List<String> TWINS = List.of("tars", "case");

    private final Path dir;
    private final History history = new History(line -> {});
    private final SimulatedGateways gateways;
    private final LocalFlock flock;

    TwoTwinRoutineRun(Path dir) throws Exception {
        this.dir = dir;
        this.gateways =
                new SimulatedGateways(TWINS, history, Duration.ofMillis(50), Duration.ofMillis(150), Map.of(), 7);
        this.flock = new LocalFlock(
                dir, TWINS, LocalFlock.Timings.DEMO, gateways.gatewayPorts(), gateways.takeoverUrl(), Map.of());
    }

    LocalFlock flock() {
        return flock;
    }

    /** Starts both daemons and waits until both are online; the acting primary. */
    String start() throws Exception {
        gateways.attach(flock);
        flock.startAll();
        await().atMost(Duration.ofSeconds(60)).until(flock::allOnline);
        return flock.status("tars").get("actingPrimary").asString();
    }

    /**
     * Sends {@code messages} routine messages 250 ms apart and waits until each has an answer; on a
     * timeout the daemons' logs are kept under target/failsafe-reports as {@code <label>-<twin>.log}
     * (the assertions of {@link #assertEachAnsweredOnceBy} then say which message failed).
     */
    void sendAndAwaitAnswers(int messages, String label) throws Exception {
        for (int i = 0; i < messages; i++) {
            gateways.send(i, "routine", "human!~h@127.0.0.1", "question number " + i + " for the flock");
            Thread.sleep(250); // the traffic's pace, not a wait for anything to settle
        }
        try {
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> gateways.inFlight() == 0
                            && history.logs().stream()
                                    .allMatch(l -> !l.answers().isEmpty()));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            for (String twin : TWINS) {
                Files.copy(
                        dir.resolve(twin + ".log"),
                        Path.of("target/failsafe-reports/" + label + "-" + twin + ".log"),
                        StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** Every message sent was answered exactly once, by {@code twin}. */
    void assertEachAnsweredOnceBy(String twin, int messages) {
        List<History.Log> logs = history.logs();
        assertThat(logs).hasSize(messages);
        for (History.Log log : logs) {
            assertThat(log.answers())
                    .as("message %d: %s", log.sent().index(), log.decisions())
                    .hasSize(1);
            assertThat(log.answers().getFirst().twin()).isEqualTo(twin);
        }
    }

    static String other(String twin) {
        return twin.equals("tars") ? "case" : "tars";
    }

    @Override
    public void close() throws Exception {
        try (gateways) {
            flock.close();
        }
    }
}
