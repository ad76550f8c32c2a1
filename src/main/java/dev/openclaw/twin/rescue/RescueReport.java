package dev.openclaw.twin.rescue;

import java.time.Duration;
import java.util.List;

/**
 * How a rescue went, step by step.
 *
 * @param outcome {@code ready} (the gateway answers {@code /readyz}), {@code failed}, {@code
 *     refused} (host key or login refused: nothing was run), or {@code dry-run}
 * @param snapshot the config snapshot restored, if any
 */
public record RescueReport(
        String twin, String outcome, List<RescueStep> steps, Duration took, String diagnosis, String snapshot) {

    public RescueReport {
        steps = List.copyOf(steps);
    }

    public boolean ready() {
        return outcome.equals("ready");
    }
}
