package dev.openclaw.twin.connect;

import dev.openclaw.twin.connect.ConnectReport.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code ~/.config/openclaw-twin/connect.json}: the {@link ConnectRecord} of what connect changed,
 * rewritten after each change so that a later failure can still be undone.
 */
final class ConnectRecordFile {

    private final Path recordFile;
    private final StepLog log;
    private ConnectRecord record;

    ConnectRecordFile(Path home, StepLog log) {
        this.recordFile = home.resolve(".config/openclaw-twin/connect.json");
        this.log = log;
    }

    /** Starts this run's record from what an earlier run recorded about {@code configFile}. */
    void start(Path configFile) {
        record = read(configFile).orElse(ConnectRecord.empty(configFile.toString()));
    }

    /** What was recorded so far (earlier runs included). */
    ConnectRecord current() {
        return record;
    }

    /** What an earlier run recorded, if it was about this gateway's config file. */
    Optional<ConnectRecord> read(Path configFile) {
        try {
            Optional<ConnectRecord> read = ConnectRecord.read(recordFile);
            if (read.isPresent() && !read.get().openclawConfig().equals(configFile.toString())) {
                log.add(
                        "connect record",
                        Status.WARN,
                        recordFile + " is about " + read.get().openclawConfig()
                                + ", not this gateway's config: not used");
                return Optional.empty();
            }
            return read;
        } catch (IOException e) {
            log.add("connect record", Status.WARN, e.getMessage() + ": ignored");
            return Optional.empty();
        }
    }

    /** Adds what a step changed to the record, written at once so a later failure can still be undone. */
    void note(ConnectRecord change) {
        if (log.dryRun()) {
            return;
        }
        record = record.merge(change);
        log.io(
                () -> {
                    record.write(recordFile);
                    return null;
                },
                "connect record");
    }

    void delete() {
        log.io(() -> Files.deleteIfExists(recordFile), "connect record");
    }
}
