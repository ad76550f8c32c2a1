package dev.openclaw.twin.protocol;

/**
 * One message this twin has decided, and what it is doing about it. Its mutable fields change under
 * the entry's own lock: decide, confirm and the watcher all take it.
 *
 * <p>Its request is whole while the decide runs and, after it, only while the message is watched
 * (a takeover hands the text to the gateway) within the ledger's watch budget ({@link
 * MessageLedger#settle}); otherwise only what confirm needs is kept (the ids and session). So a
 * message must start being watched during its decide, never later.
 */
final class MessageEntry {

    /** Estimated heap of an entry beyond its strings (object headers, fields, map node). */
    private static final long OVERHEAD = 256;

    private volatile DecideRequest request;
    private final String key;
    /** What the twins call it without the store (promises name it so). */
    private final MessageIdentity identity;

    private final long decidedNanos;
    private DecideAnswer answer;
    /** The generation of the claim this twin holds, 0 if none. */
    private int heldGeneration;
    /** Decide said respond without a claim (a settled rule, or the store was down): confirm says send. */
    private boolean freeToSend;
    /** This twin gave its claim up (it could not dispatch): it does not take the message again. */
    private boolean gaveUp;

    private boolean sawClaim;
    /** Its reply goes out only through the resend turn (its first turn's reply was dropped). */
    private boolean resending;
    /** Confirm let this twin's reply to it go out. */
    private boolean sent;
    /** This twin saw a peer's answer to it recorded in the store. */
    private boolean answeredByPeer;
    /** The peer this twin promised to leave it to (it neither takes it over nor sends), or null. */
    private String promisedTo;
    /**
     * Decide (or the peers' word afterwards) said this twin answers it without a claim, the store
     * being unreachable: the round of the peers' promises that confirm awaits. Null otherwise.
     */
    private java.util.concurrent.CompletableFuture<Boolean> peersPromised;
    /** While true the watcher looks after the message (takeover, revocation). */
    private volatile boolean watching;
    /**
     * Decide left it silent for want of the peers' word while the store is down; if that word comes
     * in time, this twin answers it through a takeover turn, which needs the text.
     */
    private volatile boolean awaitingAgreement;
    /** Monotonic time after which a standby may claim it. */
    private long takeoverAtNanos;
    /** Its decide is over: the ledger may forget it once it is not watched. */
    private volatile boolean settled;
    /**
     * When this twin last handed the message's turn to its gateway (a takeover), monotonic; -1 if
     * never. A takeover turn's confirm names only its session, so this tells which message it is.
     */
    private long turnDispatchedNanos = -1;
    /** When that turn's first confirm came, monotonic; -1 while it has not. */
    private long turnConfirmedNanos = -1;
    /** When this twin's gateway last began a turn answering it (decide said respond, or a dispatch); -1 if never. */
    private long turnStartedNanos = -1;
    /** Whether a confirm has come since that turn began. */
    private boolean turnConfirmCame;
    /** The ledger that holds this entry's whole request in its watch budget, while it does. */
    private MessageLedger retainedBy;

    MessageEntry(DecideRequest request, String key, MessageIdentity identity, long decidedNanos) {
        this.request = request;
        this.key = key;
        this.identity = identity;
        this.decidedNanos = decidedNanos;
    }

    MessageIdentity identity() {
        return identity;
    }

    synchronized boolean sent() {
        return sent;
    }

    synchronized void markSent() {
        sent = true;
    }

    synchronized boolean answeredByPeer() {
        return answeredByPeer;
    }

    synchronized void markAnsweredByPeer() {
        answeredByPeer = true;
    }

    /** This twin saw a claim of this message in the store (claims vanish only by pruning). */
    synchronized boolean sawClaim() {
        return sawClaim;
    }

    synchronized void claimSeen() {
        sawClaim = true;
    }

    synchronized String promisedTo() {
        return promisedTo;
    }

    /** This twin promised to leave the message to {@code peer}: it stops watching it for good. */
    synchronized void promiseTo(String peer) {
        promisedTo = peer;
        awaitingAgreement = false;
        stopWatching();
    }

    /** The content key counted for it once the store was back, to record its answer under (null until then). */
    private String recordedKey;

    synchronized String recordedKey() {
        return recordedKey;
    }

    synchronized void recordedKey(String key) {
        recordedKey = key;
    }

    synchronized java.util.concurrent.CompletableFuture<Boolean> peersPromised() {
        return peersPromised;
    }

    synchronized void answerOnPromises(java.util.concurrent.CompletableFuture<Boolean> round) {
        peersPromised = round;
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

    synchronized boolean resending() {
        return resending;
    }

    synchronized void resend() {
        this.resending = true;
    }

    synchronized void giveUp() {
        this.gaveUp = true;
        stopWatching();
    }

    boolean watching() {
        return watching;
    }

    synchronized void watch(long takeoverAtNanos) {
        this.takeoverAtNanos = takeoverAtNanos;
        this.watching = true;
    }

    /** Whether the whole request (the text) may still be needed: watched, or awaiting the peers' word. */
    boolean needsText() {
        return watching || awaitingAgreement;
    }

    synchronized void awaitAgreement() {
        this.awaitingAgreement = true;
    }

    boolean awaitingAgreement() {
        return awaitingAgreement;
    }

    synchronized void stopAwaitingAgreement() {
        awaitingAgreement = false;
        releaseUnlessNeeded();
    }

    synchronized void stopWatching() {
        watching = false;
        releaseUnlessNeeded();
    }

    private void releaseUnlessNeeded() {
        if (!watching && !awaitingAgreement && retainedBy != null) {
            MessageLedger ledger = retainedBy;
            retainedBy = null;
            ledger.released(this);
        }
    }

    /** The watch budget was spent: this message is not watched (nor answered on the peers' word) after all. */
    synchronized void refuseWatch() {
        watching = false;
        awaitingAgreement = false;
    }

    synchronized void retain(MessageLedger ledger) {
        this.retainedBy = ledger;
    }

    void settled() {
        settled = true;
    }

    boolean isSettled() {
        return settled;
    }

    /** Drops the text and everything else confirm does not need. */
    void compact() {
        request = request.forConfirm();
    }

    /** Estimated heap of this entry: two bytes a char of what it keeps, and the overhead. */
    long footprint() {
        // A global key is its identity (one string); a content key is its base and a number.
        long identityChars = identity.value() == key ? 0 : identity.value().length();
        return OVERHEAD + 2L * (request.retainedChars() + (key == null ? 0 : key.length()) + identityChars);
    }

    synchronized void turnDispatched(long nanos) {
        turnDispatchedNanos = nanos;
        turnConfirmedNanos = -1;
        turnStarted(nanos);
    }

    /** This twin's gateway began a turn answering it. */
    synchronized void turnStarted(long nanos) {
        turnStartedNanos = nanos;
        turnConfirmCame = false;
    }

    synchronized void confirmCame() {
        turnConfirmCame = true;
    }

    /**
     * Whether a turn of this twin's gateway for it began less than {@code limit} ago and has not
     * confirmed yet: its confirm will be this twin's reply, so a second turn must not start (two
     * turns' confirms cannot be told apart, and both would send).
     */
    synchronized boolean turnInFlight(long nowNanos, java.time.Duration limit) {
        return turnStartedNanos >= 0 && !turnConfirmCame && nowNanos - turnStartedNanos < limit.toNanos();
    }

    synchronized long turnDispatchedNanos() {
        return turnDispatchedNanos;
    }

    synchronized void turnConfirmed(long nanos) {
        if (turnConfirmedNanos < 0) {
            turnConfirmedNanos = nanos;
        }
    }

    synchronized long turnConfirmedNanos() {
        return turnConfirmedNanos;
    }

    synchronized long takeoverAtNanos() {
        return takeoverAtNanos;
    }
}
