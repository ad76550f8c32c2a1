package dev.openclaw.twin.sync;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * The one check on a path inside a synced folder, wherever it comes from: an index or a manifest
 * on the share (untrusted: anyone who can write to the NAS), or a local file name. A path is
 * accepted only as a normalised relative path ({@code notes/a.md}): '/'-separated, no empty, '.' or
 * '..' component, nothing absolute, no drive letter, backslash or control character, bounded
 * length. Resolving it also refuses a target below which any existing component is a symlink, so a
 * symlinked directory in the folder or on the store cannot redirect a read, write or delete.
 */
final class SyncPath {

    /** Longer paths are refused (characters). */
    static final int MAX_LENGTH = 1024;

    /** Longer names are refused (UTF-8 bytes; most file systems' limit). */
    static final int MAX_NAME_BYTES = 255;

    /** A path refused by {@link #resolve}: the sync leaves it alone and reports why. */
    static final class Refused extends IOException {
        Refused(String message) {
            super(message);
        }
    }

    private SyncPath() {}

    /** Why {@code path} is refused, or empty when it is a normalised relative path inside the folder. */
    static Optional<String> problem(String path) {
        if (path == null || path.isEmpty()) {
            return Optional.of("an empty path");
        }
        if (path.length() > MAX_LENGTH) {
            return Optional.of("a path longer than " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                return Optional.of("a control character in the path");
            }
            if (c == '\\') {
                return Optional.of("a backslash in the path");
            }
        }
        if (path.startsWith("/")) {
            return Optional.of("an absolute path");
        }
        if (path.startsWith("~")) {
            return Optional.of("a path starting with ~");
        }
        if (path.length() >= 2 && path.charAt(1) == ':' && Character.isLetter(path.charAt(0))) {
            return Optional.of("a drive letter");
        }
        for (String name : path.split("/", -1)) {
            if (name.isEmpty()) {
                return Optional.of("an empty path component");
            }
            if (name.equals(".") || name.equals("..")) {
                return Optional.of("a '" + name + "' component");
            }
            if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
                return Optional.of("a name longer than " + MAX_NAME_BYTES + " bytes");
            }
        }
        return Optional.empty();
    }

    /** Refuses {@code path} unless {@link #problem} finds nothing wrong with it. */
    static void check(String path) throws Refused {
        Optional<String> problem = problem(path);
        if (problem.isPresent()) {
            throw new Refused(printable(path) + ": refused, " + problem.get());
        }
    }

    /**
     * {@code root.resolve(path)} once {@code path} passes {@link #problem} and no component of it
     * that exists below {@code root} (the target included) is a symlink, looked at without following
     * links. {@code root} itself is trusted: it is configured (a workspace folder, the share's mount).
     */
    static Path resolve(Path root, String path) throws Refused {
        check(path);
        Path at = root;
        for (String name : path.split("/")) {
            at = at.resolve(name);
            BasicFileAttributes attrs;
            try {
                attrs = Files.readAttributes(at, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                break; // nothing further exists yet: what is created below is created by us
            } catch (IOException e) {
                throw new Refused(printable(path) + ": refused, cannot look at " + name + " (" + e.getMessage() + ")");
            }
            if (attrs.isSymbolicLink()) {
                throw new Refused(printable(path) + ": refused, "
                        + printable(root.relativize(at).toString()) + " is a symlink");
            }
        }
        return root.resolve(path);
    }

    /** {@code text} safe for a terminal or a log: control characters escaped, cut at 200 characters. */
    static String printable(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder();
        int shown = Math.min(text.length(), 200);
        for (int i = 0; i < shown; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return shown < text.length() ? out + "…" : out.toString();
    }
}
