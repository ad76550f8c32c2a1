package dev.openclaw.twin.cli;

import dev.openclaw.twin.config.DurationText;
import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.coordination.Decision;
import dev.openclaw.twin.coordination.FlockView;
import dev.openclaw.twin.coordination.Message;
import dev.openclaw.twin.coordination.Overrides;
import dev.openclaw.twin.coordination.ResponseRules;
import dev.openclaw.twin.coordination.Rotation;
import dev.openclaw.twin.health.FlockSnapshot;
import dev.openclaw.twin.health.Liveness;
import dev.openclaw.twin.health.StoreClockJudge;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "decide",
        header = "Dry-run the response rules for one message (nothing is claimed).",
        description = "Evaluate the response rules for one message as one twin would, without claiming "
                + "anything. Prints whether the twin answers or stays silent, the reason code, and for a "
                + "routine message who claims it now and how long this twin would wait before taking it "
                + "over. Overrides, a hand-set bothRespond and which twins are down are read from the "
                + "shared store.")
public final class DecideCommand implements Callable<Integer> {

    private final CliContext context;

    @Mixin
    ConfigOption config;

    @Mixin
    JsonOption json;

    @Option(names = "--twin", required = true, paramLabel = "NAME", description = "The twin evaluating the message.")
    String twin;

    @Option(names = "--text", required = true, paramLabel = "TEXT", description = "The message text.")
    String text;

    @Option(names = "--from", paramLabel = "SENDER", description = "Who wrote it (nick, user id). Default: a human.")
    String from = "human";

    @Option(names = "--channel", paramLabel = "C", description = "Channel (irc, discord, ...).")
    String channel = "";

    @Option(names = "--conversation", paramLabel = "C", description = "Conversation id (e.g. #flock).")
    String conversation = "";

    @Option(names = "--message-id", paramLabel = "ID", description = "The channel's message id.")
    String messageId = "";

    public DecideCommand(CliContext context) {
        this.context = context;
    }

    record DecideReport(
            int schemaVersion,
            String twin,
            boolean respond,
            String reason,
            String claimant,
            long waitMs,
            List<String> responders) {}

    @Override
    public Integer call() {
        TwinsConfig loaded = config.load(context);
        ConfigOption.requireTwin(loaded, twin);
        FlockView view = currentView(loaded);
        Message message = new Message(channel, conversation, messageId, from, text);
        Decision decision = new ResponseRules(loaded).decide(twin, message, view);
        if (json.enabled()) {
            JsonOutput.print(
                    context.out(),
                    new DecideReport(
                            JsonOutput.SCHEMA_VERSION,
                            decision.twin(),
                            decision.respond(),
                            decision.reason().code(),
                            decision.claimant().orElse(null),
                            decision.takeoverWait().toMillis(),
                            decision.responders()));
        } else {
            context.out().println(describe(decision, view));
        }
        return ExitCodes.OK;
    }

    /**
     * The flock as the shared store shows it now (overrides, bothRespond, who is down); with no
     * readable store, everyone up and no overrides, said on stderr.
     */
    private FlockView currentView(TwinsConfig loaded) {
        Instant now = context.clock().instant();
        FlockSnapshot snapshot = FlockSnapshot.read(SharedStore.open(loaded), loaded.twinNames());
        if (snapshot.storeProblem().isPresent()) {
            context.err()
                    .println("twin: shared store unreadable, assuming every twin up and no overrides: "
                            + snapshot.storeProblem().get());
            Rotation rotation = new Rotation(loaded.coordination());
            return FlockView.allOnline(rotation.rolesOn(rotation.dateAt(now), Overrides.NONE));
        }
        return snapshot.view(loaded, now, new StoreClockJudge(snapshot, Liveness.of(loaded)));
    }

    private static String describe(Decision d, FlockView view) {
        String verdict = d.twin() + ": " + (d.respond() ? "respond" : "silent") + " ("
                + d.reason().code() + ")";
        String claimant = d.claimant().orElse("nobody");
        String detail = switch (d.reason()) {
            case FROM_TWIN -> "the message was written by a twin of the flock; twins never answer each other";
            case OVERRIDE_ONLY, NAMED -> "the message asks for " + String.join(" and ", d.responders());
            case OVERRIDE_OTHER, NAMED_OTHER -> "the message is for " + String.join(" and ", d.responders());
            case BOTH_REQUESTED -> "the message asks every twin to answer";
            case BOTH_FLAG -> "a 'both' override is in force: every twin answers";
            case MACHINE_SPECIFIC -> "a question about each machine: every twin answers for itself";
            case PRIMARY -> "primary of the day: claims the message at once and answers";
            case ACTING_PRIMARY ->
                "acting primary (" + view.roles().primary() + " is offline): claims the message at once and answers";
            case STANDBY ->
                claimant + " claims it; " + d.twin() + " takes it over if no claim appears within "
                        + DurationText.format(d.takeoverWait());
            case TAKEOVER, CLAIMED_BY_OTHER -> "decided by the claim in the shared store";
        };
        return verdict + " — " + detail;
    }
}
