package dev.openclaw.twin.demo;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A cloud-sync service for the demo (iCloud Drive, Dropbox, Syncthing): every twin has its own copy
 * of the folder, and every {@code interval} each copy is synced both ways with the service's copy,
 * so a change reaches the other twins one to two intervals later. Like the real services: a file
 * changed on one side is copied to the other, the newer (by modification time, kept on the copy)
 * winning when both changed; each copy is written to a temporary file and renamed into place, so a
 * reader never sees half a file; a copy that is not there (the folder unavailable on that machine)
 * is skipped, never recreated. Not modelled: deletions (nothing a flock deletes within a demo run;
 * claims are pruned after a day) and the conflict copies a service keeps of the losing side.
 * Hidden files (names starting with '.') are the writers' temporary files: never synced.
 */
final class CloudFolderSync implements AutoCloseable {

    private final Path service;
    private final List<Path> copies;
    private final Duration interval;
    private final AtomicLong filesCopied = new AtomicLong();
    private volatile boolean stopped;
    private Thread thread;

    CloudFolderSync(Path service, List<Path> copies, Duration interval) {
        this.service = service;
        this.copies = List.copyOf(copies);
        this.interval = interval;
    }

    void start() {
        thread = Thread.ofPlatform().name("demo-cloud-sync").daemon().start(this::run);
    }

    long filesCopied() {
        return filesCopied.get();
    }

    private void run() {
        while (!stopped) {
            long next = System.nanoTime() + interval.toNanos();
            syncOnce();
            LockSupport.parkNanos(next - System.nanoTime()); // the service's schedule, not a wait for a condition
        }
    }

    /** One round: each copy in turn, both ways with the service's copy. */
    void syncOnce() {
        for (Path copy : copies) {
            if (stopped) {
                return;
            }
            try {
                syncPair(copy, service);
            } catch (IOException e) {
                // The copy went away mid-round (the nemesis took it): the next round syncs it.
            }
        }
    }

    private void syncPair(Path a, Path b) throws IOException {
        if (!Files.isDirectory(a, LinkOption.NOFOLLOW_LINKS) || !Files.isDirectory(b, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Map<Path, FileTime> inA = files(a);
        Map<Path, FileTime> inB = files(b);
        for (Map.Entry<Path, FileTime> e : inA.entrySet()) {
            FileTime other = inB.get(e.getKey());
            if (other == null || e.getValue().compareTo(other) > 0) {
                copy(a, b, e.getKey());
            }
        }
        for (Map.Entry<Path, FileTime> e : inB.entrySet()) {
            FileTime other = inA.get(e.getKey());
            if (other == null || e.getValue().compareTo(other) > 0) {
                copy(b, a, e.getKey());
            }
        }
    }

    /** Every regular, non-hidden file below {@code root} (links not followed) and its modification time. */
    private static Map<Path, FileTime> files(Path root) throws IOException {
        Map<Path, FileTime> found = new HashMap<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                return !dir.equals(root) && hidden(dir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile() && !hidden(file)) {
                    found.put(root.relativize(file), attrs.lastModifiedTime());
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE; // renamed or deleted while we looked
            }
        });
        return found;
    }

    private static boolean hidden(Path path) {
        return path.getFileName().toString().startsWith(".");
    }

    private void copy(Path from, Path to, Path relative) throws IOException {
        Path source = from.resolve(relative);
        Path target = to.resolve(relative);
        byte[] bytes;
        FileTime modified;
        try {
            modified = Files.getLastModifiedTime(source, LinkOption.NOFOLLOW_LINKS);
            bytes = Files.readAllBytes(source);
        } catch (NoSuchFileException e) {
            return;
        }
        if (!Files.isDirectory(to, LinkOption.NOFOLLOW_LINKS)) {
            return; // that copy went away meanwhile: never recreate it
        }
        Files.createDirectories(target.getParent());
        Path temp = target.resolveSibling("." + target.getFileName() + ".cloud-sync.tmp");
        Files.write(temp, bytes);
        Files.setLastModifiedTime(temp, modified);
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        filesCopied.incrementAndGet();
    }

    @Override
    public void close() {
        stopped = true;
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
