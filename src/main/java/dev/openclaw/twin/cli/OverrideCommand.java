package dev.openclaw.twin.cli;

import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.coordination.OverrideChange;
import dev.openclaw.twin.coordination.OverrideChange.Action;
import dev.openclaw.twin.coordination.Overrides;
import dev.openclaw.twin.state.OverrideRecord;
import dev.openclaw.twin.state.OverrideUpdate;
import dev.openclaw.twin.state.StateStore;
import dev.openclaw.twin.state.StoreUnavailableException;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "override",
        header = "Make every twin, only one, or a pinned primary answer, until a time.",
        description = {
            "Override who answers, for every twin at once, until a time or until cleared:",
            "  both          every twin answers every message",
            "  only NAME     only NAME answers (the others stay silent)",
            "  primary NAME  NAME is the primary whatever the rotation says",
            "  clear         back to the rotation",
            "It is written to the shared store, so every daemon honours it. Setting one",
            "replaces the previous one; it lapses by itself at --until ('twin status'",
            "shows it)."
        })
public final class OverrideCommand implements Callable<Integer> {

    private final CliContext context;

    @Mixin
    ConfigOption config;

    @Mixin
    JsonOption json;

    @Parameters(index = "0", paramLabel = "ACTION", description = "both, only, primary or clear.")
    String action;

    @Parameters(index = "1", arity = "0..1", paramLabel = "NAME", description = "The twin, for only and primary.")
    String twin;

    @Option(
            names = "--until",
            paramLabel = "TIME",
            description = "When the override lapses: " + OverrideChange.UNTIL_FORMS + ". Default: until cleared.")
    String until;

    @Option(names = "--by", paramLabel = "WHO", description = "Who sets it, for the record. Default: $USER.")
    String by;

    public OverrideCommand(CliContext context) {
        this.context = context;
    }

    record OverrideReport(int schemaVersion, OverrideRecord overrides, OverrideRecord replaced) {}

    @Override
    public Integer call() {
        Action parsed = Action.fromWord(action)
                .orElseThrow(() -> new TwinException(
                        ExitCodes.USAGE,
                        "override: '" + action + "' is not an action (both, only NAME, primary NAME, clear)"));
        TwinsConfig loaded = config.load(context);
        Instant now = context.clock().instant();
        Overrides wanted;
        try {
            wanted = new OverrideChange(parsed, Optional.ofNullable(twin), Optional.ofNullable(until))
                    .apply(loaded, now, who());
        } catch (OverrideChange.InvalidOverride e) {
            throw new TwinException(ExitCodes.USAGE, "override: " + e.getMessage());
        }
        StateStore store = SharedStore.open(loaded);
        OverrideUpdate update;
        try {
            // The audit trail is per twin: record it in this host's twin's trail when this is one.
            update = OverrideUpdate.write(
                    store,
                    wanted,
                    DaemonCommand.twinsOnThisHost(loaded).stream().findFirst(),
                    now);
        } catch (StoreUnavailableException e) {
            throw new TwinException(ExitCodes.FAILED, "override not written: " + e.getMessage());
        }
        update.warnings().forEach(w -> context.err().println("twin: " + w));
        Overrides previous = update.previous();
        if (json.enabled()) {
            JsonOutput.print(
                    context.out(),
                    new OverrideReport(
                            JsonOutput.SCHEMA_VERSION,
                            OverrideRecord.of(wanted),
                            previous.isEmpty() ? null : OverrideRecord.of(previous)));
        } else {
            context.out().println("Override: " + OverrideChange.describe(wanted));
            if (!previous.isEmpty()) {
                context.out()
                        .println((parsed == Action.CLEAR ? "Cleared: " : "Replaces: ")
                                + OverrideChange.describe(previous));
            }
        }
        return ExitCodes.OK;
    }

    private String who() {
        if (by != null && !by.isBlank()) {
            return by.strip();
        }
        return context.environment().variable("USER").orElse("someone")
                + DaemonCommand.localHostName().map(h -> "@" + h).orElse("");
    }
}
