package dev.openclaw.twin.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
        name = "alert",
        header = "Alert channels: send a test message through each.",
        description = {
            "The daemons alert on: a twin offline / back online, a gateway not ready / ready, a",
            "failover to another twin, a rescue started / succeeded / failed, an escalation to a",
            "person, the shared store unreadable, a corrupt state file, clock skew. Each is sent once",
            "per flock (the twin holding the alert duty), deduplicated, at most once per 5 minutes per",
            "condition and 30 an hour, with a 'resolved' message when it clears and retries when a",
            "receiver fails. Channels: monitoring.alert_channels with their settings."
        },
        subcommands = {AlertTestCommand.class})
public final class AlertCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing an alert command (test).");
    }
}
