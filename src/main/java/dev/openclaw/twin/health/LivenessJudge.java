package dev.openclaw.twin.health;

import dev.openclaw.twin.state.Heartbeat;
import java.time.Duration;
import java.util.Optional;

/** Answers how alive each twin is; the daemon judges by seq changes, the CLI by the store's clock. */
public interface LivenessJudge {

    TwinState stateOf(String twin);

    /** Time since the twin's heartbeat last changed, if it was ever seen. */
    Optional<Duration> sinceLastChange(String twin);

    Optional<Heartbeat> heartbeat(String twin);
}
