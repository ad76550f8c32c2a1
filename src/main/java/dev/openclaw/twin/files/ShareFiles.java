package dev.openclaw.twin.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every access to files under the share, which anyone who can write to it may have planted: paths
 * are relative ({@code twin/heartbeats/tars.json}) and checked component by component without
 * following links (a symbolic link anywhere below the root is refused, never followed, for reading,
 * writing, appending and deleting alike), the directory reached must still be below the root's
 * real path, only regular files are opened, and reads are bounded. The root itself is the
 * operator's choice and may be a link (a mount point's alias).
 *
 * <p>A refused path is a {@link Refused} read or a {@link RefusedException}; an {@link IOException}
 * otherwise means the share itself is in trouble.
 */
public final class ShareFiles {

    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    private final Path root;
    private final AtomicFile atomic = AtomicFile.PLAIN;

    public ShareFiles(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** The outcome of reading one file. */
    public sealed interface Read {}

    public record Content(byte[] bytes) implements Read {}

    public record Missing() implements Read {}

    /** The file is there but not read: {@code problem} says why, for a human. */
    public record Refused(String problem) implements Read {}

    /** A path that leads through a link, to something that is not a regular file, or outside. */
    public static final class RefusedException extends FileSystemException {
        public RefusedException(String relative, String reason) {
            super(relative, null, reason);
        }
    }

    /** What a directory entry is, as seen without following it. */
    public enum Kind {
        FILE,
        DIRECTORY,
        LINK,
        OTHER
    }

    public record Entry(String name, Kind kind, long size, Instant modified) {}

    /** Whether the root directory exists (following a link at the root itself). */
    public boolean rootExists() {
        return Files.isDirectory(root);
    }

    /**
     * Reads {@code relative} whole if it is a regular file of at most {@code limit} bytes, never
     * allocating more than that.
     */
    public Read read(String relative, int limit) throws IOException {
        Path file;
        try {
            Optional<Path> found = existingParent(relative);
            if (found.isEmpty()) {
                return new Missing();
            }
            file = found.get();
        } catch (RefusedException e) {
            return new Refused(e.getReason());
        }
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class, NOFOLLOW);
        } catch (NoSuchFileException e) {
            return new Missing();
        }
        Optional<String> refusal = notARegularFile(attributes);
        if (refusal.isPresent()) {
            return new Refused(refusal.get());
        }
        if (attributes.size() > limit) {
            return new Refused(tooLarge(attributes.size(), limit));
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, NOFOLLOW)) {
            // The file may have grown since it was measured: read at most one byte past the limit.
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(limit + 1L, Math.max(attributes.size(), 0) + 1));
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                if (!buffer.hasRemaining() && buffer.capacity() <= limit) {
                    buffer = grow(buffer, limit);
                }
            }
            if (buffer.position() > limit) {
                return new Refused(tooLarge(channel.size(), limit));
            }
            byte[] bytes = new byte[buffer.position()];
            buffer.flip().get(bytes);
            return new Content(bytes);
        } catch (NoSuchFileException e) {
            return new Missing(); // replaced or pruned between the look and the open
        } catch (AccessDeniedException e) {
            return new Refused("permission denied");
        } catch (FileSystemException e) {
            if (isLinkLoop(e)) {
                return new Refused("is a symbolic link (not followed)"); // swapped in after the look
            }
            throw e;
        }
    }

    /** Replaces {@code relative} whole (temp file, fsync, rename), creating missing directories. */
    public void write(String relative, byte[] content) throws IOException {
        atomic.write(parentForWriting(relative), content);
    }

    /**
     * Appends {@code content} to {@code relative} (created if missing) with O_APPEND, so each append
     * lands whole; refuses a link or anything but a regular file.
     */
    public void append(String relative, byte[] content) throws IOException {
        Path file = parentForWriting(relative);
        try {
            refuseUnlessRegular(relative, Files.readAttributes(file, BasicFileAttributes.class, NOFOLLOW));
        } catch (NoSuchFileException e) {
            // created below
        }
        try (FileChannel channel = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND, NOFOLLOW)) {
            AtomicFile.writeFully(channel, content);
        } catch (FileSystemException e) {
            if (isLinkLoop(e)) {
                throw new RefusedException(relative, "is a symbolic link (not followed)");
            }
            throw e;
        }
    }

    /**
     * Creates {@code relative} with {@code content} unless something of that name exists, atomically
     * across hosts.
     *
     * @return true if this call created it
     */
    public boolean createExclusive(String relative, byte[] content, ExclusiveCreate how) throws IOException {
        return atomic.createExclusive(parentForWriting(relative), content, how);
    }

    /** Finds out how this share creates exclusively, probing in {@code relativeDir} (created if missing). */
    public ExclusiveCreate probeExclusiveCreate(String relativeDir) throws IOException {
        Path dir = parentForWriting(relativeDir + "/probe").getParent();
        return ExclusiveCreate.probe(dir);
    }

    /** When the regular file {@code relative} was last modified, on the share's clock. */
    public Optional<Instant> modified(String relative) throws IOException {
        try {
            Optional<Path> file = existingParent(relative);
            if (file.isEmpty()) {
                return Optional.empty();
            }
            BasicFileAttributes attributes = Files.readAttributes(file.get(), BasicFileAttributes.class, NOFOLLOW);
            return attributes.isRegularFile()
                    ? Optional.of(attributes.lastModifiedTime().toInstant())
                    : Optional.empty();
        } catch (NoSuchFileException | RefusedException e) {
            return Optional.empty();
        }
    }

    /**
     * The entries of directory {@code relative}, each as seen without following it; empty if the
     * directory does not exist.
     *
     * @throws RefusedException if it (or a directory on the way) is a link or not a directory
     */
    public List<Entry> list(String relative) throws IOException {
        Optional<Path> found = existingParent(relative + "/x");
        if (found.isEmpty()) {
            return List.of();
        }
        Path dir = found.get().getParent();
        List<Entry> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path path : stream) {
                try {
                    BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class, NOFOLLOW);
                    entries.add(new Entry(
                            path.getFileName().toString(),
                            kindOf(a),
                            a.size(),
                            a.lastModifiedTime().toInstant()));
                } catch (NoSuchFileException e) {
                    // deleted meanwhile
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        return entries;
    }

    /**
     * Deletes the regular file {@code relative}; never a link's target, a directory or a file reached
     * through a link.
     *
     * @return true if this call deleted it
     */
    public boolean delete(String relative) throws IOException {
        Optional<Path> file = existingParent(relative);
        if (file.isEmpty()) {
            return false;
        }
        try {
            if (!Files.readAttributes(file.get(), BasicFileAttributes.class, NOFOLLOW)
                    .isRegularFile()) {
                return false;
            }
            return Files.deleteIfExists(file.get()); // unlink(2): acts on the name, never follows it
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    // ---- the walk ----------------------------------------------------------------------------

    /** {@code relative}'s path if every directory before its last name exists, is a directory and no link. */
    private Optional<Path> existingParent(String relative) throws IOException {
        return walk(relative, false);
    }

    /** {@code relative}'s path, its missing directories created (never the root itself). */
    private Path parentForWriting(String relative) throws IOException {
        if (!rootExists()) {
            throw new NoSuchFileException(root.toString(), null, "shared state directory is missing");
        }
        return walk(relative, true).orElseThrow();
    }

    private Optional<Path> walk(String relative, boolean create) throws IOException {
        String[] names = names(relative);
        Path dir = root;
        StringBuilder seen = new StringBuilder();
        for (int i = 0; i < names.length - 1; i++) {
            seen.append(i == 0 ? "" : "/").append(names[i]);
            Path next = dir.resolve(names[i]);
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(next, BasicFileAttributes.class, NOFOLLOW);
            } catch (NoSuchFileException e) {
                if (!create) {
                    return Optional.empty();
                }
                try {
                    Files.createDirectory(next);
                } catch (FileAlreadyExistsException raced) {
                    // made by another writer at the same time: looked at below
                }
                a = Files.readAttributes(next, BasicFileAttributes.class, NOFOLLOW);
            }
            if (a.isSymbolicLink()) {
                throw new RefusedException(seen.toString(), "is a symbolic link (not followed)");
            }
            if (!a.isDirectory()) {
                throw new RefusedException(seen.toString(), "is not a directory");
            }
            dir = next;
        }
        if (names.length > 1) {
            // Belt and braces for what the walk cannot see (a bind mount, a race with a swap).
            Path real = dir.toRealPath();
            if (!real.startsWith(root.toRealPath())) {
                throw new RefusedException(seen.toString(), "leads outside the shared directory");
            }
        }
        return Optional.of(dir.resolve(names[names.length - 1]));
    }

    /** The names of a relative path made by this program: no empty, '.', '..' or absolute parts. */
    private static String[] names(String relative) {
        String[] names = relative.split("/", -1);
        for (String name : names) {
            if (name.isEmpty()
                    || name.equals(".")
                    || name.equals("..")
                    || name.indexOf('\\') >= 0
                    || name.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("not a relative path below the share: " + relative);
            }
        }
        return names;
    }

    private static void refuseUnlessRegular(String relative, BasicFileAttributes a) throws RefusedException {
        Optional<String> refusal = notARegularFile(a);
        if (refusal.isPresent()) {
            throw new RefusedException(relative, refusal.get());
        }
    }

    private static Optional<String> notARegularFile(BasicFileAttributes a) {
        if (a.isSymbolicLink()) {
            return Optional.of("is a symbolic link (not followed)");
        }
        if (a.isDirectory()) {
            return Optional.of("is a directory, not a file");
        }
        if (!a.isRegularFile()) {
            return Optional.of("is not a regular file");
        }
        return Optional.empty();
    }

    private static Kind kindOf(BasicFileAttributes a) {
        return a.isSymbolicLink()
                ? Kind.LINK
                : a.isDirectory() ? Kind.DIRECTORY : a.isRegularFile() ? Kind.FILE : Kind.OTHER;
    }

    private static ByteBuffer grow(ByteBuffer buffer, int limit) {
        ByteBuffer bigger = ByteBuffer.allocate((int) Math.min(limit + 1L, buffer.capacity() * 2L));
        buffer.flip();
        return bigger.put(buffer);
    }

    /** O_NOFOLLOW's ELOOP: the name became a link between the look and the open. */
    private static boolean isLinkLoop(FileSystemException e) {
        return e.getReason() != null
                && e.getReason().toLowerCase(java.util.Locale.ROOT).contains("symbolic link");
    }

    private static String tooLarge(long size, int limit) {
        return "too large (" + size + " bytes, limit " + limit + ")";
    }
}
