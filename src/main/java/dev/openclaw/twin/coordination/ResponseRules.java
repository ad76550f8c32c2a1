package dev.openclaw.twin.coordination;

import dev.openclaw.twin.config.TwinsConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The response rules of DESIGN §4, in order. Pure: the same message and view always give the same
 * evaluation, with no I/O and no clock.
 *
 * <p>One deliberate extension keeps the flock from going silent: when every twin a message (or a
 * persistent override) singles out is known to be down, rules 1, 2 and 5 do not apply and the
 * message is handled by the later rules, normally as a routine message.
 */
public final class ResponseRules {

    private static final Pattern BOTH_REQUESTED = Pattern.compile(
            "\\b(?:both of you|you both|you two|all of you|everyone|everybody)\\b",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);

    private final List<String> twins;
    private final NameMatcher names;
    private final List<Pattern> machineSpecific;
    private final Duration takeoverDelay;

    public ResponseRules(TwinsConfig config) {
        this.twins = config.twinNames();
        this.names = new NameMatcher(config.twins().values());
        this.machineSpecific = config.coordination().machineSpecificPatterns();
        this.takeoverDelay = config.coordination().takeoverDelay();
    }

    public Evaluation evaluate(Message message, FlockView view) {
        String text = message.text();
        // Rule 0: twins never answer each other (uncoordinated twins loop forever).
        if (names.twinOfSender(message.senderId()).isPresent()) {
            return new Evaluation.Settled(Set.of(), Reason.FROM_TWIN, Reason.FROM_TWIN);
        }
        // Rule 1: "just X" / "only X" in the message.
        Optional<Set<String>> only = names.onlyRequested(text).filter(set -> anyOnline(set, view));
        if (only.isPresent()) {
            return new Evaluation.Settled(only.get(), Reason.OVERRIDE_ONLY, Reason.OVERRIDE_OTHER);
        }
        // Rule 2: persistent "only X".
        Optional<String> onlyOverride =
                view.overrides().only().filter(twins::contains).filter(view::isOnline);
        if (onlyOverride.isPresent()) {
            return new Evaluation.Settled(Set.of(onlyOverride.get()), Reason.OVERRIDE_ONLY, Reason.OVERRIDE_OTHER);
        }
        // Rule 3: "both of you", "everyone", ...
        if (BOTH_REQUESTED.matcher(text).find()) {
            return new Evaluation.Settled(online(view), Reason.BOTH_REQUESTED, Reason.BOTH_REQUESTED);
        }
        // Rule 4: persistent "both", or bothRespond set by hand in twin-primary.json.
        if (view.overrides().both() || view.bothRespondFlag()) {
            return new Evaluation.Settled(online(view), Reason.BOTH_FLAG, Reason.BOTH_FLAG);
        }
        // Rule 5: the message names one or more twins.
        Set<String> named = names.mentioned(text);
        if (anyOnline(named, view)) {
            return new Evaluation.Settled(named, Reason.NAMED, Reason.NAMED_OTHER);
        }
        // Rule 6: a question about each machine ("check your disk space").
        if (machineSpecific.stream().anyMatch(p -> p.matcher(text).find())) {
            return new Evaluation.Settled(online(view), Reason.MACHINE_SPECIFIC, Reason.MACHINE_SPECIFIC);
        }
        // Rule 7: routine — exactly one twin.
        return routine(view);
    }

    private Evaluation.Routine routine(FlockView view) {
        List<String> live = new ArrayList<>();
        for (String twin : view.roles().order()) {
            if (view.isOnline(twin)) {
                live.add(twin);
            }
        }
        if (live.isEmpty()) {
            // Nobody is known to be up, yet someone is asking: the primary of the day goes first.
            live.addAll(view.roles().order());
        }
        String claimant = live.getFirst();
        Reason reason = claimant.equals(view.roles().primary()) ? Reason.PRIMARY : Reason.ACTING_PRIMARY;
        return new Evaluation.Routine(claimant, reason, live);
    }

    /**
     * The twin that runs scheduled duties (OpenClaw heartbeats, cron jobs): the one a persistent
     * "only X" names while X is up, else the twin answering routine messages now. Every twin's
     * gateway fires its own schedule, seconds or (for heartbeats, timed from each gateway's start)
     * minutes apart; letting only this twin run them is what keeps a job to one run per flock
     * however the firings fall, and the duty claim covers the seconds two views disagree.
     */
    public String dutyOwner(FlockView view) {
        return view.overrides()
                .only()
                .filter(twins::contains)
                .filter(view::isOnline)
                .orElseGet(() -> routine(view).claimant());
    }

    /** The dry evaluation for one twin (DESIGN §4 {@code twin decide}): no claim is written. */
    public Decision decide(String twin, Message message, FlockView view) {
        if (!twins.contains(twin)) {
            throw new IllegalArgumentException(
                    "'" + twin + "' is not a twin (twins: " + String.join(", ", twins) + ")");
        }
        return switch (evaluate(message, view)) {
            case Evaluation.Settled settled -> {
                boolean respond = settled.responders().contains(twin);
                List<String> responders =
                        twins.stream().filter(settled.responders()::contains).toList();
                Optional<String> claimant =
                        respond ? Optional.of(twin) : responders.stream().findFirst();
                yield new Decision(
                        twin,
                        respond,
                        respond ? settled.reason() : settled.otherReason(),
                        claimant,
                        Duration.ZERO,
                        responders);
            }
            case Evaluation.Routine routine -> {
                boolean claims = routine.claimant().equals(twin);
                int rank = routine.rankOf(twin);
                Duration wait = claims || rank < 0 ? Duration.ZERO : takeoverDelay.multipliedBy(rank);
                yield new Decision(
                        twin,
                        claims,
                        claims ? routine.claimantReason() : Reason.STANDBY,
                        Optional.of(routine.claimant()),
                        wait,
                        List.of(routine.claimant()));
            }
        };
    }

    private Set<String> online(FlockView view) {
        Set<String> online = new LinkedHashSet<>();
        for (String twin : twins) {
            if (view.isOnline(twin)) {
                online.add(twin);
            }
        }
        return online;
    }

    private static boolean anyOnline(Set<String> selected, FlockView view) {
        return selected.stream().anyMatch(view::isOnline);
    }
}
