package dev.openclaw.twin.coordination;

import java.util.List;
import java.util.Set;

/** The outcome of the response rules for one message, before any claim is made. */
public sealed interface Evaluation {

    /**
     * Rules 0–6 settled it: {@code responders} answer (possibly nobody), with {@code reason} for
     * them and {@code otherReason} for everyone else.
     */
    record Settled(Set<String> responders, Reason reason, Reason otherReason) implements Evaluation {
        public Settled {
            responders = Set.copyOf(new java.util.LinkedHashSet<>(responders));
        }
    }

    /**
     * Rule 7, a routine message: exactly one twin answers. {@code claimant} claims it at once;
     * every other twin of {@code takeoverOrder} (live twins, the claimant first) takes it over if
     * no claim appears after its rank × takeover delay.
     */
    record Routine(String claimant, Reason claimantReason, List<String> takeoverOrder) implements Evaluation {
        public Routine {
            takeoverOrder = List.copyOf(takeoverOrder);
        }

        /** 0 for the claimant, 1 for the next twin, ...; -1 for a twin that is not live. */
        public int rankOf(String twin) {
            return takeoverOrder.indexOf(twin);
        }
    }
}
