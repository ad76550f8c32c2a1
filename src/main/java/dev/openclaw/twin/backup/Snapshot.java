package dev.openclaw.twin.backup;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * One snapshot of a twin's OpenClaw config under {@code config-backup/<twin>/<id>/}.
 *
 * @param id the directory name: the creation time, sortable ({@code 20261129T113005.123Z})
 * @param source where the files came from ({@code ssh tars:~/.openclaw/openclaw.json}, {@code local ...})
 */
public record Snapshot(String twin, String id, Path dir, Instant createdAt, String source, List<FileEntry> files) {

    public Snapshot {
        files = List.copyOf(files);
    }

    /** One file of the snapshot as the manifest records it. */
    public record FileEntry(String name, long size, String sha256) {}

    public long totalBytes() {
        return files.stream().mapToLong(FileEntry::size).sum();
    }
}
