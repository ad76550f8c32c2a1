package dev.openclaw.twin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openclaw.twin.testing.TestConfigs;
import dev.openclaw.twin.testing.TwinLauncher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the repository's {@code ./twin} launcher as a real process, as a user would: with whatever
 * Java is first on PATH (17 on our machines), so the launcher must find a JDK ≥ 21 by itself.
 */
class LauncherIT {

    record Result(int exitCode, String out, String err) {}

    private static Result launch(Map<String, String> env, String... args) throws IOException, InterruptedException {
        ProcessBuilder builder = TwinLauncher.twin(args);
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), out, err);
    }

    @Test
    void printsTheSeedsPrimaryWithTheSeedExampleFilledIn(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("twins.yaml");
        Files.writeString(config, TestConfigs.seedExampleWithValues());

        Result even = launch(Map.of(), "who", "--config", config.toString(), "--date", "2026-02-28");
        assertThat(even.err()).isEmpty();
        assertThat(even.exitCode()).isZero();
        assertThat(even.out()).startsWith("Primary on 2026-02-28: agent-b (even date)\n");

        Result odd = launch(Map.of(), "who", "--config", config.toString(), "--date", "2026-03-01", "--json");
        assertThat(odd.out()).contains("\"primary\" : \"agent-a\"", "\"parity\" : \"odd\"");
    }

    @Test
    void anUnexpectedFailureIsOneLineAndItsStackTraceOnlyWithVerbose(@TempDir Path dir) throws Exception {
        // The demo's temporary directory cannot be made: an I/O failure no command turns into a message.
        Map<String, String> env =
                Map.of("TWIN_JAVA_OPTS", "-Djava.io.tmpdir=" + dir.resolve("missing"), "TWIN_CDS", "0");

        Result quiet = launch(env, "demo", "--messages", "1", "--no-faults");
        assertThat(quiet.exitCode()).isEqualTo(ExitCodes.FAILED);
        String text = quiet.out() + quiet.err();
        assertThat(text).doesNotContain("Exception", "\tat ");
        assertThat(quiet.err().lines().filter(l -> l.startsWith("twin: ")))
                .singleElement()
                .asString()
                .contains(dir.resolve("missing").toString(), "no such file or directory", "--verbose");

        Result verbose = launch(env, "-v", "demo", "--messages", "1", "--no-faults");
        assertThat(verbose.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(verbose.err()).contains("java.nio.file.NoSuchFileException", "\tat ");
    }

    @Test
    void theDaemonAfterAGlobalOptionGetsTheDaemonsJvmAndKeepsItsLogOnStderr(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("twins.yaml");
        Files.writeString(config, """
                twins:
                  tars: {hostname: 127.0.0.1}
                  case: {hostname: 127.0.0.2}
                shared_storage: {type: local, path: %s}
                rescue: {auto: false}
                """.formatted(Files.createDirectories(dir.resolve("state"))));
        Path log = dir.resolve("daemon.log");
        ProcessBuilder builder = TwinLauncher.twin(
                        "--config", config.toString(), "daemon", "--twin", "tars", "--port", "0")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Process daemon = builder.start();
        try {
            org.awaitility.Awaitility.await("the daemon's start-up line")
                    .atMost(java.time.Duration.ofSeconds(60))
                    .until(() -> Files.readString(log).contains("started: store"));
            // The launcher saw 'daemon' after --config PATH: the daemon's small, bounded JVM.
            String commandLine = Files.readString(Path.of("/proc/" + daemon.pid() + "/cmdline"))
                    .replace('\0', ' ');
            assertThat(commandLine).contains("-Xmx64m", "dev.openclaw.twin.cli.Main --config");
        } finally {
            daemon.destroy();
            assertThat(daemon.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        String text = Files.readString(log);
        assertThat(text).containsPattern("INFO .*Daemon: twin tars daemon .* started");
        assertThat(text).doesNotContain("BouncyCastle", "IoServiceFactoryFactory", "Exception");
    }

    @Test
    void explainsWhatToInstallWithoutAJava21(@TempDir Path dir) throws Exception {
        Result result = launch(
                Map.of("JAVA_HOME", "/nonexistent", "PATH", "/usr/bin:/bin", "TWIN_JDK_DIRS", dir.toString()),
                "version");
        // /usr/bin/java (if any) is Java 17 here, and the JDK directories searched are empty.
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err())
                .contains("twin: no Java 21 or newer found.")
                .contains("sudo apt-get install openjdk-21-jdk-headless")
                .contains("JAVA_HOME");
    }

    @Test
    void findsAJdkUnderUsrLibJvmWhenPathHasAnOlderJava() throws Exception {
        Result result = launch(Map.of("JAVA_HOME", "", "PATH", "/usr/bin:/bin"), "version");
        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("openclaw-twin ");
        int feature = Integer.parseInt(result.out().replaceAll("(?s).*\\(Java (\\d+).*", "$1"));
        assertThat(feature).isGreaterThanOrEqualTo(21);
    }
}
