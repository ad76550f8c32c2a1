package dev.openclaw.twin.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * What happened to every message, as the simulated gateways saw it: when it was sent, what each
 * twin decided (and how fast), which takeovers were dispatched, which confirms were granted (an
 * answer) or refused; and when faults were injected. Thread-safe; the checker reads it at the end.
 */
public final class History {

    /** One message of the stream. */
    public record Sent(int index, String kind, String text, long atNanos) {}

    /** A decide answered: asked at {@code askedAtNanos}, answered {@code latencyNanos} later. */
    public record Decision(
            String twin, boolean respond, String reason, long latencyNanos, long daemonMillis, long askedAtNanos) {}

    /** A decide the gateway got no answer to: it timed out (the plugin's limit), or the connection failed. */
    public record FailedDecide(String twin, long askedAtNanos, boolean timedOut) {}

    /** A daemon process started (the first time, or again after a fault killed it). */
    public record Start(String twin, long atNanos) {}

    /** A twin's daemon was restarted between its claim of message {@code index} and its confirm. */
    public record MidTurnRestart(int index, String twin, long atNanos) {}

    public record Dispatch(String twin, int generation, long atNanos) {}

    /** A reply the channel received: {@code via} is inline or takeover. */
    public record Answer(String twin, String via, long atNanos) {}

    /** An injected fault and when it was in force ({@code endNanos} 0 while it still is). */
    public record Fault(String kind, String twin, long startNanos, long endNanos) {
        static final String SHARE_READ_ONLY = "share read-only for one twin";

        /** Whether it takes the store from some twin (all, or one: its mount lost, or read-only). */
        public boolean storeProblem() {
            return kind.startsWith("store") || kind.equals(SHARE_READ_ONLY);
        }
    }

    /** Everything about one message. */
    public static final class Log {
        private final Sent sent;
        final List<Decision> decisions = new CopyOnWriteArrayList<>();
        final List<FailedDecide> failedDecides = new CopyOnWriteArrayList<>();
        final List<Dispatch> dispatches = new CopyOnWriteArrayList<>();
        final List<Answer> answers = new CopyOnWriteArrayList<>();
        final List<String> refused = new CopyOnWriteArrayList<>();

        Log(Sent sent) {
            this.sent = sent;
        }

        public Sent sent() {
            return sent;
        }

        public List<Decision> decisions() {
            return List.copyOf(decisions);
        }

        public List<FailedDecide> failedDecides() {
            return List.copyOf(failedDecides);
        }

        public List<Dispatch> dispatches() {
            return List.copyOf(dispatches);
        }

        public List<Answer> answers() {
            return List.copyOf(answers);
        }
    }

    private final Map<Integer, Log> logs = new ConcurrentHashMap<>();
    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private final List<Start> starts = new CopyOnWriteArrayList<>();
    private final List<MidTurnRestart> midTurnRestarts = new CopyOnWriteArrayList<>();
    private final List<String> skipped = new CopyOnWriteArrayList<>();
    private final Consumer<String> narrator;

    /** @param narrator told of each event as it happens (the demo prints it; the harness ignores it) */
    public History(Consumer<String> narrator) {
        this.narrator = narrator;
    }

    void sent(Sent sent) {
        logs.put(sent.index(), new Log(sent));
        narrator.accept(String.format("#%04d %-8s → %s", sent.index(), sent.kind(), sent.text()));
    }

    void decided(int index, Decision decision) {
        logs.get(index).decisions.add(decision);
    }

    void decideFailed(int index, FailedDecide failed) {
        logs.get(index).failedDecides.add(failed);
    }

    void started(Start start) {
        starts.add(start);
    }

    void restartedMidTurn(MidTurnRestart restart) {
        midTurnRestarts.add(restart);
    }

    void dispatched(int index, Dispatch dispatch) {
        logs.get(index).dispatches.add(dispatch);
        narrator.accept(String.format(
                "#%04d          %s takes it over (generation %d)", index, dispatch.twin(), dispatch.generation()));
    }

    void answered(int index, Answer answer) {
        Log log = logs.get(index);
        log.answers.add(answer);
        String reason = log.decisions.stream()
                .filter(d -> d.twin().equals(answer.twin()))
                .map(Decision::reason)
                .findFirst()
                .orElse("?");
        narrator.accept(String.format(
                "#%04d          %s answered (%s)",
                index, answer.twin(), answer.via().equals("takeover") ? "takeover" : reason));
    }

    void refused(int index, String twin) {
        logs.get(index).refused.add(twin);
        narrator.accept(String.format("#%04d          %s's reply refused at confirm (fenced)", index, twin));
    }

    void fault(Fault fault) {
        faults.add(fault);
        narrator.accept(String.format("      !! %s %s", fault.kind(), fault.twin() == null ? "" : fault.twin()));
    }

    void faultEnded(Fault fault, long endNanos) {
        faults.remove(fault);
        faults.add(new Fault(fault.kind(), fault.twin(), fault.startNanos(), endNanos));
        narrator.accept(String.format("      .. %s %s over", fault.kind(), fault.twin() == null ? "" : fault.twin()));
    }

    public List<Log> logs() {
        List<Log> all = new ArrayList<>(logs.values());
        all.sort((a, b) -> Integer.compare(a.sent().index(), b.sent().index()));
        return all;
    }

    /** A fault this machine cannot inject, and why: said once, in the report. */
    void skipped(String why) {
        if (!skipped.contains(why)) {
            skipped.add(why);
            narrator.accept("      !! skipped: " + why);
        }
    }

    public List<String> skipped() {
        return List.copyOf(skipped);
    }

    public List<Fault> faults() {
        return List.copyOf(faults);
    }

    public List<Start> starts() {
        return List.copyOf(starts);
    }

    public List<MidTurnRestart> midTurnRestarts() {
        return List.copyOf(midTurnRestarts);
    }
}
