package dev.openclaw.twin.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openclaw.twin.config.TimingRule.Relation;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The relations between heartbeat, offline threshold and takeover delay, at their edges. */
class TimingRuleTest {

    private static TimingRule rule(long heartbeatMillis, long offlineMillis, long takeoverMillis) {
        return new TimingRule(
                Duration.ofMillis(heartbeatMillis),
                Duration.ofMillis(offlineMillis),
                Duration.ofMillis(takeoverMillis));
    }

    @Test
    void anOfflineThresholdOfExactlyThreeBeatsIsEnoughAndOneMillisecondLessIsNot() {
        assertThat(rule(5_000, 15_000, 2_000).violations()).isEmpty();
        assertThat(rule(5_000, 14_999, 2_000).violations())
                .extracting(TimingRule.Violation::relation)
                .containsExactly(Relation.HEARTBEAT_WITHIN_OFFLINE);
    }

    @Test
    void aTakeoverDelayMayNotBeLongerThanTheOfflineThreshold() {
        assertThat(rule(1_000, 20_000, 20_000).violations())
                .as("equal: configs of the previous version")
                .isEmpty();
        assertThat(rule(1_000, 20_000, 20_001).violations())
                .extracting(TimingRule.Violation::relation)
                .containsExactly(Relation.TAKEOVER_WITHIN_OFFLINE);
    }

    @Test
    void aHeartbeatLongerThanOfflineAfterBreaksTheRuleAndSaysHowToFixIt() {
        TimingRule.Violation v = rule(30_000, 20_000, 2_000).violations().getFirst();
        assertThat(v.message())
                .contains("a twin would go offline after missing 0 beat(s)")
                .contains("shorten heartbeat_interval to at most 6.666s or raise offline_after_seconds to at least 90");
    }
}
