package dev.openclaw.twin.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import java.util.List;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * Logback's levels for one run, set before the command runs: a command prints its own output and
 * nothing of the libraries', the daemon keeps its own INFO log (on stderr, for systemd/launchd)
 * with the libraries' INFO chatter turned down. {@code --verbose} shows it all; {@code
 * TWIN_LOG_LEVEL} sets our own level.
 */
final class Logging {

    /** How the process runs: a short command a person reads, or the daemon a service manager logs. */
    enum Mode {
        COMMAND,
        DAEMON
    }

    static final String OURS = "dev.openclaw.twin";

    /**
     * Libraries that log at INFO what a user never needs: BouncyCastle registered, MINA's I/O
     * factory chosen, the server's host-bound key extension, ...
     */
    static final List<String> LIBRARIES = List.of(
            "org.apache.sshd",
            "org.bouncycastle",
            "tools.jackson",
            "com.fasterxml.jackson",
            "io.prometheus",
            "org.eclipse.angus",
            "jakarta.mail",
            "org.snakeyaml");

    /**
     * MINA's port forwarder logs each connection the remote end refused as a WARN with a
     * NullPointerException trace (five a second while a rescue polls a gateway that is down); the
     * probe's own result says the same in one line.
     */
    static final String FORWARDER = "org.apache.sshd.common.forward";

    private Logging() {}

    /** Sets the levels for {@code mode}; {@code ourLevel} (TWIN_LOG_LEVEL) overrides ours when valid. */
    static void apply(Mode mode, boolean verbose, Optional<String> ourLevel) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        Level ours;
        Level libraries;
        Level forwarder;
        if (verbose) {
            ours = Level.DEBUG;
            libraries = Level.INFO;
            forwarder = Level.INFO;
        } else if (mode == Mode.DAEMON) {
            ours = Level.INFO;
            libraries = Level.WARN;
            forwarder = Level.ERROR;
        } else {
            ours = Level.WARN;
            libraries = Level.OFF;
            forwarder = Level.OFF;
        }
        ours = ourLevel.map(text -> Level.toLevel(text, null)).orElse(ours);
        context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(libraries);
        for (String name : LIBRARIES) {
            context.getLogger(name).setLevel(libraries);
        }
        context.getLogger(FORWARDER).setLevel(forwarder);
        context.getLogger(OURS).setLevel(ours);
    }
}
