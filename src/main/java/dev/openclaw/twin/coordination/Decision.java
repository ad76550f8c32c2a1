package dev.openclaw.twin.coordination;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What one twin does with one message, as {@code twin decide} reports it (nothing claimed).
 *
 * @param claimant who answers: this twin when it responds, else the twin expected to
 * @param takeoverWait for a standby twin, how long it waits for a claim before it takes over
 * @param responders every twin expected to answer
 */
public record Decision(
        String twin,
        boolean respond,
        Reason reason,
        Optional<String> claimant,
        Duration takeoverWait,
        List<String> responders) {

    public Decision {
        responders = List.copyOf(responders);
    }
}
