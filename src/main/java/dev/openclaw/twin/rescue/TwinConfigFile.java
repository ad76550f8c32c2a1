package dev.openclaw.twin.rescue;

import dev.openclaw.twin.files.AtomicFile;
import dev.openclaw.twin.state.OwnerOnly;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * A twin's {@code openclaw.json}, on this machine or on the twin's host over SSH: read for a
 * snapshot, replaced on restore with the old one kept aside ({@code <file>.replaced-<id>}), the
 * new one written beside it and renamed into place so the gateway never reads half a file.
 */
public sealed interface TwinConfigFile {

    /** The file's name inside a snapshot. */
    String SNAPSHOT_NAME = "openclaw.json";

    byte[] read() throws IOException;

    /**
     * Replaces the file with {@code content}, keeping the current one as {@code
     * <file>.replaced-<time>} (the time {@code at}, UTC, to the second).
     *
     * @return where the replaced file was kept, or empty text when there was none
     */
    String replace(byte[] content, Instant at) throws IOException;

    /** The suffix of the file kept aside: {@code .replaced-20261129T120000Z}. */
    static String asideSuffix(Instant at) {
        return ".replaced-"
                + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                        .withZone(ZoneOffset.UTC)
                        .format(at);
    }

    /** Where the file is, for reports. */
    String describe();

    /** The file on this machine. */
    record Local(Path file) implements TwinConfigFile {
        @Override
        public byte[] read() throws IOException {
            return Files.readAllBytes(file);
        }

        @Override
        public String replace(byte[] content, Instant at) throws IOException {
            Path dir = file.toAbsolutePath().getParent();
            OwnerOnly.directories(dir);
            String aside = "";
            if (Files.exists(file)) {
                Path kept = file.resolveSibling(file.getFileName() + asideSuffix(at));
                Files.copy(file, kept, StandardCopyOption.COPY_ATTRIBUTES);
                aside = kept.toString();
            }
            AtomicFile.OWNER_ONLY.write(file, content);
            return aside;
        }

        @Override
        public String describe() {
            return "local " + file;
        }
    }

    /** The file on the twin's host, {@code ~/} meaning that host's home. */
    record OverSsh(SshConnection ssh, String path, Duration timeout) implements TwinConfigFile {

        /**
         * Fixed text, never built from config: the paths arrive as {@code $1} (file) and {@code
         * $2} (where the current one is kept), quoted by the caller's argument vector.
         */
        private static final String REPLACE_SCRIPT = String.join(
                "\n",
                "set -e",
                "umask 077",
                "mkdir -p -- \"$(dirname -- \"$1\")\"",
                "if [ -e \"$1\" ]; then cp -p -- \"$1\" \"$2\"; echo \"$2\"; fi",
                "cat > \"$1.twin-restore\"",
                "mv -f -- \"$1.twin-restore\" \"$1\"");

        @Override
        public byte[] read() throws IOException {
            SshConnection.Result result = ssh.run(
                    RemoteCommand.withPaths(List.of(
                            RemoteCommand.Word.text("cat"),
                            RemoteCommand.Word.text("--"),
                            RemoteCommand.Word.path(path))),
                    timeout);
            if (!result.ok()) {
                throw new IOException(
                        "cannot read " + describe() + ": " + result.stderr().strip());
            }
            return result.out();
        }

        @Override
        public String replace(byte[] content, Instant at) throws IOException {
            SshConnection.Result result = ssh.run(
                    RemoteCommand.withPaths(List.of(
                            RemoteCommand.Word.text("sh"),
                            RemoteCommand.Word.text("-c"),
                            RemoteCommand.Word.text(REPLACE_SCRIPT),
                            RemoteCommand.Word.text("sh"),
                            RemoteCommand.Word.path(path),
                            RemoteCommand.Word.path(path + asideSuffix(at)))),
                    content,
                    timeout);
            if (!result.ok()) {
                throw new IOException("cannot write " + describe() + ": " + result.output());
            }
            return result.stdout().strip();
        }

        @Override
        public String describe() {
            return ssh.target().twin() + ":" + path;
        }
    }
}
