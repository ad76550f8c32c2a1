package dev.openclaw.twin.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.openclaw.twin.testing.CliRun;
import dev.openclaw.twin.testing.HttpReceiver;
import dev.openclaw.twin.testing.ReadOnlyDirectory;
import dev.openclaw.twin.testing.TwinLauncher;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Real daemons as separate OS processes ({@code ./twin daemon}) over one temporary shared
 * directory, killed, paused and stopped with real signals. Heartbeat 300 ms, offline after 2 s.
 */
class FlockProcessesIT {

    private static final Duration OFFLINE_AFTER = Duration.ofSeconds(2);
    private static final Duration HEARTBEAT = Duration.ofMillis(300);
    /** Offline must be seen within the timeout plus one heartbeat, plus one status poll of slack. */
    private static final Duration DETECTION_BOUND =
            OFFLINE_AFTER.plus(HEARTBEAT).plusMillis(700);

    private static final JsonMapper JSON = new JsonMapper();

    @TempDir
    Path dir;

    private final Map<String, Process> daemons = new LinkedHashMap<>();
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private Path config;
    private Path state;
    /** Port 1 refuses connections: the gateway is 'unreachable', which most tests do not need. */
    private String gatewayUrl = "http://127.0.0.1:1";

    private String extraYaml = "";

    @AfterEach
    void stopAll(TestInfo test) throws IOException {
        daemons.values().forEach(p -> {
            signal(p, "CONT");
            p.destroyForcibly();
        });
        // Keep each daemon's log beside the test reports, to read when a test fails.
        Path logs = Files.createDirectories(TwinLauncher.REPO.resolve("target/failsafe-reports/daemon-logs"));
        for (String twin : daemons.keySet()) {
            Path log = dir.resolve(twin + ".log");
            if (Files.exists(log)) {
                String name = test.getTestMethod().map(m -> m.getName()).orElse("test");
                Files.copy(log, logs.resolve(name + "-" + twin + ".log"), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private void writeConfig(String... twins) throws IOException {
        state = Files.createDirectories(dir.resolve("shared"));
        config = writeConfig("twins.yaml", state, twins);
    }

    /**
     * A config for {@code twins} sharing {@code stateDir}; every twin's daemon_url is its daemon's
     * port, chosen here, so the daemons probe each other directly.
     */
    private Path writeConfig(String fileName, Path stateDir, String... twins) throws IOException {
        List<String> unported = java.util.Arrays.stream(twins)
                .filter(t -> !ports.containsKey(t))
                .toList();
        List<Integer> fresh = dev.openclaw.twin.demo.LocalFlock.freePorts(unported.size());
        for (int i = 0; i < unported.size(); i++) {
            ports.put(unported.get(i), fresh.get(i));
        }
        StringBuilder yaml = new StringBuilder("twins:\n");
        for (String twin : twins) {
            int port = ports.get(twin);
            yaml.append("  ")
                    .append(twin)
                    .append(": {hostname: 127.0.0.1, gateway_url: \"")
                    .append(gatewayUrl)
                    .append("\", daemon_url: \"http://127.0.0.1:")
                    .append(port)
                    .append("\"}\n");
        }
        yaml.append("shared_storage: {type: local, path: ")
                .append(stateDir)
                .append("}\n")
                .append("coordination: {odd_primary: ")
                .append(twins[0])
                .append(", even_primary: ")
                .append(twins[1])
                .append(", offline_after_seconds: ")
                .append(OFFLINE_AFTER.toSeconds())
                .append(", timezone: UTC}\n")
                .append("monitoring: {heartbeat_interval: ")
                .append(HEARTBEAT.toMillis())
                .append("ms")
                .append(extraYaml.isEmpty() ? "" : ", " + extraYaml)
                .append("}\n");
        Path file = dir.resolve(fileName);
        Files.writeString(file, yaml);
        return file;
    }

    private void startDaemon(String twin, String... extra) throws IOException {
        startDaemon(twin, config, extra);
    }

    private void startDaemon(String twin, Path configFile, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of(
                "daemon",
                "--config",
                configFile.toString(),
                "--twin",
                twin,
                "--port",
                Integer.toString(ports.get(twin))));
        args.addAll(List.of(extra));
        ProcessBuilder builder = TwinLauncher.twin(args.toArray(String[]::new))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(twin + ".log").toFile());
        daemons.put(twin, builder.start());
    }

    private static void signal(Process process, String signal) {
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                    .start()
                    .waitFor();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code twin status --json}, run in this JVM against the real shared directory. */
    private JsonNode status() {
        return JSON.readTree(CliRun.run(Clock.systemUTC(), dir, "status", "--json", "--config", config.toString())
                .out());
    }

    private String stateOf(String twin) {
        for (JsonNode t : status().get("twins")) {
            if (t.get("name").asString().equals(twin)) {
                return t.get("state").asString();
            }
        }
        throw new AssertionError("no twin " + twin);
    }

    private void awaitState(String twin, String state, Duration within) {
        await().atMost(within)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> stateOf(twin).equals(state));
    }

    private static final Duration STARTUP = Duration.ofSeconds(30);

    @Test
    void aTwinGoingOfflineIsAlertedOncePerFlockAndResolvedWhenItReturns() throws Exception {
        try (HttpReceiver receiver = new HttpReceiver();
                HttpReceiver gateway = new HttpReceiver()) {
            gatewayUrl = gateway.url("");
            extraYaml = "alert_channels: [webhook], webhook: {url: \"" + receiver.url("/alerts") + "\"}";
            writeConfig("tars", "case", "kipp");
            for (String twin : List.of("tars", "case", "kipp")) {
                startDaemon(twin);
            }
            for (String twin : List.of("tars", "case", "kipp")) {
                awaitState(twin, "online", STARTUP);
            }

            daemons.get("kipp").destroyForcibly();
            await().atMost(DETECTION_BOUND.plusSeconds(5))
                    .until(() -> alerts(receiver, "twin-offline:kipp", "firing") == 1);
            // Two daemons saw it; the flock sent it once, and not again while it lasts.
            await().during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(4))
                    .until(() -> alerts(receiver, "twin-offline:kipp", "firing") == 1);

            startDaemon("kipp");
            await().atMost(STARTUP).until(() -> alerts(receiver, "twin-offline:kipp", "resolved") == 1);
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> alerts(receiver, "twin-offline:kipp", "resolved") == 1);
            HttpReceiver.Received firing = receiver.received().stream()
                    .filter(r -> r.body().contains("twin-offline:kipp"))
                    .findFirst()
                    .orElseThrow();
            JsonNode body = JSON.readTree(firing.body());
            assertThat(body.get("severity").asString()).isEqualTo("critical");
            assertThat(body.get("title").asString()).isEqualTo("kipp is offline");
            assertThat(List.of("tars", "case")).contains(body.get("twin").asString());
        }
    }

    private static long alerts(HttpReceiver receiver, String key, String state) {
        return receiver.received().stream()
                .map(r -> JSON.readTree(r.body()))
                .filter(b -> b.get("key").asString().equals(key)
                        && b.get("state").asString().equals(state))
                .count();
    }

    @Test
    void twoTwinsComeOnlineAndSigkillTakesOneOfflineInTime() throws Exception {
        writeConfig("tars", "case");
        startDaemon("tars");
        startDaemon("case");
        awaitState("tars", "online", STARTUP);
        awaitState("case", "online", STARTUP);

        daemons.get("case").destroyForcibly(); // SIGKILL: no last word
        long killed = System.nanoTime();
        awaitState("case", "offline", DETECTION_BOUND.plusSeconds(1));
        Duration detected = Duration.ofNanos(System.nanoTime() - killed);
        assertThat(detected).isLessThanOrEqualTo(DETECTION_BOUND.plusSeconds(1));
        assertThat(stateOf("tars")).isEqualTo("online");
        // tars's own view (its /v1/status, seq changes on its monotonic clock) agrees.
        await().atMost(DETECTION_BOUND).until(() -> daemonView("tars", "case").equals("offline"));
    }

    @Test
    void threeTwinsSigstopThenSigcontAndSigtermShowsStoppedAtOnce() throws Exception {
        writeConfig("tars", "case", "kipp");
        for (String twin : List.of("tars", "case", "kipp")) {
            startDaemon(twin);
        }
        for (String twin : List.of("tars", "case", "kipp")) {
            awaitState(twin, "online", STARTUP);
        }

        signal(daemons.get("kipp"), "STOP");
        awaitState("kipp", "offline", DETECTION_BOUND.plusSeconds(1));
        signal(daemons.get("kipp"), "CONT");
        awaitState("kipp", "online", Duration.ofSeconds(5));

        signal(daemons.get("case"), "TERM");
        awaitState("case", "stopped", Duration.ofSeconds(3));
        assertThat(daemons.get("case").waitFor(5, java.util.concurrent.TimeUnit.SECONDS))
                .isTrue();
        assertThat(stateOf("tars")).isEqualTo("online");
    }

    @Test
    void aTwinWithAWallClockFiveMinutesOffIsJudgedByItsHeartbeatsNotItsClock() throws Exception {
        writeConfig("tars", "case");
        startDaemon("tars", "--clock-skew", "-PT5M");
        startDaemon("case", "--clock-skew", "PT5M");
        awaitState("tars", "online", STARTUP);
        awaitState("case", "online", STARTUP);
        JsonNode status = status();
        // Told between twins (a store has no clock of its own to compare with: etcd has none).
        assertThat(status.get("problems").toString()).contains("case's clock is 10 min ahead of tars's");
        // Each daemon also sees the other online, whatever their clocks say.
        await().atMost(Duration.ofSeconds(5))
                .until(() -> daemonView("tars", "case").equals("online"));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> daemonView("case", "tars").equals("online"));

        daemons.get("tars").destroyForcibly();
        awaitState("tars", "offline", DETECTION_BOUND.plusSeconds(1));
        await().atMost(DETECTION_BOUND).until(() -> daemonView("case", "tars").equals("offline"));
    }

    @Test
    void corruptStateFilesAreReportedAndSurvived() throws Exception {
        writeConfig("tars", "case");
        startDaemon("tars");
        awaitState("tars", "online", STARTUP);
        Files.createDirectories(state.resolve("twin/heartbeats"));
        Files.writeString(state.resolve("twin/heartbeats/case.json"), "{\"twin\": \"case\", \"seq\": ");
        Files.writeString(state.resolve("twin-primary.json"), "garbage");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> status().get("problems").toString().contains("twin/heartbeats/case.json: not valid JSON"));
        // The daemon repairs twin-primary.json (a pure function of date and config) and keeps beating.
        await().atMost(Duration.ofSeconds(5))
                .until(() ->
                        Files.readString(state.resolve("twin-primary.json")).contains("\"primary\""));
        assertThat(stateOf("tars")).isEqualTo("online");
        assertThat(daemons.get("tars").isAlive()).isTrue();
        Files.writeString(state.resolve("twin/heartbeats/case.json"), "");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> status().get("problems").toString().contains("twin/heartbeats/case.json: empty file"));
    }

    @Test
    void aMissingStateDirectoryIsReportedWhileTheDaemonKeepsServingAndItRecovers() throws Exception {
        writeConfig("tars", "case");
        startDaemon("tars");
        awaitState("tars", "online", STARTUP);

        Path away = dir.resolve("unmounted");
        Files.move(state, away); // the share disappears
        JsonNode failed = status();
        assertThat(failed.get("storeReadable").asBoolean())
                .as("status after the share went away; the directory exists again: %s %s", Files.exists(state), failed)
                .isFalse();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> daemonStatus("tars").get("storeReadable").asBoolean() == false);
        assertThat(get("tars", "/healthz").get("ok").asBoolean()).isTrue();

        Files.move(away, state); // it comes back
        await().atMost(Duration.ofSeconds(5))
                .until(() -> daemonStatus("tars").get("storeReadable").asBoolean());
        awaitState("tars", "online", Duration.ofSeconds(5));
        assertThat(daemons.get("tars").isAlive()).isTrue();
    }

    @Test
    void aReadOnlyShareIsReportedWhileStatusStaysReadableAndTheDaemonRecovers() throws Exception {
        writeConfig("tars", "case");
        startDaemon("tars");
        awaitState("tars", "online", STARTUP);

        try (ReadOnlyDirectory readOnly = ReadOnlyDirectory.of(state)) {
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> daemonStatus("tars").get("problems").toString().contains("cannot write"));
            JsonNode seenByTars = daemonStatus("tars");
            assertThat(seenByTars.get("storeReadable").asBoolean()).isTrue();
            assertThat(daemonView("tars", "tars"))
                    .as("a daemon knows it is running")
                    .isEqualTo("online");
            // Readers of the store see tars's heartbeat stop changing.
            awaitState("tars", "offline", DETECTION_BOUND);
            CliRun status = CliRun.run(Clock.systemUTC(), dir, "status", "--config", config.toString());
            assertThat(status.exitCode()).isEqualTo(3);
            assertThat(get("tars", "/healthz").get("ok").asBoolean()).isTrue();
        }
        awaitState("tars", "online", Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> daemonStatus("tars").get("problems").isEmpty());
        assertThat(Files.readString(dir.resolve("tars.log"))).contains("shared store available again");
    }

    @Test
    void aPeerWhoseHeartbeatsCannotBeSeenIsStillOnlineWhileItsDaemonAnswers() throws Exception {
        writeConfig("tars", "case");
        // case writes to a directory tars never reads: as if the share served tars a stale copy.
        Path elsewhere = Files.createDirectories(dir.resolve("stale-view"));
        Path caseConfig = writeConfig("case.yaml", elsewhere, "tars", "case");
        startDaemon("tars");
        startDaemon("case", caseConfig);
        await().atMost(STARTUP)
                .ignoreExceptions()
                .until(() -> daemonView("tars", "case").equals("online"));
        assertThat(stateOf("case")).as("the store alone has never seen case").isEqualTo("never-seen");

        daemons.get("case").destroyForcibly().waitFor();
        await().atMost(DETECTION_BOUND).until(() -> daemonView("tars", "case").equals("never-seen"));
    }

    @Test
    void aDaemonUrlThatAnswersAsAnotherTwinVouchesForNobody() throws Exception {
        writeConfig("tars", "case");
        // tars is told case's daemon is at tars's own port: the answer names tars, not case.
        ports.put("case", ports.get("tars"));
        Path wrong = writeConfig("wrong.yaml", state, "tars", "case");
        startDaemon("tars", wrong);
        await().atMost(STARTUP)
                .ignoreExceptions()
                .until(() -> daemonView("tars", "tars").equals("online"));
        await().atMost(STARTUP)
                .until(() -> Files.readString(dir.resolve("tars.log")).contains("answered as twin 'tars'"));
        assertThat(daemonView("tars", "case")).isEqualTo("never-seen");
    }

    private JsonNode daemonStatus(String twin) {
        return get(twin, "/v1/status");
    }

    private String daemonView(String viewer, String twin) {
        for (JsonNode t : daemonStatus(viewer).get("twins")) {
            if (t.get("name").asString().equals(twin)) {
                return t.get("state").asString();
            }
        }
        throw new AssertionError("no twin " + twin);
    }

    private JsonNode get(String twin, String path) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get(twin) + path))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
