package dev.openclaw.twin.cli;

import dev.openclaw.twin.backup.ConfigBackups;
import dev.openclaw.twin.backup.Snapshot;
import dev.openclaw.twin.backup.SnapshotCheck;
import dev.openclaw.twin.config.TwinsConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "list", header = "List the snapshots, newest first, each with whether its checksums verify.")
public final class BackupListCommand implements Callable<Integer> {

    private final CliContext context;

    @Mixin
    ConfigOption config;

    @Mixin
    JsonOption json;

    @Parameters(paramLabel = "NAME", arity = "0..*", description = "Twins to list. Default: every twin.")
    List<String> names;

    public BackupListCommand(CliContext context) {
        this.context = context;
    }

    record Listed(
            String twin, String id, String createdAt, String source, long bytes, boolean verified, String problem) {}

    record ListJson(int schemaVersion, List<Listed> snapshots) {}

    @Override
    public Integer call() throws IOException {
        TwinsConfig loaded = config.load(context);
        ConfigBackups backups = BackupCommand.backups(context, loaded);
        List<Listed> listed = list(backups, BackupCommand.twins(loaded, names));
        if (json.enabled()) {
            JsonOutput.print(context.out(), new ListJson(JsonOutput.SCHEMA_VERSION, listed));
            return ExitCodes.OK;
        }
        if (listed.isEmpty()) {
            context.out().println("No snapshots in " + backups.root() + " ('twin backup create' makes one).");
        }
        for (Listed l : listed) {
            context.out()
                    .printf(
                            "%-10s %-24s %8d bytes  %s  %s%n",
                            l.twin(),
                            l.id(),
                            l.bytes(),
                            l.verified() ? "verified" : "FAILED: " + l.problem(),
                            l.source());
        }
        return ExitCodes.OK;
    }

    static List<Listed> list(ConfigBackups backups, List<String> twins) throws IOException {
        List<Listed> listed = new ArrayList<>();
        for (String twin : twins) {
            for (Snapshot snapshot : backups.list(twin)) {
                SnapshotCheck check = backups.verify(snapshot);
                listed.add(new Listed(
                        twin,
                        snapshot.id(),
                        snapshot.createdAt().toString(),
                        snapshot.source(),
                        snapshot.totalBytes(),
                        check.verified(),
                        check instanceof SnapshotCheck.Failed f ? f.problem() : null));
            }
        }
        return listed;
    }
}
