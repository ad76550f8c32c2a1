package dev.openclaw.twin.cli;

import dev.openclaw.twin.config.TwinsConfig;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "verify", header = "Check every snapshot's files against its manifest; exit 1 if any fails.")
public final class BackupVerifyCommand implements Callable<Integer> {

    private final CliContext context;

    @Mixin
    ConfigOption config;

    @Mixin
    JsonOption json;

    @Parameters(paramLabel = "NAME", arity = "0..*", description = "Twins to check. Default: every twin.")
    List<String> names;

    public BackupVerifyCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException {
        TwinsConfig loaded = config.load(context);
        List<BackupListCommand.Listed> listed =
                BackupListCommand.list(BackupCommand.backups(context, loaded), BackupCommand.twins(loaded, names));
        long failed = listed.stream().filter(l -> !l.verified()).count();
        if (json.enabled()) {
            JsonOutput.print(context.out(), new BackupListCommand.ListJson(JsonOutput.SCHEMA_VERSION, listed));
        } else {
            for (BackupListCommand.Listed l : listed) {
                context.out()
                        .println(l.twin() + "/" + l.id() + ": " + (l.verified() ? "ok" : "FAILED: " + l.problem()));
            }
            context.out().println(listed.size() - failed + " of " + listed.size() + " snapshots verify.");
        }
        return failed == 0 ? ExitCodes.OK : ExitCodes.FAILED;
    }
}
