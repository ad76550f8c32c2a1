package dev.openclaw.twin.cli;

import dev.openclaw.twin.backup.ConfigBackups;
import dev.openclaw.twin.backup.Snapshot;
import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.rescue.SshConnection;
import dev.openclaw.twin.rescue.TwinConfigFile;
import java.io.IOException;
import java.util.ArrayList;
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
            "sha256. Old snapshots beyond the retention are deleted afterwards."
        })
public final class BackupCreateCommand implements Callable<Integer> {

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

    record Created(String twin, String id, String source, long bytes, String sha256) {}

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
                        snapshot = backups.create(
                                name, Map.of(TwinConfigFile.SNAPSHOT_NAME, file.read()), "ssh " + file.describe());
                    }
                }
                Snapshot.FileEntry file = snapshot.files().getFirst();
                created.add(new Created(name, snapshot.id(), snapshot.source(), file.size(), file.sha256()));
                if (!json.enabled()) {
                    context.out()
                            .printf(
                                    "%s: snapshot %s (%d bytes, sha256 %s) from %s%n",
                                    name,
                                    snapshot.id(),
                                    file.size(),
                                    file.sha256().substring(0, 12),
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
