package dev.openclaw.twin.protocol;

import dev.openclaw.twin.coordination.Reason;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a turn of this twin's own gateway for a message its gateway did not answer inline (a
 * takeover, or an answer on the peers' promises), off the caller's thread: the dispatch is an HTTP
 * call with retries, and a takeover tick or a decide never waits for it.
 */
final class TurnStarter {

    private static final Logger LOG = LoggerFactory.getLogger(TurnStarter.class);

    private final String self;
    private final TakeoverDispatcher dispatcher;
    private final Executor executor;
    private final LongSupplier nanoTime;

    TurnStarter(String self, TakeoverDispatcher dispatcher, Executor executor, LongSupplier nanoTime) {
        this.self = self;
        this.dispatcher = dispatcher;
        this.executor = executor;
        this.nanoTime = nanoTime;
    }

    /**
     * The turn of a message this twin now holds generation {@code generation} of; if it cannot be
     * handed over, {@code undelivered} runs (under the entry's lock): the claim is given up.
     */
    void takeover(MessageEntry entry, int generation, long now, Runnable undelivered) {
        start(entry, generation, now, false, undelivered);
    }

    /**
     * A second turn of generation {@code generation}, which this twin holds but whose first turn's
     * reply was dropped: its own idempotency key, so the gateway does not take it for a retry.
     */
    void resend(MessageEntry entry, int generation, long now, Runnable undelivered) {
        start(entry, generation, now, true, undelivered);
    }

    private void start(MessageEntry entry, int generation, long now, boolean resend, Runnable undelivered) {
        TakeoverDispatcher.Takeover takeover = new TakeoverDispatcher.Takeover(
                entry.request(), self, Reason.TAKEOVER.code(), generation, entry.key(), resend);
        entry.turnDispatched(now);
        executor.execute(() -> {
            if (dispatcher.dispatch(takeover)) {
                return;
            }
            LOG.warn("could not dispatch the takeover of {}; giving it up", takeover.claimKey());
            synchronized (entry) {
                undelivered.run();
            }
        });
    }

    /** The turn of a message the peers promised to leave to this twin: no claim (generation 0). */
    void withoutClaim(MessageEntry entry, DecideRequest request) {
        entry.turnDispatched(nanoTime.getAsLong());
        // Without a content key (the store was needed to count), the gateway's own id names the
        // turn, for the dispatcher's idempotency key.
        LocalMessageId local = request.localId();
        String turnKey = entry.key() != null
                ? entry.key()
                : "without-store:" + local.channel() + ":" + local.conversationId() + ":" + local.messageId();
        TakeoverDispatcher.Takeover takeover =
                new TakeoverDispatcher.Takeover(request, self, Reason.TAKEOVER.code(), 0, turnKey);
        executor.execute(() -> dispatcher.dispatch(takeover));
    }
}
