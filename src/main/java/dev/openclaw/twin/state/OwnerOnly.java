package dev.openclaw.twin.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Files that may hold secrets (configs, keys, snapshots) are readable by their owner only: 0600
 * for files, 0700 for directories. On a file system without POSIX permissions its defaults apply.
 */
public final class OwnerOnly {

    private OwnerOnly() {}

    /** Makes {@code file} 0600. */
    public static void file(Path file) throws IOException {
        set(file, "rw-------");
    }

    /** Creates {@code dir} and any missing parents, each new one 0700. */
    public static void directories(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            return;
        }
        Path parent = absolute.getParent();
        if (parent != null) {
            directories(parent);
        }
        Files.createDirectories(absolute);
        set(absolute, "rwx------");
    }

    private static void set(Path path, String permissions) throws IOException {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system (e.g. some SMB mounts): its own defaults apply
        }
    }
}
