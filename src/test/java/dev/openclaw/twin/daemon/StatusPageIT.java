package dev.openclaw.twin.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.state.FileStateStore;
import dev.openclaw.twin.testing.HttpReceiver;
import dev.openclaw.twin.testing.MutableClock;
import dev.openclaw.twin.testing.TestConfigs;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's status page rendered by a real headless Chromium: its DOM names the twins, the
 * primary and who answers, and its screenshot shows them (the answering twin's row highlighted,
 * state badges coloured).
 */
class StatusPageIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    /** 10:00 UTC on the 28th: an even date, so case is primary by the seed's rule. */
    private static final Instant NOW = Instant.parse("2026-03-28T10:00:00Z");

    @TempDir
    Path dir;

    private Daemon daemon;
    private HttpReceiver gateway;

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void chromiumShowsTheTwinsThePrimaryAndWhoAnswers() throws Exception {
        assumeThat(Files.isExecutable(CHROMIUM))
                .as("Debian chromium (.ci/run installs it)")
                .isTrue();
        gateway = new HttpReceiver();
        Path state = Files.createDirectories(dir.resolve("state"));
        TwinsConfig config = TestConfigs.parse("""
                twins:
                  tars: {hostname: 10.0.0.1, gateway_url: "%s"}
                  case: {hostname: 10.0.0.2}
                shared_storage: {type: local, path: %s}
                coordination: {odd_primary: tars, even_primary: case, timezone: UTC}
                monitoring: {heartbeat_interval: 100ms}
                rescue: {auto: false}
                """.formatted(gateway.url(""), state));
        daemon = new Daemon(
                config,
                "tars",
                new FileStateStore(state, "twin-primary.json"),
                new MutableClock(NOW),
                System::nanoTime,
                "test",
                0);
        daemon.start();
        String url = "http://127.0.0.1:" + daemon.httpPort() + "/";
        await().atMost(Duration.ofSeconds(10))
                .until(() -> daemon.status().twins().getFirst().state().equals("online"));

        String dom = chromium(List.of("--dump-dom", url));
        assertThat(dom)
                .contains("<strong id=\"primary\">case</strong>")
                .contains("<strong id=\"acting\">tars</strong>")
                .contains("data-twin=\"tars\"", "data-twin=\"case\"")
                .contains("state-online\">online", "state-never-seen\">never-seen")
                .contains("http-equiv=\"refresh\"");

        Path png = dir.resolve("status.png");
        chromium(List.of("--screenshot=" + png, "--window-size=1100,700", url));
        // Kept beside the reports, to look at.
        Files.copy(
                png,
                Files.createDirectories(Path.of("target/failsafe-reports")).resolve("status-page.png"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(1100);
        // The answering twin's row is highlighted, tars's state badge is green, case's is grey.
        assertThat(pixels(image, 0xfff4cc)).as("highlighted row").isGreaterThan(5_000);
        assertThat(pixels(image, 0x1f9d55)).as("green badges").isGreaterThan(300);
        assertThat(pixels(image, 0x7d8595)).as("grey badges").isGreaterThan(300);
    }

    private String chromium(List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                CHROMIUM.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--user-data-dir=" + Files.createTempDirectory(dir, "chromium-")));
        command.addAll(args);
        Process process = new ProcessBuilder(command)
                .redirectError(dir.resolve("chromium.log").toFile())
                .start();
        String out = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue())
                .as(Files.readString(dir.resolve("chromium.log")))
                .isZero();
        return out;
    }

    private static int pixels(BufferedImage image, int rgb) {
        int count = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xffffff) == rgb) {
                    count++;
                }
            }
        }
        return count;
    }
}
