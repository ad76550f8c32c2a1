package dev.openclaw.twin.rescue;

import dev.openclaw.twin.config.TwinsConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenClaw's own backup archive of a twin ({@code openclaw backup create}), made on the twin's host
 * in a private temp directory and streamed back over SSH, for hosts where that command exists.
 */
public final class OpenClawArchive {

    /** The archive's name inside a snapshot. */
    public static final String SNAPSHOT_NAME = "openclaw-backup.tar.gz";

    /** Exit status of the script below when the openclaw command is not on the host. */
    private static final int NOT_INSTALLED = 127;

    /**
     * Fixed text, never built from config: the openclaw command and its arguments arrive as {@code
     * "$@"}. The archive is written to a fresh private directory, printed, and the directory removed.
     */
    private static final String SCRIPT = String.join(
            "\n",
            "command -v \"$1\" >/dev/null 2>&1 || exit " + NOT_INSTALLED,
            "set -e",
            "umask 077",
            "tmp=$(mktemp -d)",
            "trap 'rm -rf -- \"$tmp\"' EXIT",
            "\"$@\" --output \"$tmp\" --json >\"$tmp/result.json\" 2>\"$tmp/errors.txt\" || { cat \"$tmp/errors.txt\" >&2; exit 1; }",
            "set -- \"$tmp\"/*.tar.gz",
            "[ -f \"$1\" ] || { echo 'openclaw backup create wrote no archive' >&2; exit 1; }",
            "cat -- \"$1\"");

    /** What came of asking for the archive. */
    public sealed interface Outcome {
        record Archive(byte[] content) implements Outcome {}

        /** The host has no openclaw command (or the archive is turned off): nothing to add. */
        record Unavailable(String why) implements Outcome {}

        record Failed(String why) implements Outcome {}
    }

    private OpenClawArchive() {}

    public static Outcome fetch(
            SshConnection ssh, TwinsConfig.Twin twin, TwinsConfig.Backup settings, Duration timeout) {
        if (settings.archive() == TwinsConfig.Archive.OFF) {
            return new Outcome.Unavailable("backup.openclaw_archive is off");
        }
        List<String> argv = new ArrayList<>(List.of("sh", "-c", SCRIPT, "sh"));
        argv.addAll(settings.openclawCommand());
        argv.addAll(List.of("backup", "create"));
        argv.add(settings.archive() == TwinsConfig.Archive.CONFIG ? "--only-config" : "--no-include-workspace");
        try {
            SshConnection.Result result = ssh.run(RemoteCommand.of(argv).in(twin.openclawPath()), timeout);
            if (result.exitStatus() == NOT_INSTALLED) {
                return new Outcome.Unavailable(
                        "'" + settings.openclawCommand().getFirst() + "' is not on " + twin.name() + "'s PATH");
            }
            if (!result.ok() || result.out().length == 0) {
                return new Outcome.Failed("openclaw backup create on " + twin.name() + ": "
                        + result.stderr().strip());
            }
            return new Outcome.Archive(result.out());
        } catch (SshException e) {
            return new Outcome.Failed(e.getMessage());
        }
    }
}
