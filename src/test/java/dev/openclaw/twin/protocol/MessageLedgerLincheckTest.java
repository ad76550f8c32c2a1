package dev.openclaw.twin.protocol;

import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Lincheck on the daemon's message ledger, the in-process structure every concurrent decide goes
 * through: a message decided from several threads at once gets one entry (one occurrence number),
 * and distinct messages with the same content get distinct, consecutive occurrence numbers, as if
 * the decides had run one at a time.
 */
@Param(name = "message", gen = IntGen.class, conf = "1:4")
@Param(name = "content", gen = IntGen.class, conf = "1:2")
public class MessageLedgerLincheckTest {

    private final MessageLedger ledger = new MessageLedger();

    /** Decides message {@code message} (whose text is {@code content}); returns its occurrence. */
    @Operation
    public int decide(@Param(name = "message") int message, @Param(name = "content") int content) {
        LocalMessageId id = new LocalMessageId("irc", "#flock", "local:" + message);
        MessageEntry entry = ledger.entry(id, local -> {
            String base = "base-" + content;
            int occurrence = ledger.nextOccurrence(base, 0, counted -> Math.max(counted, 0));
            DecideRequest request =
                    new DecideRequest("irc", "#flock", local.messageId(), "human", "text " + content, null, null, null);
            return new MessageEntry(
                    request, ClaimKeys.contentKey(base, occurrence), new MessageIdentity(base, false), 0);
        });
        String key = entry.key();
        return Integer.parseInt(key.substring(key.indexOf('#') + 1)) * 10 + content;
    }

    @Test
    void stress() {
        new StressOptions().iterations(15).invocationsPerIteration(1_000).check(getClass());
    }

    @Test
    void modelChecking() {
        new ModelCheckingOptions().iterations(10).invocationsPerIteration(500).check(getClass());
    }
}
