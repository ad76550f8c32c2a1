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
 * restart it), take the acting primary's own mount of the share away (the others keep theirs),
 * SIGSTOP a twin, restart (SIGKILL + start) a twin between its claim and its confirm, SIGSTOP a twin
 * between its claim and its confirm, take the shared store away from every twin, fail a twin's
 * gateway's /readyz (while it keeps calling decide). Waits for the flock to be whole again between faults. The
 * pauses here are the faults' durations (the schedule), not waits for a condition.
 */
final class Nemesis implements Runnable {

    private static final Duration GAP = Duration.ofSeconds(2);
    private static final Duration FAULT = Duration.ofSeconds(3);
    private static final Duration STORE_OUTAGE = Duration.ofSeconds(2);

    private final LocalFlock flock;
    private final SimulatedGateways gateways;
    private final History history;
    private final Random random;
    private final List<Double> failoverMillis = new CopyOnWriteArrayList<>();
    private volatile boolean stopped;

    Nemesis(LocalFlock flock, SimulatedGateways gateways, History history, long seed) {
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

    @Override
    public void run() {
        try {
            for (int round = 0; !stopped; round++) {
                awaitWhole();
                pause(GAP);
                if (stopped) {
                    return;
                }
                switch (round % 7) {
                    case 0 -> killActingPrimary();
                    case 1 -> mountLost();
                    case 2 -> pauseTwin();
                    case 3 -> gateways.restartNextResponderBeforeConfirm();
                    case 4 -> gateways.pauseNextResponderBeforeConfirm(FAULT);
                    case 5 -> storeOutage();
                    default -> failGateway();
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
