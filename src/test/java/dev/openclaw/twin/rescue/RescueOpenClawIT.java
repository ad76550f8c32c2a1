package dev.openclaw.twin.rescue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.openclaw.twin.demo.openclaw.OpenClawInstall;
import dev.openclaw.twin.testing.CliRun;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code twin rescue} against a real OpenClaw gateway restarted over a real sshd: measures the
 * time from the command to a verified-ready gateway next to the gateway's own restart time (the
 * seed waits a fixed 30 s and checks only that some process named openclaw exists).
 */
class RescueOpenClawIT {

    private static final OpenClawInstall INSTALL = new OpenClawInstall(Path.of(".cache/openclaw"));

    @TempDir
    Path dir;

    private SshdServer sshd;
    private Path remote;
    private int port;

    @AfterEach
    void stop() throws Exception {
        Path pid = remote == null ? null : remote.resolve("gateway.pid");
        if (pid != null && Files.exists(pid)) {
            ProcessHandle.of(Long.parseLong(Files.readString(pid).strip())).ifPresent(ProcessHandle::destroyForcibly);
        }
        if (sshd != null) {
            sshd.close();
        }
    }

    @Test
    void rescueOfARealGatewayIsReadyWithinItsStartTimePlusAFewHundredMilliseconds() throws Exception {
        Path config = prepare();

        // The gateway's own start, twice (the first warms caches), measured by polling /readyz directly.
        run(remote.resolve("start-gateway.sh"));
        Duration coldStart = untilReady();
        run(remote.resolve("restart-gateway.sh"));
        Duration restart = untilReady();

        // Broken: the gateway is killed; the rescue must bring it back.
        ProcessHandle.of(Long.parseLong(
                        Files.readString(remote.resolve("gateway.pid")).strip()))
                .ifPresent(ProcessHandle::destroyForcibly);
        await().atMost(Duration.ofSeconds(10)).until(() -> !ready());
        long started = System.nanoTime();
        CliRun rescue = CliRun.run(Clock.systemUTC(), dir, "rescue", "tars", "--config", config.toString());
        Duration rescueTook = Duration.ofNanos(System.nanoTime() - started);

        assertThat(rescue.exitCode()).as(rescue.out() + rescue.err()).isZero();
        assertThat(rescue.out()).containsPattern("wait-ready +ok").contains("tars: ready in");
        assertThat(ready()).isTrue();

        // Again in the same JVM, as the daemon's auto-rescue runs (classes loaded, BouncyCastle set up).
        ProcessHandle.of(Long.parseLong(
                        Files.readString(remote.resolve("gateway.pid")).strip()))
                .ifPresent(ProcessHandle::destroyForcibly);
        await().atMost(Duration.ofSeconds(10)).until(() -> !ready());
        started = System.nanoTime();
        CliRun warm = CliRun.run(Clock.systemUTC(), dir, "rescue", "tars", "--config", config.toString());
        Duration warmTook = Duration.ofNanos(System.nanoTime() - started);
        assertThat(warm.exitCode()).as(warm.out() + warm.err()).isZero();
        System.out.printf(
                "%nrescue of a real OpenClaw gateway over SSH (2 cores):%n"
                        + "  gateway cold start to /readyz 200        %6d ms%n"
                        + "  gateway restart to /readyz 200 (direct)  %6d ms%n"
                        + "  twin rescue to verified ready            %6d ms  (+%d ms over the restart)%n"
                        + "  the same, warm JVM (as in the daemon)    %6d ms  (+%d ms over the restart)%n"
                        + "  seed: fixed 30000 ms, verifies nothing%n%s%n",
                coldStart.toMillis(),
                restart.toMillis(),
                rescueTook.toMillis(),
                rescueTook.minus(restart).toMillis(),
                warmTook.toMillis(),
                warmTook.minus(restart).toMillis(),
                warm.out());
    }

    @Test
    void aBackupSnapshotCarriesOpenClawsOwnArchiveWhereTheHostHasOpenClaw() throws Exception {
        assumeThat(SshdServer.available())
                .as("OpenSSH sshd installed (.ci/run installs it)")
                .isTrue();
        assumeThat(INSTALL.installed())
                .as("OpenClaw in .cache/openclaw (.ci/run installs it); skipped: not installed")
                .isTrue();
        Path config = prepare();

        CliRun created = CliRun.run(Clock.systemUTC(), dir, "backup", "create", "tars", "--config", config.toString());

        assertThat(created.exitCode()).as(created.out() + created.err()).isZero();
        assertThat(created.out()).contains("(openclaw.json + openclaw-backup.tar.gz,");
        Path snapshot;
        try (var dirs = Files.list(dir.resolve("shared/config-backup/tars"))) {
            snapshot = dirs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        assertThat(CliRun.run(Clock.systemUTC(), dir, "backup", "verify", "--config", config.toString())
                        .exitCode())
                .isZero();
        // OpenClaw itself accepts the archive we stored.
        Process verify = new ProcessBuilder(
                        remote.resolve("openclaw.sh").toString(),
                        "backup",
                        "verify",
                        snapshot.resolve("openclaw-backup.tar.gz").toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(verify.getInputStream().readAllBytes());
        assertThat(verify.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(verify.exitValue()).as(output).isZero();
    }

    /** sshd, the "remote" twin's directory with its gateway scripts, and the twins.yaml; returns the latter. */
    private Path prepare() throws Exception {
        assumeThat(SshdServer.available())
                .as("OpenSSH sshd installed (.ci/run installs it)")
                .isTrue();
        assumeThat(INSTALL.installed())
                .as("OpenClaw in .cache/openclaw (.ci/run installs it); skipped: not installed")
                .isTrue();
        sshd = SshdServer.start(dir.resolve("sshd"));
        remote = Files.createDirectories(dir.resolve("remote"));
        port = SshdServer.freePort();
        Files.createDirectories(remote.resolve("state"));
        Files.writeString(remote.resolve("state/openclaw.json"), "{\"gateway\": {\"mode\": \"local\"}}\n");
        script("start-gateway.sh", """
                #!/bin/sh
                dir=$(dirname "$0")
                export OPENCLAW_STATE_DIR="$dir/state" OPENCLAW_DISABLE_BONJOUR=1 OPENCLAW_NO_RESPAWN=1
                export PATH="%s:$PATH"
                setsid "%s" gateway run --port %d --bind loopback --auth token --token t \
                    >>"$dir/gateway.log" 2>&1 </dev/null &
                echo $! > "$dir/gateway.pid"
                """.formatted(INSTALL.nodeBin(), INSTALL.openclaw(), port));
        script("restart-gateway.sh", """
                #!/bin/sh
                # What 'openclaw gateway restart' does under a service manager: stop, wait, start.
                dir=$(dirname "$0")
                if [ -f "$dir/gateway.pid" ]; then
                    pid=$(cat "$dir/gateway.pid")
                    kill "$pid" 2>/dev/null
                    n=0; while kill -0 "$pid" 2>/dev/null && [ $n -lt 100 ]; do sleep 0.1; n=$((n+1)); done
                    kill -9 "$pid" 2>/dev/null
                fi
                exec "$dir/start-gateway.sh"
                """);
        script("openclaw.sh", """
                #!/bin/sh
                # openclaw as this host runs it: its Node first on PATH, its state directory.
                export OPENCLAW_STATE_DIR="$(dirname "$0")/state" OPENCLAW_DISABLE_BONJOUR=1 PATH="%s:$PATH"
                exec "%s" "$@"
                """.formatted(INSTALL.nodeBin(), INSTALL.openclaw()));
        Path config = dir.resolve("twins.yaml");
        Files.writeString(remote.resolve("known_hosts"), sshd.knownHostsLine() + "\n");
        Files.writeString(config, """
                twins:
                  tars:
                    hostname: 127.0.0.1
                    username: %s
                    openclaw_path: %s
                    openclaw_config: %s/state/openclaw.json
                    gateway_url: http://127.0.0.1:%d
                    ssh: {port: %d, key: %s, known_hosts: %s}
                  case: {hostname: 127.0.0.2, username: %s}
                shared_storage: {type: local, path: %s}
                rescue:
                  restart_command: [%s]
                  status_command: [cat, gateway.pid]
                  logs_command: [tail, -n, "50", gateway.log]
                  ready_timeout_seconds: 120
                backup: {openclaw_command: [%s]}
                """.formatted(
                        System.getProperty("user.name"),
                        remote,
                        remote,
                        port,
                        sshd.port(),
                        sshd.clientKey(),
                        remote.resolve("known_hosts"),
                        System.getProperty("user.name"),
                        Files.createDirectories(dir.resolve("shared")),
                        remote.resolve("restart-gateway.sh"),
                        remote.resolve("openclaw.sh")));

        return config;
    }

    private void script(String name, String text) throws IOException {
        Path file = remote.resolve(name);
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    }

    private static void run(Path script) throws Exception {
        Process p = new ProcessBuilder(script.toString()).inheritIO().start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    private Duration untilReady() {
        long start = System.nanoTime();
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(50))
                .until(this::ready);
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private boolean ready() {
        try (HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            return http.send(
                                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                                            .timeout(Duration.ofSeconds(2))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode()
                    == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
