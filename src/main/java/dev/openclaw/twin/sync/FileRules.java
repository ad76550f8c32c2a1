package dev.openclaw.twin.sync;

import dev.openclaw.twin.config.TwinsConfig;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which paths of a synced folder take part, by their path relative to it ({@code notes/a.md}).
 * What the seed keeps per twin never does, whatever the globs say: directories named sessions,
 * memory or credentials (their contents are never even listed), {@code .env} files, {@code
 * secrets.json}, SQLite databases and their journals; nor do sync's own temporary files.
 */
final class FileRules {

    static final String TEMP_PREFIX = ".twin-sync-";

    private static final List<String> PER_TWIN_FILES = List.of(
            "glob:.env",
            "glob:.env.*",
            "glob:secrets.json",
            "glob:*.sqlite",
            "glob:*.sqlite3",
            "glob:*.db",
            "glob:*.sqlite-wal",
            "glob:*.sqlite-shm",
            "glob:*.db-wal",
            "glob:*.db-shm",
            "glob:*-journal");

    private final List<PathMatcher> include;
    private final List<PathMatcher> exclude;
    private final List<PathMatcher> perTwinFiles;

    FileRules(TwinsConfig.SyncFolder folder) {
        this.include = matchers(folder.include());
        this.exclude = matchers(folder.exclude());
        this.perTwinFiles = PER_TWIN_FILES.stream()
                .map(glob -> FileSystems.getDefault().getPathMatcher(glob))
                .toList();
    }

    /** Whether to descend into the directory {@code relative} at all ("" is the folder itself). */
    boolean enters(String relative) {
        if (relative.isEmpty()) {
            return true;
        }
        String name = name(relative);
        return !TwinsConfig.SyncFolder.PER_TWIN_NAMES.contains(name.toLowerCase(Locale.ROOT))
                && !matchesAny(exclude, relative);
    }

    /** Whether the file {@code relative} is synced. */
    boolean syncs(String relative) {
        String name = name(relative);
        if (name.startsWith(TEMP_PREFIX) || matchesAny(perTwinFiles, name)) {
            return false;
        }
        for (String segment : relative.split("/")) {
            if (TwinsConfig.SyncFolder.PER_TWIN_NAMES.contains(segment.toLowerCase(Locale.ROOT))) {
                return false;
            }
        }
        if (matchesAny(exclude, relative)) {
            return false;
        }
        return include.isEmpty() || matchesAny(include, relative);
    }

    private static String name(String relative) {
        int slash = relative.lastIndexOf('/');
        return slash < 0 ? relative : relative.substring(slash + 1);
    }

    /** A glob matches the relative path; one starting with {@code **}{@code /} also matches at the top. */
    private static boolean matchesAny(List<PathMatcher> matchers, String relative) {
        Path path = Path.of(relative);
        for (PathMatcher m : matchers) {
            if (m.matches(path)) {
                return true;
            }
        }
        return false;
    }

    private static List<PathMatcher> matchers(List<String> globs) {
        List<PathMatcher> matchers = new ArrayList<>();
        for (String glob : globs) {
            matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
            if (glob.startsWith("**/")) {
                matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + glob.substring(3)));
            }
        }
        return matchers;
    }
}
