package dev.openclaw.twin.rescue;

import java.time.Duration;

/** What a rescue tells whoever watches it: each step as it ends, and the wait for ready as it goes. */
@FunctionalInterface
public interface RescueProgress {

    void stepEnded(RescueStep step);

    /** After each {@code /readyz} probe while waiting for ready: the time waited and what it said. */
    default void waiting(Duration elapsed, String lastProbe) {}
}
