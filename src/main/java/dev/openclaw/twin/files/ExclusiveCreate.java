package dev.openclaw.twin.files;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How a file is created only-if-absent: by hard-linking a finished private file into place (readers
 * never see it half-written), or, on shares that cannot link (some SMB mounts), by an exclusive open.
 */
public enum ExclusiveCreate {
    HARD_LINK,
    EXCLUSIVE_OPEN;

    /**
     * Links a probe file in {@code dir} once: {@link #HARD_LINK} unless the file system answers
     * definitely that it cannot link. Any other failure (share gone, permission, disk full) decides
     * nothing and is thrown, so a passing outage never switches links off for good.
     */
    public static ExclusiveCreate probe(Path dir) throws IOException {
        String name = ".link-probe-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        Path source = dir.resolve(name);
        Path link = dir.resolve(name + ".link");
        try {
            Files.write(source, new byte[0], java.nio.file.StandardOpenOption.CREATE_NEW);
            Files.createLink(link, source);
            return HARD_LINK;
        } catch (UnsupportedOperationException | FileSystemException e) {
            if (linksUnsupported(e)) {
                return EXCLUSIVE_OPEN;
            }
            throw e instanceof IOException io ? io : new IOException(e);
        } finally {
            Files.deleteIfExists(link);
            Files.deleteIfExists(source);
        }
    }

    /**
     * A definite "this file system cannot link" (EPERM, ENOTSUP/EOPNOTSUPP, EXDEV, ENOSYS), as opposed
     * to a failure that says nothing about links.
     */
    public static boolean linksUnsupported(Exception e) {
        if (e instanceof UnsupportedOperationException) {
            return true;
        }
        if (!(e instanceof FileSystemException fse)
                || e instanceof NoSuchFileException
                || e instanceof AccessDeniedException
                || fse.getReason() == null) {
            return false;
        }
        String reason = fse.getReason().toLowerCase(Locale.ROOT);
        return reason.contains("operation not permitted")
                || reason.contains("not supported")
                || reason.contains("cross-device")
                || reason.contains("function not implemented");
    }
}
