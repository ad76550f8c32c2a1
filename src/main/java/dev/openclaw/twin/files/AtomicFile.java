package dev.openclaw.twin.files;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * Whole-file writes that readers see before or after, never half done: the content goes to a
 * temporary file beside the target (created exclusively, never through a symbolic link), is flushed
 * to disk and renamed over the target. A symbolic link at the target is replaced, never followed.
 *
 * @param tempPrefix how temporary files' names start, so a clean-up can recognise leftovers
 * @param ownerOnly create the file 0600 (it may hold secrets) from its first byte on
 * @param syncDirectory also flush the directory after the rename, so the new name survives a crash
 *     (for files written once in a while, like configs; state rewritten every heartbeat skips it:
 *     it halves the write's cost on a busy disk)
 */
public record AtomicFile(String tempPrefix, boolean ownerOnly, boolean syncDirectory) {

    /** Hidden temporary files ({@code .<name>.<random>.tmp}), default permissions. */
    public static final AtomicFile PLAIN = new AtomicFile(".", false, false);
    /** Hidden temporary files, 0600, the rename flushed too: configs, keys. */
    public static final AtomicFile OWNER_ONLY = new AtomicFile(".", true, true);

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String TEMP_SUFFIX = ".tmp";

    /** What is written, streamed. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Whether {@code name} is a temporary file this primitive would make with {@code prefix}. */
    public boolean isTemporary(String name) {
        return name.startsWith(tempPrefix) && name.endsWith(TEMP_SUFFIX);
    }

    public void write(Path target, byte[] content) throws IOException {
        write(target, out -> out.write(content));
    }

    public void write(Path target, Content content) throws IOException {
        write(target, content, null);
    }

    /**
     * As {@link #write(Path, byte[])}, the new file given {@code mode} before it takes the target's
     * name (e.g. the mode of the file it replaces); {@code null}, or no POSIX permissions here: as
     * created.
     */
    public void write(Path target, byte[] content, Set<PosixFilePermission> mode) throws IOException {
        write(target, out -> out.write(content), mode);
    }

    private void write(Path target, Content content, Set<PosixFilePermission> mode) throws IOException {
        Path temp = temporaryFor(target);
        try {
            try (FileChannel channel = create(temp)) {
                OutputStream out = Channels.newOutputStream(channel);
                content.writeTo(out);
                out.flush();
                channel.force(true);
            }
            if (mode != null) {
                try {
                    Files.setPosixFilePermissions(temp, mode);
                } catch (UnsupportedOperationException e) {
                    // no POSIX permissions here: the file system's defaults apply
                }
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            if (syncDirectory) {
                flushDirectory(target.toAbsolutePath().getParent());
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Creates {@code target} holding {@code content} unless a file (or link) of that name exists,
     * atomically across processes and hosts.
     *
     * @return true if this call created it
     */
    public boolean createExclusive(Path target, byte[] content, ExclusiveCreate how) throws IOException {
        return switch (how) {
            case HARD_LINK -> createByLink(target, content);
            case EXCLUSIVE_OPEN -> createByOpen(target, content);
        };
    }

    /**
     * Written privately, then hard-linked into place: link(2) fails if the name exists (atomic on
     * local disks and NFS) and readers never see the file half-written.
     */
    private boolean createByLink(Path target, byte[] content) throws IOException {
        Path temp = temporaryFor(target);
        try {
            try (FileChannel channel = create(temp)) {
                writeFully(channel, content);
                channel.force(true);
            }
            Files.createLink(target, temp);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (UnsupportedOperationException e) {
            throw new FileSystemException(target.toString(), null, "hard links not supported");
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** O_CREAT|O_EXCL (atomic on SMB2+); a reader may briefly see the file empty. */
    private boolean createByOpen(Path target, byte[] content) throws IOException {
        try (FileChannel channel = create(target)) {
            writeFully(channel, content);
            channel.force(true);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        }
    }

    private FileChannel create(Path file) throws IOException {
        Set<OpenOption> options =
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        if (!ownerOnly) {
            return FileChannel.open(file, options);
        }
        FileAttribute<?> mode = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
        try {
            return FileChannel.open(file, options, mode);
        } catch (UnsupportedOperationException e) {
            return FileChannel.open(file, options); // no POSIX permissions here: the file system's defaults apply
        }
    }

    private Path temporaryFor(Path target) {
        byte[] random = new byte[6];
        RANDOM.nextBytes(random);
        // The target's name is kept (capped) so a leftover says whose it was, within NAME_MAX.
        String name = target.getFileName().toString();
        name = name.length() > 100 ? name.substring(0, 100) : name;
        return target.resolveSibling(tempPrefix + name + "." + HexFormat.of().formatHex(random) + TEMP_SUFFIX);
    }

    static void writeFully(FileChannel channel, byte[] content) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** Makes the rename itself durable where the platform allows opening a directory. */
    private static void flushDirectory(Path dir) {
        if (dir == null) {
            return;
        }
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not possible on every platform or file system; the file's own fsync happened
        }
    }
}
