package dev.openclaw.twin.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The root {@code twin} command: only dispatches to its subcommands. */
@Command(
        name = "twin",
        mixinStandardHelpOptions = true,
        // every subcommand gets --help (and --version)
        scope = ScopeType.INHERIT,
        versionProvider = VersionCommand.Provider.class,
        description =
                "Run two or more OpenClaw assistants (\"twins\") as one dependable assistant: exactly one answers each message, another takes over when one fails.",
        subcommands = {
            WhoCommand.class,
            DecideCommand.class,
            StatusCommand.class,
            DaemonCommand.class,
            OverrideCommand.class,
            RescueCommand.class,
            TrustCommand.class,
            BackupCommand.class,
            AlertCommand.class,
            SyncCommand.class,
            InstallServiceCommand.class,
            ConnectCommand.class,
            InitCommand.class,
            DemoCommand.class,
            DoctorCommand.class,
            ValidateCommand.class,
            VersionCommand.class
        },
        footer = {
            "",
            "--config and -v/--verbose may come before or after the command.",
            "Exit codes: 0 ok, 1 failed, 2 usage, 3 degraded, 78 bad configuration.",
            "Run 'twin COMMAND --help' for a command's options."
        })
public final class TwinCommand implements Runnable {

    /** The root's own synopsis; set on the built command line, so the subcommands keep theirs. */
    static final String SYNOPSIS = "twin [--config PATH] [-v] COMMAND [OPTIONS]";

    /** --config and --verbose, inherited by every subcommand (also those added later). */
    @Mixin
    GlobalOptions global;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing a command (see the list below).");
    }
}
