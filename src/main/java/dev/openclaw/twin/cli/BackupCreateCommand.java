package dev.openclaw.twin.cli;

import dev.openclaw.twin.backup.ConfigBackups;
import dev.openclaw.twin.backup.Snapshot;
import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.rescue.OpenClawArchive;
import dev.openclaw.twin.rescue.SshConnection;
import dev.openclaw.twin.rescue.TwinConfigFile;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "create",
        header = "Snapshot twins' openclaw.json (over SSH, or --local) into config-backup/.",
        description = {
            "Reads each twin's openclaw_config (default ~/.openclaw/openclaw.json on its host) over",
            "SSH with strict host keys, or with --local from this machine, and stores it with its",
            "sha256, with OpenClaw's own archive (openclaw backup create, per backup.openclaw_archive)",
            "where that command exists on the host. Old snapshots beyond the retention go afterwards."
        })
public final class BackupCreateCommand implements Callable<Integer> {

    /** {@code openclaw backup create} reads the state directory: give it longer than a file copy. */
    private static final Duration ARCHIVE_TIMEOUT = Duration.ofMinutes(5);

    private final CliContext context;

    @Mixin
    ConfigOption config;

    @Mixin
    JsonOption json;

    @Parameters(paramLabel = "NAME", arity = "0..*", description = "Twins to snapshot. Default: every twin.")
    List<String> names;

    @Option(names = "--local", description = "Read the file on this machine (for the twin this runs on).")
    boolean local;

    public BackupCreateCommand(CliContext context) {
        this.context = context;
    }

    /** @param sha256 of openclaw.json */
    record Created(String twin, String id, String source, List<String> files, long bytes, String sha256) {}

    record CreateJson(int schemaVersion, List<Created> created, List<String> failed) {}

    @Override
    public Integer call() {
        TwinsConfig loaded = config.load(context);
        List<String> twins = BackupCommand.twins(loaded, names);
        if (local && twins.size() != 1) {
            throw new TwinException(ExitCodes.USAGE, "backup create --local: name the one twin this machine is");
        }
        ConfigBackups backups = BackupCommand.backups(context, loaded);
        List<Created> created = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (String name : twins) {
            TwinsConfig.Twin twin = loaded.twin(name);
            try {
                Snapshot snapshot;
                if (local) {
                    TwinConfigFile file = BackupCommand.localFile(context, twin);
                    snapshot = backups.create(name, Map.of(TwinConfigFile.SNAPSHOT_NAME, file.read()), file.describe());
                } else {
                    try (SshConnection ssh = BackupCommand.connect(context, twin)) {
                        TwinConfigFile file =
                                new TwinConfigFile.OverSsh(ssh, twin.openclawConfig(), BackupCommand.SSH_TIMEOUT);
                        Map<String, byte[]> files = new LinkedHashMap<>();
                        files.put(TwinConfigFile.SNAPSHOT_NAME, file.read());
                        switch (OpenClawArchive.fetch(ssh, twin, loaded.backup(), ARCHIVE_TIMEOUT)) {
                            case OpenClawArchive.Outcome.Archive a ->
                                files.put(OpenClawArchive.SNAPSHOT_NAME, a.content());
                            case OpenClawArchive.Outcome.Unavailable u -> {}
                            case OpenClawArchive.Outcome.Failed f ->
                                context.err().println("backup create: " + name + ": no OpenClaw archive: " + f.why());
                        }
                        snapshot = backups.create(name, files, "ssh " + file.describe());
                    }
                }
                Snapshot.FileEntry file = snapshot.files().getFirst();
                List<String> names =
                        snapshot.files().stream().map(Snapshot.FileEntry::name).toList();
                created.add(new Created(
                        name, snapshot.id(), snapshot.source(), names, snapshot.totalBytes(), file.sha256()));
                if (!json.enabled()) {
                    context.out()
                            .printf(
                                    "%s: snapshot %s (%s, %d bytes) from %s%n",
                                    name,
                                    snapshot.id(),
                                    String.join(" + ", names),
                                    snapshot.totalBytes(),
                                    snapshot.source());
                }
            } catch (IOException | TwinException e) {
                failed.add(name);
                context.err().println("backup create: " + name + ": " + e.getMessage());
            }
        }
        if (json.enabled()) {
            JsonOutput.print(context.out(), new CreateJson(JsonOutput.SCHEMA_VERSION, created, failed));
        }
        return failed.isEmpty() ? ExitCodes.OK : ExitCodes.FAILED;
    }
}
