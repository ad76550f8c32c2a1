package dev.openclaw.twin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openclaw.twin.testing.CliRun;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log levels {@link Main} sets from the command line before a command runs: a command hears
 * nothing of the libraries, the daemon keeps its own INFO and the libraries' warnings, {@code -v}
 * opens everything. (Logback is one per JVM: the last run's levels are what a logger sees.)
 */
class LoggingTest {

    private static final Instant NOW = Instant.parse("2026-02-28T12:00:00Z");

    private static final Logger OURS = LoggerFactory.getLogger("dev.openclaw.twin.daemon.Daemon");
    private static final Logger SSHD = LoggerFactory.getLogger("org.apache.sshd.common.util.security.SecurityUtils");
    private static final Logger BOUNCY_CASTLE = LoggerFactory.getLogger("org.bouncycastle.jce.provider.X");
    private static final Logger FORWARDER = LoggerFactory.getLogger("org.apache.sshd.common.forward.DefaultForwarder");

    @TempDir
    Path dir;

    /** Any command line that gets as far as running its command (a missing config ends it with 78). */
    private void twin(String... args) {
        CliRun run = CliRun.run(NOW, dir, args);
        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.BAD_CONFIG);
    }

    private String missing() {
        return dir.resolve("missing.yaml").toString();
    }

    @AfterEach
    void backToTheDaemonDefaults() {
        Logging.apply(Logging.Mode.DAEMON, false, java.util.Optional.empty());
    }

    @Test
    void aCommandShowsOnlyOurWarningsAndNothingOfTheLibraries() {
        twin("--config", missing(), "who");

        assertThat(OURS.isWarnEnabled()).isTrue();
        assertThat(OURS.isInfoEnabled()).isFalse();
        for (Logger library : new Logger[] {SSHD, BOUNCY_CASTLE, FORWARDER}) {
            assertThat(library.isErrorEnabled()).as(library.getName()).isFalse();
        }
        assertThat(LoggerFactory.getLogger("com.example.Anything").isErrorEnabled())
                .isFalse();
    }

    @Test
    void theDaemonKeepsItsInfoLogAndTheLibrariesWarningsButNotTheForwardersTraces() {
        twin("--config", missing(), "who");
        twin("--config", missing(), "daemon");

        assertThat(OURS.isInfoEnabled()).isTrue();
        assertThat(OURS.isDebugEnabled()).isFalse();
        assertThat(SSHD.isInfoEnabled()).isFalse();
        assertThat(SSHD.isWarnEnabled()).isTrue();
        assertThat(BOUNCY_CASTLE.isInfoEnabled()).isFalse();
        assertThat(FORWARDER.isWarnEnabled()).isFalse();
        assertThat(FORWARDER.isErrorEnabled()).isTrue();
    }

    @Test
    void verboseShowsTheLibrariesLogsInEitherPosition() {
        twin("-v", "--config", missing(), "backup", "list");
        assertThat(OURS.isDebugEnabled()).isTrue();
        assertThat(SSHD.isInfoEnabled()).isTrue();
        assertThat(FORWARDER.isInfoEnabled()).isTrue();

        twin("backup", "list", "--config", missing());
        assertThat(SSHD.isWarnEnabled()).isFalse();

        twin("backup", "list", "--config", missing(), "--verbose");
        assertThat(BOUNCY_CASTLE.isInfoEnabled()).isTrue();
    }

    @Test
    void twinLogLevelSetsOurLevel() {
        Logging.apply(Logging.Mode.DAEMON, false, java.util.Optional.of("debug"));
        assertThat(OURS.isDebugEnabled()).isTrue();
        assertThat(SSHD.isInfoEnabled()).isFalse();

        Logging.apply(Logging.Mode.DAEMON, false, java.util.Optional.of("nonsense"));
        assertThat(OURS.isInfoEnabled()).isTrue();
        assertThat(OURS.isDebugEnabled()).isFalse();
    }
}
