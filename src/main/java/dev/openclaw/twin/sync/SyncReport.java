package dev.openclaw.twin.sync;

import java.util.List;
import java.util.Map;

/**
 * What one sync of one folder did (or, in a dry run, would do).
 *
 * @param conflicts the names the local version was kept under, where both sides had changed a file
 * @param skipped paths left alone, with why (too big, a symlink, unreadable)
 * @param unchanged files already the same on both sides
 * @param problems what was refused and left alone: entries of the store's index or of a manifest that
 *     are not valid (a path leading out of the folder, a malformed hash...), paths through a symlink
 */
public record SyncReport(
        String folder,
        boolean dryRun,
        List<String> pushed,
        List<String> pulled,
        List<String> deletedHere,
        List<String> deletedShared,
        List<String> conflicts,
        Map<String, String> skipped,
        int unchanged,
        List<String> problems,
        long millis) {

    public SyncReport {
        pushed = List.copyOf(pushed);
        pulled = List.copyOf(pulled);
        deletedHere = List.copyOf(deletedHere);
        deletedShared = List.copyOf(deletedShared);
        conflicts = List.copyOf(conflicts);
        skipped = Map.copyOf(skipped);
        problems = List.copyOf(problems);
    }

    public boolean changedAnything() {
        return !pushed.isEmpty()
                || !pulled.isEmpty()
                || !deletedHere.isEmpty()
                || !deletedShared.isEmpty()
                || !conflicts.isEmpty();
    }
}
