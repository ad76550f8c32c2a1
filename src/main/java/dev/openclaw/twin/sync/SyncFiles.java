package dev.openclaw.twin.sync;

import dev.openclaw.twin.files.AtomicFile;
import dev.openclaw.twin.files.ExclusiveCreate;
import dev.openclaw.twin.files.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The file operations sync is made of. Every write goes to a temporary file beside its target and
 * is renamed over it, so a reader (or a sync killed half way) never sees half a file.
 */
final class SyncFiles {

    /** Temporary files named so that leftovers are recognised and never synced. */
    private static final AtomicFile WRITER = new AtomicFile(FileRules.TEMP_PREFIX, false, false);

    private SyncFiles() {}

    static String sha256(Path file) throws IOException {
        return Sha256.hex(file, LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Copies {@code source} to {@code target} atomically and returns the sha256 of what was copied
     * (read once: the copy and the hash are of the same bytes even if the source changes meanwhile).
     */
    static String copyAtomically(Path source, Path root, Path target) throws IOException {
        createParents(root, target);
        String[] hash = new String[1];
        WRITER.write(target, out -> {
            try (Sha256.Hashing in = Sha256.hashing(Files.newInputStream(source, LinkOption.NOFOLLOW_LINKS))) {
                in.transferTo(out);
                hash[0] = in.hex();
            }
        });
        return hash[0];
    }

    static void writeAtomically(Path root, Path target, byte[] content) throws IOException {
        createParents(root, target);
        WRITER.write(target, content);
    }

    /**
     * Creates {@code target} holding {@code content} unless something of that name exists, by an
     * exclusive open (as the previous version creates its lock file), no link followed.
     *
     * @return true if this call created it
     */
    static boolean createExclusively(Path target, byte[] content) throws IOException {
        return WRITER.createExclusive(target, content, ExclusiveCreate.EXCLUSIVE_OPEN);
    }

    /** Now on the clock of the file system holding {@code dir}: the time a file written there gets. */
    static java.nio.file.attribute.FileTime fileSystemNow(Path dir) throws IOException {
        Path probe = temp(dir.resolve("clock"));
        try {
            Files.createFile(probe);
            return Files.getLastModifiedTime(probe);
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    /** Deletes {@code file}, then its parent directories up to {@code root} while they are empty. */
    static void delete(Path root, Path file) throws IOException {
        Files.deleteIfExists(file);
        for (Path dir = file.getParent();
                dir != null && !dir.equals(root) && dir.startsWith(root);
                dir = dir.getParent()) {
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    return;
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    /** Removes temporary files a killed sync left under {@code root} (never descending into per-twin folders). */
    static int removeLeftovers(Path root, FileRules rules) throws IOException {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        int[] removed = {0};
        Files.walkFileTree(root, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult preVisitDirectory(
                    Path dir, java.nio.file.attribute.BasicFileAttributes attrs) {
                return rules.enters(LocalTree.relative(root, dir))
                        ? java.nio.file.FileVisitResult.CONTINUE
                        : java.nio.file.FileVisitResult.SKIP_SUBTREE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes attrs)
                    throws IOException {
                if (file.getFileName().toString().startsWith(FileRules.TEMP_PREFIX)) {
                    Files.deleteIfExists(file);
                    removed[0]++;
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e) {
                return java.nio.file.FileVisitResult.CONTINUE;
            }
        });
        return removed[0];
    }

    /**
     * Creates the directories between {@code root} and {@code target}, but never {@code root} itself:
     * a share that went away must not be recreated as an empty local directory.
     */
    private static void createParents(Path root, Path target) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new java.nio.file.NoSuchFileException(root.toString(), null, "went away during the sync");
        }
        Files.createDirectories(target.getParent());
    }

    private static Path temp(Path target) {
        return target.resolveSibling(FileRules.TEMP_PREFIX + UUID.randomUUID() + ".tmp");
    }
}
