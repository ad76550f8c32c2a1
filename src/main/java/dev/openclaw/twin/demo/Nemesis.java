package dev.openclaw.twin.demo;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import tools.jackson.databind.JsonNode;

/**
 * Injects one fault at a time into a running flock, in turn: SIGKILL the acting primary (and
 * restart it), make the share read-only for the acting primary (the others keep writing), take the
 * acting primary's own mount of the share away (the others keep theirs), send repeated texts often
 * while claims are pruned and restart (SIGTERM + start) the acting primary meanwhile, SIGSTOP a
 * twin, restart (SIGKILL + start) a twin between its claim and its confirm, SIGSTOP a twin between
 * its claim and its confirm, take the shared store away from every twin, fail a twin's gateway's
 * /readyz (while it keeps calling decide). Waits for the flock to be whole again between faults.
 * The pauses here are the faults' durations (the schedule), not waits for a condition.
 */
final class Nemesis implements Runnable {

    private static final Duration GAP = Duration.ofSeconds(2);
    private static final Duration FAULT = Duration.ofSeconds(3);
    private static final Duration STORE_OUTAGE = Duration.ofSeconds(2);
    /** Long enough for a burst's first repeats to be pruned (the harness keeps claims 10 s). */
    private static final Duration REPEAT_BURST = Duration.ofSeconds(12);

    private final LocalFlock flock;
    private final SimulatedGateways gateways;
    private final History history;
    private final Random random;
    private final List<Double> failoverMillis = new CopyOnWriteArrayList<>();
    private volatile boolean stopped;
    private volatile boolean repeatsOften;

    /** The faults, in the order the nemesis injects them. */
    enum Kind {
        KILL,
        READ_ONLY,
        MOUNT_LOST,
        REPEATS,
        SIGSTOP,
        RESTART_MID_TURN,
        SIGSTOP_MID_TURN,
        STORE_OUTAGE,
        GATEWAY;

        /** The name a person types: {@code restart-mid-turn}. */
        String option() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }

        static Kind ofOption(String option) {
            for (Kind k : values()) {
                if (k.option().equals(option.strip())) {
                    return k;
                }
            }
            throw new IllegalArgumentException("no fault '" + option + "'; faults: "
                    + java.util.Arrays.stream(values()).map(Kind::option).toList());
        }
    }

    private final java.util.Set<Kind> only;

    Nemesis(LocalFlock flock, SimulatedGateways gateways, History history, long seed) {
        this(flock, gateways, history, seed, java.util.Set.of());
    }

    /** @param only the faults to inject, in turn (empty: every kind) */
    Nemesis(LocalFlock flock, SimulatedGateways gateways, History history, long seed, java.util.Set<Kind> only) {
        this.only = java.util.Set.copyOf(only);
        this.flock = flock;
        this.gateways = gateways;
        this.history = history;
        this.random = new Random(seed);
    }

    List<Double> failoverMillis() {
        return new ArrayList<>(failoverMillis);
    }

    void stop() {
        stopped = true;
    }

    /** Whether the message stream should repeat its short texts as often as it may now. */
    boolean repeatsOften() {
        return repeatsOften;
    }

    @Override
    public void run() {
        try {
            for (int round = 0; !stopped; round++) {
                Kind kind = Kind.values()[round % Kind.values().length];
                if (!only.isEmpty() && !only.contains(kind)) {
                    continue;
                }
                awaitWhole();
                pause(GAP);
                if (stopped) {
                    return;
                }
                switch (kind) {
                    case KILL -> killActingPrimary();
                    case READ_ONLY -> shareReadOnly();
                    case MOUNT_LOST -> mountLost();
                    case REPEATS -> restartAmidPrunedRepeats();
                    case SIGSTOP -> pauseTwin();
                    case RESTART_MID_TURN -> gateways.restartNextResponderBeforeConfirm();
                    case SIGSTOP_MID_TURN -> gateways.pauseNextResponderBeforeConfirm(FAULT);
                    case STORE_OUTAGE -> storeOutage();
                    case GATEWAY -> failGateway();
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void killActingPrimary() throws IOException, InterruptedException {
        String victim = actingPrimary(null);
        if (victim == null) {
            return;
        }
        History.Fault fault = new History.Fault("SIGKILL (acting primary)", victim, System.nanoTime(), 0);
        long start = System.nanoTime();
        flock.kill(victim);
        history.fault(fault);
        long deadline = start + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline && !stopped) {
            String acting = actingPrimary(victim);
            if (acting != null && !acting.equals(victim)) {
                failoverMillis.add((System.nanoTime() - start) / 1e6);
                break;
            }
            pause(Duration.ofMillis(50));
        }
        pause(FAULT);
        flock.start(victim);
        history.faultEnded(fault, System.nanoTime());
    }

    /** The acting primary as a running twin (other than {@code not}) sees it. */
    private String actingPrimary(String not) {
        for (String twin : flock.twins()) {
            if (twin.equals(not) || !flock.running(twin)) {
                continue;
            }
            JsonNode status = flock.status(twin);
            if (status != null && status.hasNonNull("actingPrimary")) {
                return status.get("actingPrimary").asString();
            }
        }
        return null;
    }

    private String randomTwin() {
        return flock.twins().get(random.nextInt(flock.twins().size()));
    }

    private void pauseTwin() {
        String twin = randomTwin();
        History.Fault fault = new History.Fault("SIGSTOP", twin, System.nanoTime(), 0);
        flock.pause(twin);
        history.fault(fault);
        pause(FAULT);
        flock.resume(twin);
        history.faultEnded(fault, System.nanoTime());
    }

    private void storeOutage() throws IOException {
        History.Fault fault = new History.Fault("store unavailable", null, System.nanoTime(), 0);
        history.fault(fault);
        flock.removeStore();
        pause(STORE_OUTAGE);
        flock.restoreStore();
        history.faultEnded(fault, System.nanoTime());
    }

    /** The acting primary's own mount of the share goes away; the other twins keep theirs. */
    private void mountLost() throws IOException {
        String victim = actingPrimary(null);
        if (victim == null) {
            return;
        }
        History.Fault fault =
                new History.Fault("store unavailable to one twin (mount lost)", victim, System.nanoTime(), 0);
        history.fault(fault);
        flock.unmount(victim);
        pause(STORE_OUTAGE);
        flock.remount(victim);
        history.faultEnded(fault, System.nanoTime());
    }

    /**
     * The share turns read-only for the acting primary (a NAS export or a mount remounted
     * read-only after an error): it reads everything, every write fails with EROFS, the other twins
     * keep writing. Skipped, and said so once, where this machine cannot bind-mount.
     */
    private void shareReadOnly() throws IOException {
        java.util.Optional<String> refused = flock.readOnlyMountsRefused();
        if (refused.isPresent()) {
            history.skipped(History.Fault.SHARE_READ_ONLY + ": cannot bind-mount here (" + refused.get() + ")");
            return;
        }
        String victim = actingPrimary(null);
        if (victim == null) {
            return;
        }
        History.Fault fault = new History.Fault(History.Fault.SHARE_READ_ONLY, victim, System.nanoTime(), 0);
        history.fault(fault);
        flock.shareReadOnly(victim);
        try {
            pause(FAULT);
        } finally {
            flock.shareWritable(victim);
            history.faultEnded(fault, System.nanoTime());
        }
    }

    /**
     * Repeated texts (same sender, same words, no global ids) come as often as the stream allows
     * while the daemons prune claims every few seconds, and the acting primary's daemon restarts
     * (SIGTERM + start) half-way: it must number each repeat as its peers do, from the repeat marks
     * the pruning left, although it forgot its counts and the earlier repeats' claims are gone.
     */
    private void restartAmidPrunedRepeats() throws IOException, InterruptedException {
        String victim = actingPrimary(null);
        if (victim == null) {
            return;
        }
        History.Fault fault =
                new History.Fault("restart amid repeated texts, claims pruned", victim, System.nanoTime(), 0);
        history.fault(fault);
        repeatsOften = true;
        try {
            pause(REPEAT_BURST.dividedBy(2));
            flock.stop(victim);
            flock.start(victim);
            pause(REPEAT_BURST.dividedBy(2));
        } finally {
            repeatsOften = false;
            history.faultEnded(fault, System.nanoTime());
        }
    }

    private void failGateway() {
        String twin = randomTwin();
        History.Fault fault = new History.Fault("gateway not ready", twin, System.nanoTime(), 0);
        gateways.setReady(twin, false);
        history.fault(fault);
        pause(FAULT);
        gateways.setReady(twin, true);
        history.faultEnded(fault, System.nanoTime());
    }

    private void awaitWhole() {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!stopped && System.nanoTime() < deadline && !flock.allOnline()) {
            pause(Duration.ofMillis(100));
        }
    }

    private static void pause(Duration d) {
        LockSupport.parkNanos(d.toNanos());
    }
}
