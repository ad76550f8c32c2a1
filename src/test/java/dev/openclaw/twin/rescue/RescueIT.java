package dev.openclaw.twin.rescue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.openclaw.twin.testing.CliRun;
import dev.openclaw.twin.testing.TwinLauncher;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code twin rescue}, {@code twin trust} and {@code twin backup} against a real OpenSSH sshd on
 * 127.0.0.1. The "remote" twin's gateway is a real process (Python's http.server with a {@code
 * readyz} file) that the configured restart command kills and starts again a second later.
 */
class RescueIT {

    @TempDir
    static Path serverDir;

    static SshdServer sshd;

    @TempDir
    Path dir;

    Path remote;
    Path config;
    int gatewayPort;

    @BeforeAll
    static void startSshd() throws Exception {
        assumeThat(SshdServer.available())
                .as("OpenSSH sshd installed (.ci/run installs it)")
                .isTrue();
        assumeThat(Files.isExecutable(Path.of("/usr/bin/python3")))
                .as("python3 for the fake gateway")
                .isTrue();
        sshd = SshdServer.start(serverDir.resolve("sshd"));
    }

    @AfterAll
    static void stopSshd() {
        if (sshd != null) {
            sshd.close();
        }
    }

    @BeforeEach
    void remoteHost() throws Exception {
        remote = Files.createDirectories(dir.resolve("remote"));
        Files.createDirectories(remote.resolve("www"));
        Files.writeString(remote.resolve("www/readyz"), "{\"ready\":true}");
        gatewayPort = SshdServer.freePort();
        script("restart.sh", """
                #!/bin/sh
                # The gateway's restart: stop it, then start it again a second later (in the background).
                dir=$(dirname "$0")
                if [ -f "$dir/gateway.pid" ]; then kill "$(cat "$dir/gateway.pid")" 2>/dev/null; rm -f "$dir/gateway.pid"; fi
                echo restarted >> "$dir/restarts.log"
                setsid sh -c 'sleep 1; echo $$ > "$1/gateway.pid"; exec /usr/bin/python3 -m http.server "$2" --bind 127.0.0.1 --directory "$1/www"' sh "$dir" "$1" >>"$dir/gateway.log" 2>&1 </dev/null &
                echo "gateway restarting on port $1"
                """);
        script("broken-restart.sh", """
                #!/bin/sh
                dir=$(dirname "$0")
                echo restarted >> "$dir/restarts.log"
                echo "FATAL: openclaw.json: Unexpected token } at 12:3" >> "$dir/gateway.log"
                echo "gateway failed to start" >&2
                exit 1
                """);
        script("quiet-restart.sh", """
                #!/bin/sh
                # Says it restarted, starts nothing: the gateway stays down.
                echo "restart requested"
                """);
        script("status.sh", """
                #!/bin/sh
                echo "Gateway: stopped (pid file $(dirname "$0")/gateway.pid)"
                exit 3
                """);
        script("record-args.sh", """
                #!/bin/sh
                # Writes each argument it got, NUL-separated, so the test can compare them exactly.
                printf '%s\\0' "$@" > "$(dirname "$0")/args.bin"
                """);
        Files.writeString(remote.resolve("gateway.log"), "started\nlistening\n");
        Files.createDirectories(dir.resolve("shared"));
        Files.writeString(remote.resolve("openclaw.json"), "{\"gateway\": {\"port\": 18789}}\n");
        config = writeConfig(List.of(remote.resolve("restart.sh").toString(), String.valueOf(gatewayPort)), 10);
    }

    @AfterEach
    void stopGateway() throws IOException {
        Path pid = remote.resolve("gateway.pid");
        if (Files.exists(pid)) {
            ProcessHandle.of(Long.parseLong(Files.readString(pid).strip())).ifPresent(ProcessHandle::destroy);
        }
    }

    private void script(String name, String text) throws IOException {
        Path file = remote.resolve(name);
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    }

    private Path writeConfig(List<String> restartCommand, int readyTimeoutSeconds) throws Exception {
        return writeConfig(restartCommand, readyTimeoutSeconds, remote.toString(), true);
    }

    private Path writeConfig(List<String> restartCommand, int readyTimeoutSeconds, String openclawPath, boolean trusted)
            throws Exception {
        Path knownHosts = dir.resolve("known_hosts");
        if (trusted) {
            Files.writeString(knownHosts, sshd.knownHostsLine() + "\n");
        }
        List<String> quotedCommand = new ArrayList<>();
        for (String word : restartCommand) {
            quotedCommand.add(json(word));
        }
        Path file = dir.resolve("twins.yaml");
        Files.writeString(file, """
                twins:
                  tars:
                    hostname: 127.0.0.1
                    username: %s
                    openclaw_path: %s
                    openclaw_config: %s
                    gateway_url: http://127.0.0.1:%d
                    ssh: {port: %d, key: %s, known_hosts: %s}
                  case:
                    hostname: 127.0.0.2
                    username: %s
                shared_storage: {type: local, path: %s}
                coordination: {rotation: daily, odd_primary: tars, even_primary: case}
                rescue:
                  restart_command: [%s]
                  status_command: [%s]
                  logs_command: [tail, -n, "50", %s]
                  ready_timeout_seconds: %d
                  allow_reboot: false
                """.formatted(
                        System.getProperty("user.name"),
                        json(openclawPath),
                        json(remote.resolve("openclaw.json").toString()),
                        gatewayPort,
                        sshd.port(),
                        sshd.clientKey(),
                        knownHosts,
                        System.getProperty("user.name"),
                        dir.resolve("shared"),
                        String.join(", ", quotedCommand),
                        json(remote.resolve("status.sh").toString()),
                        json(remote.resolve("gateway.log").toString()),
                        readyTimeoutSeconds));
        return file;
    }

    private static String json(String text) {
        return "\""
                + text.replace("\\", "\\\\")
                        .replace("\"", "\\\"")
                        .replace("\n", "\\n")
                        .replace("\t", "\\t") + "\"";
    }

    private CliRun twin(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--config", config.toString()));
        return CliRun.run(Clock.systemUTC(), dir, all.toArray(String[]::new));
    }

    private boolean gatewayAnswers() {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), gatewayPort)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void rescueRestartsTheGatewayProcessAndPollingSeesItComeBack() throws Exception {
        assertThat(gatewayAnswers()).isFalse();

        CliRun run = twin("rescue", "tars");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out())
                .containsPattern("connect +ok")
                .containsPattern("diagnose +ok .*gateway not ready")
                .containsPattern("restart +ok .*exit 0")
                .containsPattern("wait-ready +ok .*/readyz answered 200")
                .contains("tars: ready in");
        assertThat(Files.readAllLines(remote.resolve("restarts.log"))).containsExactly("restarted");
        long pid =
                Long.parseLong(Files.readString(remote.resolve("gateway.pid")).strip());
        assertThat(ProcessHandle.of(pid))
                .hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());
        assertThat(gatewayAnswers()).isTrue();
        // The outcome is on this host's event trail.
        try (Stream<Path> trails = Files.walk(dir.resolve("shared/twin/events"))) {
            String events = String.join(
                    "\n",
                    trails.filter(Files::isRegularFile)
                            .map(p -> {
                                try {
                                    return Files.readString(p);
                                } catch (IOException e) {
                                    throw new java.io.UncheckedIOException(e);
                                }
                            })
                            .toList());
            assertThat(events).contains("\"kind\":\"rescue\"", "\"target\":\"tars\"", "\"outcome\":\"ready\"");
        }
        // ...and recorded as a person's rescue, which lets the daemons' auto-rescue start over.
        assertThat(dir.resolve("shared/twin/rescues/tars.json")).exists();

        // A second rescue restarts the running gateway: a new process answers afterwards.
        CliRun again = twin("rescue", "tars", "--json");
        assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
        assertThat(again.out()).contains("\"outcome\" : \"ready\"", "\"schemaVersion\" : 1");
        long newPid =
                Long.parseLong(Files.readString(remote.resolve("gateway.pid")).strip());
        assertThat(newPid).isNotEqualTo(pid);
        assertThat(gatewayAnswers()).isTrue();
    }

    @Test
    void aRestartCommandThatFailsEndsTheRescueAtOnceWithItsExitCodeAndOutput() throws Exception {
        int readyTimeoutSeconds = 60;
        config = writeConfig(List.of(remote.resolve("broken-restart.sh").toString()), readyTimeoutSeconds);

        long started = System.nanoTime();
        CliRun run = twin("rescue", "tars");
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out())
                .containsPattern("restart +failed .*exit 1")
                .contains("gateway failed to start")
                .doesNotContain("wait-ready")
                .contains("Diagnosis:")
                .contains("Gateway: stopped")
                .contains("FATAL: openclaw.json: Unexpected token")
                .contains("disk: ")
                .contains("tars: failed in");
        // It did not wait for ready at all (the old code waited out all 60 s).
        System.out.println("failing restart: rescue failed after " + took.toMillis() + " ms");
        assertThat(took).isLessThan(Duration.ofSeconds(readyTimeoutSeconds));
        assertThat(Files.readAllLines(remote.resolve("restarts.log"))).containsExactly("restarted");
    }

    @Test
    void aMissingOpenclawPathIsNamedAndNothingIsRun() throws Exception {
        config = writeConfig(
                List.of(remote.resolve("restart.sh").toString(), String.valueOf(gatewayPort)),
                60,
                remote.resolve("no-workspace").toString(),
                true);

        CliRun run = twin("rescue", "tars");

        String missing = "openclaw_path " + remote.resolve("no-workspace") + " does not exist on tars";
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out())
                .containsPattern("diagnose +ok .*" + java.util.regex.Pattern.quote(missing))
                .containsPattern("restart +failed .*not run: " + java.util.regex.Pattern.quote(missing))
                .doesNotContain("cd:", "No such file", "can't cd", "wait-ready");
        assertThat(remote.resolve("restarts.log")).doesNotExist();
    }

    @Test
    void aProgramTheHostLacksIsNamedAsNotOnPath() throws Exception {
        config = writeConfig(List.of("openclaw-twin-test-no-such-program", "gateway", "restart"), 60);

        CliRun run = twin("rescue", "tars", "--dry-run");
        assertThat(run.exitCode()).as(run.out()).isZero();
        assertThat(run.out())
                .containsPattern("diagnose +ok .*openclaw-twin-test-no-such-program is not on PATH on tars")
                .containsPattern("restart +planned .*would run: .* — but openclaw-twin-test-no-such-program is not");

        CliRun rescue = twin("rescue", "tars");
        assertThat(rescue.exitCode()).isEqualTo(1);
        assertThat(rescue.out())
                .containsPattern("restart +failed .*not run: openclaw-twin-test-no-such-program is not on PATH on tars")
                .doesNotContain("command not found", "wait-ready");
    }

    /** The gateway stays down for the whole ready timeout: a short report, nothing of the libraries. */
    private static void assertQuietFailure(String output) {
        assertThat(output.lines().count()).as(output).isLessThan(15);
        assertThat(output)
                .contains("tars: failed in")
                .containsPattern("wait-ready +failed .*not ready after 3 s .*nothing answers at 127.0.0.1:")
                .doesNotContain("Exception", "\tat ", " INFO ", " WARN ", " ERROR ")
                .doesNotContain("BouncyCastle", "DefaultForwarder", "org.apache.sshd", "Nio2");
    }

    @Test
    void aGatewayThatStaysDownFailsAfterItsTimeoutInAFewLinesWithoutLibraryLogs() throws Exception {
        config = writeConfig(List.of(remote.resolve("quiet-restart.sh").toString()), 3);

        CliRun run = twin("rescue", "tars");
        assertThat(run.exitCode()).isEqualTo(1);
        assertQuietFailure(run.out() + run.err());
        assertThat(run.out()).doesNotContain("\r");

        // As a user runs it: the library logs go to the JVM's stderr, which only a process shows.
        Launched launched = launch("rescue", "tars", "--config", config.toString());
        System.out.println(
                "stays down, ./twin rescue (" + launched.output().lines().count() + " lines):\n" + launched.output());
        assertThat(launched.exitCode()).isEqualTo(1);
        assertQuietFailure(launched.output());

        // With -v the libraries' logs are there: the quiet run above hid them, it did not miss them.
        Launched verbose = launch("-v", "rescue", "tars", "--config", config.toString());
        assertThat(verbose.output()).contains("BouncyCastleSecurityProviderRegistrar", "DefaultForwarder");
    }

    record Launched(int exitCode, String output) {}

    /** The repository's {@code ./twin} as a process, standard output and error together. */
    private Launched launch(String... args) throws Exception {
        ProcessBuilder builder = TwinLauncher.twin(args).redirectErrorStream(true);
        builder.environment().put("TWIN_CDS", "0");
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Launched(process.exitValue(), output);
    }

    @Test
    void atATerminalAWaitShowsALiveLineAndOtherwiseNothingOfIt() throws Exception {
        config = writeConfig(List.of(remote.resolve("quiet-restart.sh").toString()), 2);

        // A terminal (CliRun with input): the live line is rewritten in place with \r.
        CliRun terminal = CliRun.withInput(Clock.systemUTC(), dir, "", "rescue", "tars", "--config", config.toString());
        assertThat(terminal.exitCode()).isEqualTo(1);
        assertThat(terminal.out())
                .containsPattern("\r  wait-ready +waiting +\\d+\\.\\d s  /readyz unreachable: nothing answers at")
                // ...and cleared before the step's own line.
                .containsPattern("\r\u001b\\[K  wait-ready +failed");

        CliRun piped = twin("rescue", "tars");
        assertThat(piped.out()).doesNotContain("\r", "waiting");
        CliRun json =
                CliRun.withInput(Clock.systemUTC(), dir, "", "rescue", "tars", "--json", "--config", config.toString());
        assertThat(json.out()).doesNotContain("\r", "waiting").contains("\"outcome\" : \"failed\"");
    }

    @Test
    void aDryRunConnectsAndDiagnosesButChangesNothing() throws Exception {
        assertThat(twin("backup", "create", "tars").exitCode()).isZero();
        Files.writeString(remote.resolve("openclaw.json"), "{\"edited\": true}\n");

        CliRun run = twin("rescue", "tars", "--dry-run", "--restore-config", "--reboot");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out())
                .containsPattern("diagnose +ok")
                .containsPattern("restore-config +planned .*would restore snapshot")
                .containsPattern("restart +planned .*would run: cd -- '" + remote + "' && '" + remote + "/restart.sh'")
                .containsPattern("reboot +planned .*rescue.allow_reboot is false")
                .contains("tars: dry-run");
        assertThat(remote.resolve("restarts.log")).doesNotExist();
        assertThat(Files.readString(remote.resolve("openclaw.json"))).isEqualTo("{\"edited\": true}\n");
        assertThat(gatewayAnswers()).isFalse();
    }

    @Test
    void anUnknownHostIsRefusedUntilTrustedAndNothingRunsMeanwhile() throws Exception {
        Files.delete(dir.resolve("known_hosts"));

        CliRun refused = twin("rescue", "tars");

        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.out())
                .containsPattern("connect +failed .*not in " + dir.resolve("known_hosts"))
                .contains(sshd.fingerprint())
                .contains("twin trust tars")
                .contains("tars: refused");
        assertThat(remote.resolve("restarts.log")).doesNotExist();

        CliRun declined =
                CliRun.withInput(Clock.systemUTC(), dir, "n\n", "trust", "tars", "--config", config.toString());
        assertThat(declined.exitCode()).isEqualTo(1);
        assertThat(declined.out()).contains(sshd.fingerprint(), "Not recorded.");
        assertThat(dir.resolve("known_hosts")).doesNotExist();

        CliRun trusted =
                CliRun.withInput(Clock.systemUTC(), dir, "y\n", "trust", "tars", "--config", config.toString());
        assertThat(trusted.exitCode()).as(trusted.out() + trusted.err()).isZero();
        assertThat(trusted.out()).contains("Recorded in " + dir.resolve("known_hosts"));

        assertThat(twin("rescue", "tars").exitCode()).isZero();
        assertThat(gatewayAnswers()).isTrue();
    }

    @Test
    void configRestoreUsesTheNewestGoodSnapshotAndRefusesATamperedOne() throws Exception {
        String good = "{\"gateway\": {\"port\": 18789}, \"good\": true}\n";
        Files.writeString(remote.resolve("openclaw.json"), good);
        CliRun created = twin("backup", "create", "tars");
        assertThat(created.exitCode()).as(created.out() + created.err()).isZero();
        // No openclaw on this host: the snapshot holds the config file alone.
        assertThat(created.out()).contains("tars: snapshot ", "(openclaw.json, ");
        Path snapshots = dir.resolve("shared/config-backup/tars");
        Path snapshot;
        try (Stream<Path> list = Files.list(snapshots)) {
            snapshot = list.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        assertThat(Files.readString(snapshot.resolve("openclaw.json"))).isEqualTo(good);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(snapshot.resolve("openclaw.json"))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(snapshot)))
                .isEqualTo("rwx------");
        assertThat(twin("backup", "verify").exitCode()).isZero();

        // Someone breaks the config; rescue --restore-config puts the good one back, keeps the bad aside.
        Files.writeString(remote.resolve("openclaw.json"), "{broken");
        CliRun restored = twin("rescue", "tars", "--restore-config");
        assertThat(restored.exitCode()).as(restored.out() + restored.err()).isZero();
        assertThat(restored.out()).containsPattern("restore-config +ok .*restored snapshot " + snapshot.getFileName());
        assertThat(Files.readString(remote.resolve("openclaw.json"))).isEqualTo(good);
        try (Stream<Path> files = Files.list(remote)) {
            Path aside = files.filter(p -> p.getFileName().toString().startsWith("openclaw.json.replaced-"))
                    .findFirst()
                    .orElseThrow();
            assertThat(Files.readString(aside)).isEqualTo("{broken");
        }

        // Tampering with the snapshot: verify fails, restore refuses, rescue --restore-config stops before restarting.
        Files.writeString(snapshot.resolve("openclaw.json"), "{\"gateway\": {\"evil\": true}}\n");
        Files.writeString(remote.resolve("openclaw.json"), "{broken again");
        Files.delete(remote.resolve("restarts.log"));
        CliRun verify = twin("backup", "verify");
        assertThat(verify.exitCode()).isEqualTo(1);
        assertThat(verify.out()).contains("FAILED: openclaw.json: sha256");
        CliRun restore = twin(
                "backup",
                "restore",
                "tars",
                "--snapshot",
                snapshot.getFileName().toString());
        assertThat(restore.exitCode()).isEqualTo(1);
        assertThat(restore.err()).contains("refusing snapshot");
        CliRun rescue = twin("rescue", "tars", "--restore-config");
        assertThat(rescue.exitCode()).isEqualTo(1);
        assertThat(rescue.out()).containsPattern("restore-config +failed .*no snapshot of tars whose checksums verify");
        assertThat(Files.readString(remote.resolve("openclaw.json"))).isEqualTo("{broken again");
        assertThat(remote.resolve("restarts.log")).doesNotExist();
    }

    @Test
    void hostileConfigValuesArePassedAsLiteralArgumentsAndExecuteNothing() throws Exception {
        Path marker = dir.resolve("pwned");
        String m = marker.toString();
        List<String> hostile = List.of(
                "it's \"quoted\"",
                "; touch " + m,
                "$(touch " + m + ")",
                "`touch " + m + "`",
                "a\nb; touch " + m,
                "| touch " + m,
                "&& touch " + m,
                "$IFS touch$IFS" + m,
                "'\"; touch " + m + "; '");
        List<String> command = new ArrayList<>();
        command.add(remote.resolve("record-args.sh").toString());
        command.addAll(hostile);
        Path oddPath = Files.createDirectories(remote.resolve("work $(touch " + m + "); 'x'"));
        config = writeConfig(command, 1, oddPath.toString(), true);

        CliRun run = twin("rescue", "tars");

        assertThat(marker).doesNotExist();
        assertThat(remote.resolve("args.bin")).as(run.out() + run.err()).exists();
        byte[] recorded = Files.readAllBytes(remote.resolve("args.bin"));
        List<String> args = List.of(new String(recorded, StandardCharsets.UTF_8).split("\0", -1));
        assertThat(args.subList(0, args.size() - 1)).containsExactlyElementsOf(hostile);
    }

    @Test
    void theGatewayIsReachedOnItsLoopbackThroughSshNotDirectly() throws Exception {
        // Bound to 127.0.0.1 on the "remote" host only; the rescue still sees it ready.
        CliRun run = twin("rescue", "tars");
        assertThat(run.exitCode()).as(run.out()).isZero();
        await().atMost(Duration.ofSeconds(5)).until(this::gatewayAnswers);
    }
}
