package dev.openclaw.twin.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The checker: what happened to each message against what the rules allow. A routine message must
 * be answered exactly once; "both", machine-specific and named messages at least once, by the
 * twins they ask for; a message from a twin never. Identical repeats of a text are routine messages
 * like any other (also shown on a row of their own). Messages sent while the shared store was
 * unreachable, for every twin or for one (its mount lost, or the share read-only for it), are held
 * to the same rules; only those caught by two
 * faults at once (the store unreachable and, in the same window, a twin killed, paused or restarted)
 * are counted apart, with their duplicates and unanswered, since no twin can decide them safely.
 */
public record DemoReport(
        int messages,
        int routine,
        int routineAnsweredOnce,
        int repeats,
        int repeatsAnsweredOnce,
        int repeatsDuplicated,
        int repeatsUnanswered,
        int duplicates,
        int unanswered,
        int multiAnswered,
        int multiUnanswered,
        int namedLostToFault,
        int wrongResponder,
        int fromTwinAnswered,
        int duringStoreOutage,
        int duringStoreOutageDuplicates,
        int duringStoreOutageUnanswered,
        int storeOutageWithAnotherFault,
        Map<String, Apart> apartByCause,
        int noTwinReachable,
        int takeovers,
        int refusedAtConfirm,
        Map<String, Integer> reasons,
        DecideRoundTrips decides,
        double[] takeoverMillis,
        double[] revocationMillis,
        double[] revocationFromSentMillis,
        double[] midTurnRestartMillis,
        int midTurnRestartUnanswered,
        List<Double> failoverMillis,
        Map<String, Integer> faultsInjected,
        List<String> skippedFaults,
        List<String> problems,
        List<String> slowTakeovers) {

    private static final Set<String> ROUTINE =
            Set.of("primary", "acting-primary", "standby", "claimed-by-other", "takeover");
    private static final Set<String> SINGLE = Set.of("named", "named-other", "override-only", "override-other");
    private static final Set<String> MULTI = Set.of("both-requested", "both-flag", "machine-specific");
    /** A message sent this long before a store outage may still be in flight when it starts. */
    private static final Duration OUTAGE_LEAD = Duration.ofSeconds(3);

    private static final Duration OUTAGE_TAIL = Duration.ofSeconds(1);
    /** How long a named message may take to be answered. */
    private static final Duration NAMED_LIFETIME = Duration.ofSeconds(10);
    /** A takeover from a holder gone down slower than this is listed (offline_after + 1 s in the demo). */
    private static final Duration SLOW_TAKEOVER = Duration.ofSeconds(3);

    public boolean clean() {
        return duplicates == 0
                && unanswered == 0
                && wrongResponder == 0
                && fromTwinAnswered == 0
                && multiUnanswered == 0;
    }

    public static DemoReport check(History history, List<Double> failoverMillis) {
        int messages = 0, routine = 0, once = 0, duplicates = 0, unanswered = 0, multiOk = 0, multiMissing = 0;
        int namedLostToFault = 0;
        int repeats = 0, repeatsOnce = 0, repeatsDuplicated = 0, repeatsUnanswered = 0;
        int wrong = 0,
                fromTwin = 0,
                outage = 0,
                outageDup = 0,
                outageMissing = 0,
                outageApart = 0,
                unreachable = 0,
                takeovers = 0,
                refused = 0;
        Map<String, Integer> reasons = new TreeMap<>();
        List<Double> takeoverMillis = new ArrayList<>();
        List<Double> revocationMillis = new ArrayList<>();
        List<Double> revocationFromSentMillis = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        record Slow(double millis, String text) {}
        List<Slow> slowTakeovers = new ArrayList<>();
        long firstSent =
                history.logs().stream().mapToLong(l -> l.sent().atNanos()).min().orElse(0);
        List<History.Fault> outages =
                history.faults().stream().filter(History.Fault::storeProblem).toList();
        // A twin dead or cut off: killed, paused or restarted. Not a gateway failing /readyz while its
        // plugin calls (that twin is up: held to the rules like any other).
        List<History.Fault> otherFaults = history.faults().stream()
                .filter(f -> !f.storeProblem() && !f.kind().equals("gateway not ready"))
                .toList();
        Map<String, int[]> apartByCause = new TreeMap<>();
        for (History.Log log : history.logs()) {
            messages++;
            List<History.Decision> decisions = log.decisions();
            for (History.Decision d : decisions) {
                reasons.merge(d.reason(), 1, Integer::sum);
            }
            takeovers += log.dispatches().size();
            refused += log.refused.size();
            // Generation 1: nobody had claimed it. Later: a holder went down and was revoked.
            Optional<History.Dispatch> firstDispatch =
                    log.dispatches().stream().min(java.util.Comparator.comparingLong(History.Dispatch::atNanos));
            firstDispatch
                    .filter(d -> d.generation() <= 1)
                    .ifPresent(d -> takeoverMillis.add((d.atNanos() - log.sent().atNanos()) / 1e6));
            firstDispatch.filter(d -> d.generation() > 1).ifPresent(d -> {
                revocationFromSentMillis.add((d.atNanos() - log.sent().atNanos()) / 1e6);
                revocationMillis.add((d.atNanos() - holderDown(history, log, d)) / 1e6);
            });
            firstDispatch
                    .filter(d -> d.generation() > 1 && d.atNanos() - log.sent().atNanos() > SLOW_TAKEOVER.toNanos())
                    .ifPresent(d -> slowTakeovers.add(new Slow(
                            (d.atNanos() - log.sent().atNanos()) / 1e6,
                            String.format(
                                    "%7.1f s #%d (%s): %s took it over (generation %d) %.0f ms after it was sent;"
                                            + " decisions %s; dispatches %s; faults %s",
                                    (log.sent().atNanos() - firstSent) / 1e9,
                                    log.sent().index(),
                                    log.sent().kind(),
                                    d.twin(),
                                    d.generation(),
                                    (d.atNanos() - log.sent().atNanos()) / 1e6,
                                    log.decisions().stream()
                                            .map(x -> x.twin() + " " + x.reason() + " +"
                                                    + (x.askedAtNanos()
                                                                    + x.latencyNanos()
                                                                    - log.sent().atNanos())
                                                            / 1_000_000
                                                    + " ms")
                                            .toList(),
                                    log.dispatches().stream()
                                            .map(x -> x.twin() + " g" + x.generation() + " +"
                                                    + (x.atNanos() - log.sent().atNanos()) / 1_000_000 + " ms")
                                            .toList(),
                                    faultsRelativeTo(history, log.sent().atNanos())))));
            int answers = log.answers().size();
            long sent = log.sent().atNanos();
            boolean inOutage = outages.stream()
                    .anyMatch(f -> sent >= f.startNanos() - OUTAGE_LEAD.toNanos()
                            && (f.endNanos() == 0 || sent <= f.endNanos() + OUTAGE_TAIL.toNanos()));
            if (decisions.isEmpty()) {
                unreachable++;
                continue;
            }
            // One twin asked for by name: answered exactly once like a routine message (by that
            // twin, or by another when it cannot).
            boolean isSingle = decisions.stream().anyMatch(d -> SINGLE.contains(d.reason()))
                    && decisions.stream().filter(History.Decision::respond).count() <= 1;
            boolean isMulti = decisions.stream().anyMatch(d -> MULTI.contains(d.reason()));
            // A message some twin saw asked of several ("both of you") while another, its view of
            // who is up lagging, took it for routine: held to the rules for several (each twin told
            // to respond answers; any other answer is a twin it did not ask), not to "exactly once".
            boolean isRoutine =
                    !isMulti && (isSingle || decisions.stream().anyMatch(d -> ROUTINE.contains(d.reason())));
            boolean isFromTwin = decisions.stream().allMatch(d -> d.reason().equals("from-twin"));
            if (inOutage) {
                outage++;
            }
            // The store unreachable for a twin and, in the same window, a twin dead or cut off:
            // the twins that could decide such a message cannot agree on it (README: the limits).
            Optional<History.Fault> other = inOutage
                    ? otherFaults.stream()
                            .filter(f -> f.startNanos() <= sent + OUTAGE_TAIL.toNanos()
                                    && (f.endNanos() == 0 || f.endNanos() >= sent - OUTAGE_TAIL.toNanos()))
                            .findFirst()
                    : Optional.empty();
            if (other.isPresent()) {
                outageApart++;
                int[] cause = apartByCause.computeIfAbsent(other.get().kind(), k -> new int[3]);
                cause[0]++;
                if (isRoutine && answers > 1) {
                    outageDup++;
                    cause[1]++;
                } else if (!isFromTwin && answers == 0) {
                    outageMissing++;
                    cause[2]++;
                }
                continue;
            }
            String label = "#" + log.sent().index() + " (" + log.sent().kind() + ") '"
                    + log.sent().text() + "'" + faultsAround(history, sent);
            if (isFromTwin) {
                if (answers > 0) {
                    fromTwin++;
                    problems.add(label + ": a twin answered another twin");
                }
            } else if (isRoutine) {
                // The same text from the same sender seconds apart, on a channel without global
                // ids, is told apart only by counting repeats: held to the same rule as any routine
                // message (README: the limits say a twin out of step is slower, never silent or
                // twice), and shown as well on a row of its own.
                boolean repeat = log.sent().kind().equals("repeat");
                routine++;
                if (repeat) {
                    repeats++;
                }
                if (answers == 1) {
                    once++;
                    if (repeat) {
                        repeatsOnce++;
                    }
                } else if (answers == 0) {
                    unanswered++;
                    if (repeat) {
                        repeatsUnanswered++;
                    }
                    problems.add(label + ": unanswered; decisions " + decisions);
                } else {
                    duplicates++;
                    if (repeat) {
                        repeatsDuplicated++;
                    }
                    problems.add(label + ": answered " + answers + " times " + log.answers() + "; decisions "
                            + decisions + "; dispatches " + log.dispatches());
                }
            } else if (isMulti) {
                if (answers > 0) {
                    multiOk++;
                } else {
                    multiMissing++;
                    problems.add(label + ": nobody answered");
                }
            } else {
                // named / only: answers must come from twins told to respond, and at least one.
                Set<String> allowed = new java.util.HashSet<>();
                decisions.stream()
                        .filter(d -> d.respond()
                                || d.reason().equals("named")
                                || d.reason().equals("override-only"))
                        .forEach(d -> allowed.add(d.twin()));
                boolean wrongOne = log.answers().stream().anyMatch(a -> !allowed.contains(a.twin()));
                if (wrongOne) {
                    wrong++;
                    problems.add(label + ": answered by a twin it did not ask " + log.answers());
                } else if (answers == 0 && !allowed.isEmpty()) {
                    // Only the named twin may answer it: if a fault struck that twin meanwhile,
                    // silence is what the rules ask for.
                    boolean struck = history.faults().stream()
                            .anyMatch(f -> allowed.contains(f.twin())
                                    && f.startNanos() <= sent + NAMED_LIFETIME.toNanos()
                                    && (f.endNanos() == 0 || f.endNanos() >= sent));
                    if (struck) {
                        namedLostToFault++;
                        continue;
                    }
                    multiMissing++;
                    problems.add(label + ": the named twin never answered");
                } else if (answers > 0) {
                    multiOk++;
                }
            }
        }
        // From the restart between a claim and its confirm to the message's first answer (by anyone).
        List<Double> midTurnMillis = new ArrayList<>();
        int midTurnUnanswered = 0;
        Map<Integer, History.Log> byIndex = new java.util.HashMap<>();
        history.logs().forEach(l -> byIndex.put(l.sent().index(), l));
        for (History.MidTurnRestart restart : history.midTurnRestarts()) {
            History.Log log = byIndex.get(restart.index());
            java.util.OptionalLong answered = log == null
                    ? java.util.OptionalLong.empty()
                    : log.answers().stream()
                            .mapToLong(History.Answer::atNanos)
                            .filter(at -> at >= restart.atNanos())
                            .min();
            if (answered.isPresent()) {
                midTurnMillis.add((answered.getAsLong() - restart.atNanos()) / 1e6);
                long at = restart.atNanos();
                slowTakeovers.add(new Slow(
                        Double.MAX_VALUE,
                        String.format(
                                "restart mid-turn of %s at %.1f s, #%d answered %.0f ms later: starts %s;"
                                        + " dispatches %s; answers %s",
                                restart.twin(),
                                (at - firstSent) / 1e9,
                                restart.index(),
                                (answered.getAsLong() - at) / 1e6,
                                history.starts().stream()
                                        .filter(s -> s.atNanos() >= at && s.atNanos() - at < 10_000_000_000L)
                                        .map(s -> s.twin() + " +" + (s.atNanos() - at) / 1_000_000 + " ms")
                                        .toList(),
                                log.dispatches().stream()
                                        .map(x -> x.twin() + " g" + x.generation() + " +"
                                                + (x.atNanos() - at) / 1_000_000 + " ms")
                                        .toList(),
                                log.answers().stream()
                                        .map(x -> x.twin() + " " + x.via() + " +" + (x.atNanos() - at) / 1_000_000
                                                + " ms")
                                        .toList())));
            } else {
                midTurnUnanswered++;
            }
        }
        return new DemoReport(
                messages,
                routine,
                once,
                repeats,
                repeatsOnce,
                repeatsDuplicated,
                repeatsUnanswered,
                duplicates,
                unanswered,
                multiOk,
                multiMissing,
                namedLostToFault,
                wrong,
                fromTwin,
                outage,
                outageDup,
                outageMissing,
                outageApart,
                apart(apartByCause),
                unreachable,
                takeovers,
                refused,
                reasons,
                DecideRoundTrips.of(history),
                sorted(takeoverMillis),
                sorted(revocationMillis),
                sorted(revocationFromSentMillis),
                sorted(midTurnMillis),
                midTurnUnanswered,
                List.copyOf(failoverMillis),
                faultCounts(history),
                history.skipped(),
                List.copyOf(problems),
                slowTakeovers.stream()
                        .sorted(java.util.Comparator.comparingDouble(Slow::millis)
                                .reversed())
                        .map(Slow::text)
                        .toList());
    }

    /**
     * When a message's holder went down, for "takeover from a holder gone down": the start of the
     * last fault that struck a twin that decided to answer it (or the store, for everyone) between
     * its sending and the takeover; its sending if it was already down then, or no fault struck it
     * (a holder judged down for a reason the nemesis did not inject). A message in flight when its
     * holder is killed is otherwise counted from before the holder went down.
     */
    private static long holderDown(History history, History.Log log, History.Dispatch dispatch) {
        long sent = log.sent().atNanos();
        Set<String> holders = new java.util.HashSet<>();
        log.decisions().stream().filter(History.Decision::respond).forEach(d -> holders.add(d.twin()));
        return history.faults().stream()
                .filter(f -> f.twin() == null ? f.storeProblem() : holders.contains(f.twin()))
                .filter(f -> f.startNanos() <= dispatch.atNanos() && (f.endNanos() == 0 || f.endNanos() >= sent))
                .mapToLong(f -> Math.max(sent, f.startNanos()))
                .max()
                .orElse(sent);
    }

    /** Every fault with its start and end relative to {@code sent}, for a slow takeover's line. */
    private static String faultsRelativeTo(History history, long sent) {
        List<String> near = history.faults().stream()
                .filter(f -> f.startNanos() <= sent + 10_000_000_000L
                        && (f.endNanos() == 0 || f.endNanos() >= sent - 10_000_000_000L))
                .map(f -> f.kind() + (f.twin() == null ? "" : " " + f.twin()) + " ["
                        + (f.startNanos() - sent) / 1_000_000 + ", "
                        + (f.endNanos() == 0 ? "-" : Long.toString((f.endNanos() - sent) / 1_000_000)) + "] ms")
                .toList();
        return near.isEmpty() ? "none" : String.join(", ", near);
    }

    /** The faults in force around {@code sent} (from a store fault's lead to a second after), for a problem's label. */
    private static String faultsAround(History history, long sent) {
        List<String> around = history.faults().stream()
                .filter(f -> sent >= f.startNanos() - OUTAGE_LEAD.toNanos()
                        && (f.endNanos() == 0 || sent <= f.endNanos() + OUTAGE_TAIL.toNanos()))
                .map(f -> f.kind() + (f.twin() == null ? "" : " " + f.twin()))
                .toList();
        return around.isEmpty() ? " [no fault]" : " " + around;
    }

    /** Messages reported apart for one cause: the store unreachable and, meanwhile, this fault of another twin. */
    public record Apart(int messages, int duplicates, int unanswered) {}

    private static Map<String, Apart> apart(Map<String, int[]> counts) {
        Map<String, Apart> apart = new LinkedHashMap<>();
        counts.forEach((cause, c) -> apart.put(cause, new Apart(c[0], c[1], c[2])));
        return apart;
    }

    /** How often each kind of fault was injected, in the order they first were. */
    private static Map<String, Integer> faultCounts(History history) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        history.faults().stream()
                .sorted(java.util.Comparator.comparingLong(History.Fault::startNanos))
                .forEach(f -> counts.merge(f.kind(), 1, Integer::sum));
        return counts;
    }

    private static double[] sorted(List<Double> values) {
        double[] array = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(array);
        return array;
    }

    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** The summary table. */
    public String table() {
        StringBuilder t = new StringBuilder();
        row(t, "messages sent", messages);
        row(t, "routine or one twin named (exactly once)", routine);
        row(t, "  answered once", routineAnsweredOnce);
        row(t, "  duplicates", duplicates);
        row(t, "  unanswered", unanswered);
        row(
                t,
                "  of those identical repeats seconds apart",
                repeats + " (once " + repeatsAnsweredOnce + ", duplicated " + repeatsDuplicated + ", unanswered "
                        + repeatsUnanswered + ")");
        row(t, "both / machine-specific / named answered", multiAnswered);
        row(t, "  of those unanswered", multiUnanswered);
        row(t, "  named twin struck by a fault meanwhile (apart)", namedLostToFault);
        row(t, "answered by a twin not asked", wrongResponder);
        row(t, "twin-to-twin answers", fromTwinAnswered);
        row(t, "sent while the store was unreachable (all or one twin)", duringStoreOutage);
        row(
                t,
                "  and another twin faulty meanwhile (apart)",
                storeOutageWithAnotherFault + " (duplicates " + duringStoreOutageDuplicates + ", unanswered "
                        + duringStoreOutageUnanswered + ")");
        apartByCause.forEach((cause, apart) -> row(
                t,
                "    with " + cause,
                apart.messages() + " (duplicates " + apart.duplicates() + ", unanswered " + apart.unanswered() + ")"));
        row(t, "no twin reachable", noTwinReachable);
        row(t, "takeovers dispatched", takeovers);
        row(t, "replies refused at confirm (fenced)", refusedAtConfirm);
        row(
                t,
                "takeover, nobody claimed: message to dispatch p50 / p99",
                ms(percentile(takeoverMillis, 50)) + " / " + ms(percentile(takeoverMillis, 99)));
        row(
                t,
                "takeover from a holder gone down: p50 / p99",
                ms(percentile(revocationMillis, 50)) + " / " + ms(percentile(revocationMillis, 99)));
        row(t, "  counted from the message sent: p50 / p99", p50p99(revocationFromSentMillis));
        if (midTurnRestartMillis.length > 0 || midTurnRestartUnanswered > 0) {
            row(
                    t,
                    "takeover after a restart mid-turn (n=" + midTurnRestartMillis.length + ") p50 / p99",
                    p50p99(midTurnRestartMillis)
                            + (midTurnRestartUnanswered > 0 ? " (" + midTurnRestartUnanswered + " unanswered)" : ""));
        }
        row(
                t,
                "decide round trip, live daemons (n=" + decides.live().length + ") p50 / p99",
                p50p99(decides.live())
                        + (decides.liveTimedOut() > 0 ? " (" + decides.liveTimedOut() + " timed out)" : ""));
        decides.liveByTwin().forEach((twin, values) -> row(t, "  " + twin + " p50 / p99", p50p99(values)));
        row(
                t,
                "  in a daemon's first " + DecideRoundTrips.STARTING.toSeconds() + " s (n=" + decides.starting().length
                        + ") p50 / p99",
                p50p99(decides.starting()));
        row(t, "  later (n=" + decides.settled().length + ") p50 / p99", p50p99(decides.settled()));
        row(t, "  inside the daemon p50 / p99", p50p99(decides.liveInDaemon()));
        row(
                t,
                "decide round trip to a SIGSTOPped daemon (n=" + decides.paused().length + ", apart) p50 / p99",
                p50p99(decides.paused())
                        + (decides.pausedTimedOut() > 0 ? " (" + decides.pausedTimedOut() + " timed out)" : ""));
        if (decides.killed() + decides.refused() > 0) {
            row(
                    t,
                    "decides to a daemon being killed / not listening yet",
                    decides.killed() + " / " + decides.refused());
        }
        faultsInjected.forEach((kind, count) -> row(t, "fault: " + kind, count));
        skippedFaults.forEach(why -> row(t, "fault skipped", why));
        if (!failoverMillis.isEmpty()) {
            double[] f = sorted(failoverMillis);
            row(
                    t,
                    "role failover after SIGKILL (n=" + f.length + ") p50 / max",
                    ms(percentile(f, 50)) + " / " + ms(f[f.length - 1]));
        }
        return t.toString();
    }

    private static String p50p99(double[] sorted) {
        return ms(percentile(sorted, 50)) + " / " + ms(percentile(sorted, 99));
    }

    private static void row(StringBuilder t, String what, Object value) {
        t.append(String.format("  %-48s %s%n", what, value));
    }

    private static String ms(double millis) {
        return Double.isNaN(millis) ? "-" : millis < 10 ? String.format("%.1f ms", millis) : Math.round(millis) + " ms";
    }
}
