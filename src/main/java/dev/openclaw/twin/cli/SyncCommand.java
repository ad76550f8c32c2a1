package dev.openclaw.twin.cli;

import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.state.FileStateStore;
import dev.openclaw.twin.sync.FolderSync;
import dev.openclaw.twin.sync.SyncReport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "sync",
        header = "Bring this twin's shared folders and the shared store's copy in step, both ways.",
        description = {
            "For each folder in sync.folders (a path inside this twin's openclaw_path): files changed",
            "here go to <shared_storage.path>/sync/<shared>/, files changed there come here, deletions",
            "travel both ways, and a file changed on both sides keeps both versions",
            "(name.conflict-<twin>-<time>.ext). Sessions, memory, credentials, .env, secrets.json and",
            "SQLite databases are never read or synced. The daemon does this every sync.interval.",
            "Paths in the store's index are checked: one leading out of the folder, through a symlink or",
            "otherwise invalid is refused and listed as a problem; the rest syncs.",
            "Exit 0 when every folder synced, 3 when they synced but something was refused, 1 otherwise."
        })
public final class SyncCommand implements Callable<Integer> {

    private final CliContext context;

    @Mixin
    ConfigOption config;

    @Mixin
    JsonOption json;

    @Option(names = "--dry-run", description = "Show what would be copied and deleted; change nothing.")
    boolean dryRun;

    @Option(
            names = "--twin",
            paramLabel = "NAME",
            description = "The twin this host is, if its host name does not say.")
    String twin;

    @Option(names = "--pace-ms", hidden = true, description = "Pause after each file (tests interrupt a sync mid-way).")
    long paceMillis;

    public SyncCommand(CliContext context) {
        this.context = context;
    }

    record SyncJson(int schemaVersion, String twin, List<SyncReport> folders, List<String> errors) {}

    @Override
    public Integer call() throws InterruptedException {
        TwinsConfig loaded = config.load(context);
        String self = twin != null ? ConfigOption.requireTwin(loaded, twin) : DaemonCommand.twinOfThisHost(loaded);
        if (loaded.sync().folders().isEmpty()) {
            throw new TwinException(ExitCodes.FAILED, "sync: no folders configured (sync.folders)");
        }
        Path store = loaded.sharedStorage()
                .path()
                .orElseThrow(() -> new TwinException(ExitCodes.BAD_CONFIG, "sync: needs shared_storage.path"));
        Path workspace = context.environment().expandHome(loaded.twin(self).openclawPath());
        // Syncing copies files into the share: its lock reads the share's clock (a file store's own).
        FileStateStore state = new FileStateStore(store, loaded.sharedStorage().stateFile());
        List<SyncReport> reports = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (TwinsConfig.SyncFolder folder : loaded.sync().folders()) {
            FolderSync sync = new FolderSync(
                    self,
                    folder,
                    workspace.resolve(folder.path()),
                    store,
                    state,
                    loaded.sync().maxFileSize(),
                    context.clock(),
                    (action, path) -> pace(),
                    file -> {});
            try {
                SyncReport report = sync.run(dryRun);
                reports.add(report);
                if (!json.enabled()) {
                    print(folder, report);
                }
            } catch (IOException e) {
                errors.add(folder.shared() + ": " + e.getMessage());
                context.err().println("sync: " + folder.shared() + ": " + e.getMessage());
            }
        }
        if (json.enabled()) {
            JsonOutput.print(context.out(), new SyncJson(JsonOutput.SCHEMA_VERSION, self, reports, errors));
        }
        if (!errors.isEmpty()) {
            return ExitCodes.FAILED;
        }
        return reports.stream().anyMatch(r -> !r.problems().isEmpty()) ? ExitCodes.DEGRADED : ExitCodes.OK;
    }

    private void pace() throws IOException {
        if (paceMillis > 0) {
            try {
                Thread.sleep(Duration.ofMillis(paceMillis));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }

    private void print(TwinsConfig.SyncFolder folder, SyncReport r) {
        String would = r.dryRun() ? "would " : "";
        context.out()
                .printf(
                        "%s (%s): %s%d sent, %d received, %d deleted here, %d deleted there, %d conflicts, %d unchanged"
                                + " in %d ms%n",
                        folder.path(),
                        folder.shared(),
                        would,
                        r.pushed().size(),
                        r.pulled().size(),
                        r.deletedHere().size(),
                        r.deletedShared().size(),
                        r.conflicts().size(),
                        r.unchanged(),
                        r.millis());
        r.conflicts()
                .forEach(c ->
                        context.out().println("  conflict: both sides changed it; this twin's version kept as " + c));
        r.skipped().forEach((path, why) -> context.out().println("  " + path + ": " + why));
        r.problems().forEach(problem -> context.out().println("  problem: " + problem));
    }
}
