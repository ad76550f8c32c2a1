package dev.openclaw.twin.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every decide round trip of a run (the gateway's request to its answer), filed by what its daemon
 * was doing meanwhile, from the history's faults and daemon starts: live, including its first
 * {@link #STARTING} after a start (a restarted daemon must decide as fast: that is when a takeover
 * needs it); SIGSTOPped (it answers once resumed, or the plugin gives up); or being killed. A fault
 * of another twin or of the store leaves a daemon live: it must not slow its decides. A decide that
 * timed out counts as {@link SimulatedGateways#DECIDE_TIMEOUT} in the percentiles.
 *
 * @param liveByTwin live round trips per twin, sorted, in ms
 * @param live all twins' live round trips, sorted, in ms
 * @param starting the live ones within {@link #STARTING} of their daemon's start
 * @param settled the other live ones
 * @param liveInDaemon the time the daemon itself reports for its live decides
 * @param liveTimedOut live decides the plugin gave up on
 * @param paused round trips to a SIGSTOPped daemon (those that timed out included)
 * @param pausedTimedOut of those, the ones the plugin gave up on
 * @param killed decides to a daemon being killed (answered or not)
 * @param refused decides whose connection failed outside a kill: the daemon not listening yet
 * @param slowLive the live decides slower than {@link #SLOW}, slowest first, described
 */
public record DecideRoundTrips(
        Map<String, double[]> liveByTwin,
        double[] live,
        double[] starting,
        double[] settled,
        double[] liveInDaemon,
        int liveTimedOut,
        double[] paused,
        int pausedTimedOut,
        int killed,
        int refused,
        List<String> slowLive) {

    /** After a start, a daemon's decides are still filed apart as "starting" (and count as live) this long. */
    static final Duration STARTING = Duration.ofSeconds(30);

    /** The target for a live decide's round trip on loopback (issue 15). */
    static final Duration SLOW = Duration.ofMillis(50);

    /** What a daemon was doing while a decide to it ran. */
    enum DaemonState {
        LIVE,
        /** Live, within {@link #STARTING} of its start. */
        STARTING,
        PAUSED,
        KILLED
    }

    static DecideRoundTrips of(History history) {
        List<History.Fault> faults = history.faults();
        List<History.Start> starts = history.starts();
        long timeout = SimulatedGateways.DECIDE_TIMEOUT.toNanos();
        long firstSent =
                history.logs().stream().mapToLong(l -> l.sent().atNanos()).min().orElse(0);
        Map<String, List<Double>> liveByTwin = new TreeMap<>();
        List<Double> live = new ArrayList<>();
        List<Double> starting = new ArrayList<>();
        List<Double> settled = new ArrayList<>();
        List<Double> inDaemon = new ArrayList<>();
        List<Double> paused = new ArrayList<>();
        record Slow(double millis, String text) {}
        List<Slow> slow = new ArrayList<>();
        int liveTimedOut = 0, pausedTimedOut = 0, killed = 0, refused = 0;
        for (History.Log log : history.logs()) {
            for (History.Decision d : log.decisions()) {
                long end = d.askedAtNanos() + d.latencyNanos();
                DaemonState state = stateOf(d.twin(), d.askedAtNanos(), end, faults, starts);
                double millis = d.latencyNanos() / 1e6;
                switch (state) {
                    case PAUSED -> paused.add(millis);
                    case KILLED -> killed++;
                    case LIVE, STARTING -> {
                        live.add(millis);
                        liveByTwin
                                .computeIfAbsent(d.twin(), t -> new ArrayList<>())
                                .add(millis);
                        inDaemon.add((double) d.daemonMillis());
                        (state == DaemonState.STARTING ? starting : settled).add(millis);
                        if (millis > SLOW.toMillis()) {
                            slow.add(new Slow(
                                    millis,
                                    String.format(
                                            "%7.1f s #%d %s %s: %.0f ms (in the daemon %d ms)%s; faults from 1 s before: %s",
                                            (d.askedAtNanos() - firstSent) / 1e9,
                                            log.sent().index(),
                                            d.twin(),
                                            d.reason(),
                                            millis,
                                            d.daemonMillis(),
                                            sinceStart(d.twin(), d.askedAtNanos(), starts),
                                            faultsNear(d.askedAtNanos(), end, faults))));
                        }
                    }
                }
            }
            for (History.FailedDecide f : log.failedDecides()) {
                long end = f.askedAtNanos() + (f.timedOut() ? timeout : 0);
                DaemonState state = stateOf(f.twin(), f.askedAtNanos(), end, faults, starts);
                double millis = timeout / 1e6;
                switch (state) {
                    case KILLED -> killed++;
                    case PAUSED -> {
                        if (f.timedOut()) {
                            paused.add(millis);
                            pausedTimedOut++;
                        } else {
                            refused++;
                        }
                    }
                    case LIVE, STARTING -> {
                        if (f.timedOut()) {
                            live.add(millis);
                            liveByTwin
                                    .computeIfAbsent(f.twin(), t -> new ArrayList<>())
                                    .add(millis);
                            liveTimedOut++;
                            (state == DaemonState.STARTING ? starting : settled).add(millis);
                            slow.add(new Slow(
                                    millis,
                                    String.format(
                                            "%7.1f s #%d %s: timed out; faults from 1 s before: %s",
                                            (f.askedAtNanos() - firstSent) / 1e9,
                                            log.sent().index(),
                                            f.twin(),
                                            faultsNear(f.askedAtNanos(), end, faults))));
                        } else {
                            refused++;
                        }
                    }
                }
            }
        }
        Map<String, double[]> byTwin = new LinkedHashMap<>();
        liveByTwin.forEach((twin, values) -> byTwin.put(twin, sorted(values)));
        slow.sort(Comparator.comparingDouble(Slow::millis).reversed());
        return new DecideRoundTrips(
                byTwin,
                sorted(live),
                sorted(starting),
                sorted(settled),
                sorted(inDaemon),
                liveTimedOut,
                sorted(paused),
                pausedTimedOut,
                killed,
                refused,
                slow.stream().map(Slow::text).toList());
    }

    /**
     * What {@code twin}'s daemon was doing between {@code from} and {@code to}: killed (SIGKILL,
     * SIGTERM or a restart) or SIGSTOPped at any moment of it, or else live, starting if it started
     * less than {@link #STARTING} before.
     */
    static DaemonState stateOf(
            String twin, long from, long to, List<History.Fault> faults, List<History.Start> starts) {
        boolean paused = false;
        for (History.Fault f : faults) {
            if (!twin.equals(f.twin()) || f.startNanos() > to || (f.endNanos() != 0 && f.endNanos() < from)) {
                continue;
            }
            if (kills(f)) {
                return DaemonState.KILLED;
            }
            paused |= f.kind().startsWith("SIGSTOP");
        }
        if (paused) {
            return DaemonState.PAUSED;
        }
        boolean starting = starts.stream()
                .anyMatch(s -> s.twin().equals(twin) && s.atNanos() <= from && from - s.atNanos() < STARTING.toNanos());
        return starting ? DaemonState.STARTING : DaemonState.LIVE;
    }

    private static boolean kills(History.Fault f) {
        return f.kind().startsWith("SIGKILL")
                || f.kind().startsWith("SIGTERM")
                || f.kind().contains("restart");
    }

    /** ", 2.1 s after its daemon started" for a decide in a daemon's first {@link #STARTING}. */
    private static String sinceStart(String twin, long at, List<History.Start> starts) {
        return starts.stream()
                .filter(s -> s.twin().equals(twin) && s.atNanos() <= at)
                .mapToLong(s -> at - s.atNanos())
                .min()
                .stream()
                .filter(ago -> ago < STARTING.toNanos())
                .mapToObj(ago -> String.format(", %.1f s after its daemon started", ago / 1e9))
                .findFirst()
                .orElse("");
    }

    /** The faults in force between a second before {@code from} and {@code to}: what may have slowed a decide. */
    private static String faultsNear(long from, long to, List<History.Fault> faults) {
        long since = from - Duration.ofSeconds(1).toNanos();
        List<String> during = faults.stream()
                .filter(f -> f.startNanos() <= to && (f.endNanos() == 0 || f.endNanos() >= since))
                .map(f -> f.kind() + (f.twin() == null ? "" : " " + f.twin()))
                .toList();
        return during.isEmpty() ? "none" : String.join(", ", during);
    }

    private static double[] sorted(List<Double> values) {
        double[] array = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(array);
        return array;
    }
}
