package dev.openclaw.twin.sync;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A twin's folder as it is now: every synced file with its content hash. A file whose size and
 * modification time match what the manifest recorded keeps its recorded hash without being read;
 * directories that stay per twin are never entered.
 */
final class LocalTree {

    /** The files, and the paths left alone this time (too big, symlinks, unreadable) with why. */
    record Scan(Map<String, FileState> files, Map<String, String> skipped, List<Path> leftovers) {}

    private LocalTree() {}

    /**
     * @param known the hashes recorded last time, by relative path
     * @param reading told of each file actually read (hashed), for tests and diagnostics
     */
    static Scan scan(Path root, FileRules rules, Map<String, FileState> known, long maxSize, Consumer<Path> reading)
            throws IOException {
        Map<String, FileState> files = new HashMap<>();
        Map<String, String> skipped = new HashMap<>();
        List<Path> leftovers = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return new Scan(files, skipped, leftovers);
        }
        Path realRoot = root.toRealPath();
        List<IOException> failures = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                return rules.enters(relative(root, dir)) ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String rel = relative(root, file);
                if (file.getFileName().toString().startsWith(FileRules.TEMP_PREFIX)) {
                    leftovers.add(file); // a killed sync's temporary file
                    return FileVisitResult.CONTINUE;
                }
                if (!rules.syncs(rel)) {
                    return FileVisitResult.CONTINUE;
                }
                java.util.Optional<String> badName = SyncPath.problem(rel);
                if (badName.isPresent()) {
                    skipped.put(SyncPath.printable(rel), "skipped: a name sync does not carry (" + badName.get() + ")");
                    return FileVisitResult.CONTINUE;
                }
                if (attrs.isSymbolicLink()) {
                    skipped.put(rel, symlink(realRoot, file));
                    return FileVisitResult.CONTINUE;
                }
                if (!attrs.isRegularFile()) {
                    return FileVisitResult.CONTINUE;
                }
                if (attrs.size() > maxSize) {
                    skipped.put(rel, "skipped: " + attrs.size() + " bytes, over sync.max_file_size (" + maxSize + ")");
                    return FileVisitResult.CONTINUE;
                }
                long modified = attrs.lastModifiedTime().toMillis();
                FileState before = known.get(rel);
                if (before != null && before.size() == attrs.size() && before.modifiedMillis() == modified) {
                    files.put(rel, before);
                    return FileVisitResult.CONTINUE;
                }
                try {
                    reading.accept(file);
                    files.put(rel, new FileState(SyncFiles.sha256(file), attrs.size(), modified));
                } catch (IOException e) {
                    skipped.put(rel, "unreadable: " + e.getMessage());
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                if (file.equals(root)) {
                    failures.add(e);
                } else {
                    skipped.put(relative(root, file), "unreadable: " + e.getMessage());
                }
                return FileVisitResult.CONTINUE;
            }
        });
        if (!failures.isEmpty()) {
            throw failures.getFirst();
        }
        return new Scan(files, skipped, leftovers);
    }

    private static String symlink(Path realRoot, Path link) {
        try {
            Path target = link.toRealPath();
            return target.startsWith(realRoot)
                    ? "skipped: a symlink (not synced)"
                    : "refused: a symlink leading out of the folder (to " + target + ")";
        } catch (IOException e) {
            return "skipped: a broken symlink";
        }
    }

    /** {@code file} relative to {@code root} with '/' separators; "" for the root. */
    static String relative(Path root, Path file) {
        String rel = root.relativize(file).toString();
        return java.io.File.separatorChar == '/' ? rel : rel.replace(java.io.File.separatorChar, '/');
    }
}
