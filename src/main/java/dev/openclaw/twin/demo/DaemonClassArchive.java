package dev.openclaw.twin.demo;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A class-data archive (AppCDS) of a daemon's classes, for one Java and one class path: a daemon
 * started from it loads its classes mapped from the archive instead of parsing and verifying them,
 * about 40 % less CPU to its first heartbeat (1.4 s to 0.85 s on a loaded 2-core machine). A daemon
 * restarted mid-turn is taken for restarted only once it heartbeats, so this is most of the time
 * before its message is taken over (issue 15). Made once by a training run (a daemon started with
 * {@code -XX:ArchiveClassesAtExit} and stopped), written aside and renamed into place, so a daemon
 * never maps half of one; the JVM checks it against the class path itself and ignores (silently,
 * see {@link #jvmOptions}) one that does not match.
 *
 * @param file where the archive is (or will be, once trained)
 */
record DaemonClassArchive(Path file) {

    /** The archive for {@code java} and {@code classPath} in {@code directory}; its name says which build it is of. */
    static DaemonClassArchive in(Path directory, String java, String classPath) {
        return new DaemonClassArchive(directory.resolve("daemon-" + fingerprint(java, classPath) + ".jsa"));
    }

    /**
     * Whether a daemon of this class path can run from an archive: every entry a jar (the JVM
     * archives no class loaded from a directory, and refuses to make an archive at all then).
     */
    static boolean archivable(String classPath) {
        return java.util.Arrays.stream(classPath.split(File.pathSeparator))
                .allMatch(entry -> entry.endsWith(".jar") && Files.isRegularFile(Path.of(entry)));
    }

    /** Whether a training run has made it (a regular file, not a link someone put there). */
    boolean trained() {
        return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS);
    }

    /** Where a training run writes the archive before {@link #install} renames it into place. */
    Path trainingOutput() {
        return file.resolveSibling(
                file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
    }

    /** The JVM options of a training run: the classes it loaded are written to {@link #trainingOutput} at its exit. */
    List<String> trainingOptions() throws IOException {
        Files.createDirectories(file.getParent());
        return List.of("-XX:ArchiveClassesAtExit=" + trainingOutput(), "-Xlog:cds*=off");
    }

    /** Renames a training run's archive into place; false if the run wrote none (then nothing changes). */
    boolean install() throws IOException {
        Path output = trainingOutput();
        if (!Files.isRegularFile(output, LinkOption.NOFOLLOW_LINKS) || Files.size(output) == 0) {
            Files.deleteIfExists(output);
            return false;
        }
        Files.move(output, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        // One archive is kept, this build's: each is ~25 MB. A daemon running from an older one keeps it mapped.
        try (var others = Files.newDirectoryStream(file.getParent(), "daemon-*.jsa")) {
            for (Path other : others) {
                if (!other.equals(file)) {
                    Files.deleteIfExists(other);
                }
            }
        }
        return true;
    }

    /** The JVM options of a daemon started from the archive; a stale or unusable one is skipped without a word. */
    List<String> jvmOptions() {
        return List.of("-XX:SharedArchiveFile=" + file, "-Xshare:auto", "-Xlog:cds*=off");
    }

    /**
     * Names the build: the Java binary, the class path, and each class-path entry's size and
     * modification time (a rebuilt jar makes a new archive rather than one the JVM would refuse).
     */
    private static String fingerprint(String java, String classPath) {
        StringBuilder what = new StringBuilder(java).append('\n');
        for (String entry : classPath.split(File.pathSeparator)) {
            what.append(entry);
            try {
                BasicFileAttributes a = Files.readAttributes(Path.of(entry), BasicFileAttributes.class);
                what.append(' ')
                        .append(a.size())
                        .append(' ')
                        .append(a.lastModifiedTime().toMillis());
            } catch (IOException | RuntimeException e) {
                what.append(" ?");
            }
            what.append('\n');
        }
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256").digest(what.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        }
    }
}
