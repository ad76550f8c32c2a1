package dev.openclaw.twin.protocol;

/**
 * One message this twin has decided, and what it is doing about it. Its mutable fields change under
 * the entry's own lock: decide, confirm and the watcher all take it.
 */
final class MessageEntry {

    private final DecideRequest request;
    private final String key;
    private final long decidedNanos;
    private DecideAnswer answer;
    /** The generation of the claim this twin holds, 0 if none. */
    private int heldGeneration;
    /** Decide said respond without a claim (a settled rule, or the store was down): confirm says send. */
    private boolean freeToSend;
    /** This twin gave its claim up (it could not dispatch): it does not take the message again. */
    private boolean gaveUp;
    /** While true the watcher looks after the message (takeover, revocation). */
    private volatile boolean watching;
    /** Monotonic time after which a standby may claim it. */
    private long takeoverAtNanos;

    MessageEntry(DecideRequest request, String key, long decidedNanos) {
        this.request = request;
        this.key = key;
        this.decidedNanos = decidedNanos;
    }

    DecideRequest request() {
        return request;
    }

    String key() {
        return key;
    }

    long decidedNanos() {
        return decidedNanos;
    }

    synchronized DecideAnswer answer() {
        return answer;
    }

    synchronized void answer(DecideAnswer answer) {
        this.answer = answer;
    }

    synchronized int heldGeneration() {
        return heldGeneration;
    }

    synchronized void held(int generation) {
        this.heldGeneration = generation;
    }

    synchronized boolean freeToSend() {
        return freeToSend;
    }

    synchronized void sendWithoutClaim() {
        this.freeToSend = true;
    }

    synchronized boolean gaveUp() {
        return gaveUp;
    }

    synchronized void giveUp() {
        this.gaveUp = true;
        this.watching = false;
    }

    boolean watching() {
        return watching;
    }

    synchronized void watch(long takeoverAtNanos) {
        this.takeoverAtNanos = takeoverAtNanos;
        this.watching = true;
    }

    void stopWatching() {
        watching = false;
    }

    synchronized long takeoverAtNanos() {
        return takeoverAtNanos;
    }
}
