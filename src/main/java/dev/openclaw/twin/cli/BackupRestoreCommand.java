package dev.openclaw.twin.cli;

import dev.openclaw.twin.backup.ConfigBackups;
import dev.openclaw.twin.backup.Snapshot;
import dev.openclaw.twin.backup.SnapshotCheck;
import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.rescue.SshConnection;
import dev.openclaw.twin.rescue.TwinConfigFile;
import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "restore",
        header = "Put a snapshot back as the twin's openclaw.json, keeping the replaced file aside.",
        description = {
            "Restores the newest snapshot whose checksums verify (or --snapshot ID, refused if its",
            "checksums fail) over SSH, or with --local on this machine. The current file is kept as",
            "openclaw.json.replaced-<time>. Restart the gateway afterwards (or use",
            "'twin rescue NAME --restore-config', which does both)."
        })
public final class BackupRestoreCommand implements Callable<Integer> {

    private final CliContext context;

    @Mixin
    ConfigOption config;

    @Parameters(index = "0", paramLabel = "NAME", description = "The twin whose config to restore.")
    String twin;

    @Option(
            names = "--snapshot",
            paramLabel = "ID",
            description = "Which snapshot ('twin backup list'). Default: the newest that verifies.")
    String snapshotId;

    @Option(names = "--local", description = "Write the file on this machine instead of over SSH.")
    boolean local;

    public BackupRestoreCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException {
        TwinsConfig loaded = config.load(context);
        TwinsConfig.Twin target = loaded.twin(ConfigOption.requireTwin(loaded, twin));
        ConfigBackups backups = BackupCommand.backups(context, loaded);
        Snapshot snapshot;
        if (snapshotId != null) {
            snapshot = backups.find(target.name(), snapshotId)
                    .orElseThrow(() -> new TwinException(
                            ExitCodes.FAILED, "backup restore: " + target.name() + " has no snapshot " + snapshotId));
            if (backups.verify(snapshot) instanceof SnapshotCheck.Failed failed) {
                throw new TwinException(
                        ExitCodes.FAILED, "backup restore: refusing snapshot " + snapshotId + ": " + failed.problem());
            }
        } else {
            snapshot = backups.newestVerified(target.name())
                    .orElseThrow(() -> new TwinException(
                            ExitCodes.FAILED,
                            "backup restore: " + target.name() + " has no snapshot whose checksums verify"));
        }
        byte[] content = backups.content(snapshot, TwinConfigFile.SNAPSHOT_NAME);
        Instant now = context.clock().instant();
        String aside;
        String where;
        if (local) {
            TwinConfigFile file = BackupCommand.localFile(context, target);
            aside = file.replace(content, now);
            where = file.describe();
        } else {
            try (SshConnection ssh = BackupCommand.connect(context, target)) {
                TwinConfigFile file =
                        new TwinConfigFile.OverSsh(ssh, target.openclawConfig(), BackupCommand.SSH_TIMEOUT);
                aside = file.replace(content, now);
                where = file.describe();
            }
        }
        context.out().println("Restored snapshot " + snapshot.id() + " to " + where + ".");
        if (!aside.isEmpty()) {
            context.out().println("The replaced file is kept as " + aside + ".");
        }
        return ExitCodes.OK;
    }
}
