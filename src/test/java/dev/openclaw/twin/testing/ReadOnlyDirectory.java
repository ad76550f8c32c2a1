package dev.openclaw.twin.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Makes a directory tree read-only for real, until closed. Root ignores file modes, so as root it
 * becomes a read-only bind mount of itself (what a share remounted read-only looks like); otherwise
 * its directories lose their write bits. A test that can do neither is skipped, never faked.
 */
public final class ReadOnlyDirectory implements AutoCloseable {

    private final Path dir;
    private final boolean mounted;
    private final Map<Path, Set<PosixFilePermission>> modes;

    private ReadOnlyDirectory(Path dir, boolean mounted, Map<Path, Set<PosixFilePermission>> modes) {
        this.dir = dir;
        this.mounted = mounted;
        this.modes = modes;
    }

    public static ReadOnlyDirectory of(Path dir) throws IOException, InterruptedException {
        if (isRoot()) {
            boolean bound = run("mount", "--bind", dir.toString(), dir.toString());
            boolean readOnly = bound && run("mount", "-o", "remount,bind,ro", dir.toString());
            if (bound && !readOnly) {
                run("umount", dir.toString());
            }
            assumeTrue(readOnly, "running as root without the right to mount: cannot make " + dir + " read-only");
            return new ReadOnlyDirectory(dir, true, Map.of());
        }
        Map<Path, Set<PosixFilePermission>> modes = new java.util.LinkedHashMap<>();
        try (Stream<Path> tree = Files.walk(dir)) {
            for (Path d : tree.filter(Files::isDirectory).toList()) {
                modes.put(d, Files.getPosixFilePermissions(d));
                Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("r-xr-xr-x"));
            }
        }
        return new ReadOnlyDirectory(dir, false, modes);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (mounted) {
            if (!run("umount", dir.toString())) {
                throw new IOException("could not unmount the read-only bind mount on " + dir);
            }
            return;
        }
        List<Map.Entry<Path, Set<PosixFilePermission>>> entries = new ArrayList<>(modes.entrySet());
        for (Map.Entry<Path, Set<PosixFilePermission>> e : entries) {
            Files.setPosixFilePermissions(e.getKey(), e.getValue());
        }
    }

    private static boolean isRoot() throws IOException, InterruptedException {
        Process id = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
        String uid = new String(id.getInputStream().readAllBytes()).strip();
        return id.waitFor() == 0 && uid.equals("0");
    }

    private static boolean run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor() == 0;
    }
}
