package dev.openclaw.twin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openclaw.twin.testing.CliRun;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code twin daemon}'s start-up failures: one line with the fix, exit 1, no stack trace. */
class DaemonCommandTest {

    @TempDir
    Path dir;

    private Path config() throws Exception {
        Files.createDirectories(dir.resolve("share"));
        return Files.writeString(dir.resolve("twins.yaml"), """
                twins:
                  tars: {hostname: 10.0.0.1, gateway_url: "http://127.0.0.1:1"}
                  case: {hostname: 10.0.0.2, gateway_url: "http://127.0.0.1:1"}
                shared_storage: {type: local, path: %s}
                coordination: {odd_primary: tars, even_primary: case}
                """.formatted(dir.resolve("share")));
    }

    @Test
    void aPortInUseIsOneLineWithTheFix() throws Exception {
        Path config = config();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            CliRun run = CliRun.run(
                    Instant.parse("2026-03-28T12:00:00Z"),
                    dir,
                    "daemon",
                    "--config",
                    config.toString(),
                    "--twin",
                    "tars",
                    "--port",
                    Integer.toString(port));
            assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILED);
            assertThat(run.err().strip())
                    .isEqualTo("twin: port " + port
                            + " is in use (another twin daemon running?): stop it or use --port / daemon.port");
            assertThat(run.out()).isEmpty();
        }
    }
}
