package dev.openclaw.twin.backup;

/** Whether a snapshot's files are all there and match the sha256 in its manifest. */
public sealed interface SnapshotCheck {

    Snapshot snapshot();

    record Verified(Snapshot snapshot) implements SnapshotCheck {}

    /** @param problem which file, and what is wrong with it */
    record Failed(Snapshot snapshot, String problem) implements SnapshotCheck {}

    default boolean verified() {
        return this instanceof Verified;
    }
}
