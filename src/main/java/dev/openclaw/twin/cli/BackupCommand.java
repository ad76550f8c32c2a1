package dev.openclaw.twin.cli;

import dev.openclaw.twin.backup.ConfigBackups;
import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.rescue.SshConnection;
import dev.openclaw.twin.rescue.SshException;
import dev.openclaw.twin.rescue.SshTarget;
import dev.openclaw.twin.rescue.TwinConfigFile;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
        name = "backup",
        header = "Snapshots of each twin's openclaw.json on the shared store: create, list, verify, restore.",
        description = {
            "Snapshots live in <shared_storage.path>/config-backup/<twin>/<time>/ with a manifest.json",
            "holding each file's sha256, readable by their owner only (0600/0700). The newest",
            "backup.keep (default 10) are kept, none older than backup.max_age (default 30d),",
            "and never fewer than one. A snapshot whose checksums fail is never restored."
        },
        subcommands = {
            BackupCreateCommand.class,
            BackupListCommand.class,
            BackupVerifyCommand.class,
            BackupRestoreCommand.class
        })
public final class BackupCommand implements Runnable {

    static final Duration SSH_TIMEOUT = Duration.ofSeconds(30);

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing a backup command (create, list, verify, restore).");
    }

    /** The snapshots directory of a configuration's shared store. */
    static ConfigBackups backups(CliContext context, TwinsConfig config) {
        return new ConfigBackups(
                ConfigBackups.rootFor(config.sharedStorage()
                        .path()
                        .orElseThrow(() -> new TwinException(
                                ExitCodes.BAD_CONFIG, "backup: needs a shared directory (shared_storage.path)"))),
                config.backup(),
                context.clock());
    }

    /** The named twins, or all of them. */
    static List<String> twins(TwinsConfig config, List<String> names) {
        return names == null || names.isEmpty()
                ? config.twinNames()
                : names.stream().map(n -> ConfigOption.requireTwin(config, n)).toList();
    }

    /** Opens the SSH connection a twin's config file is reached through. */
    static SshConnection connect(CliContext context, TwinsConfig.Twin twin) {
        try {
            return SshConnection.open(SshTarget.of(twin), context.environment().home(), SSH_TIMEOUT);
        } catch (SshException e) {
            throw new TwinException(ExitCodes.FAILED, "backup: " + twin.name() + ": " + e.getMessage());
        }
    }

    /** The twin's openclaw.json on this machine ({@code ~} is this user's home). */
    static TwinConfigFile.Local localFile(CliContext context, TwinsConfig.Twin twin) {
        return new TwinConfigFile.Local(context.environment().expandHome(twin.openclawConfig()));
    }
}
