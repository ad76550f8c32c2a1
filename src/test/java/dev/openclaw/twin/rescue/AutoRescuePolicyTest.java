package dev.openclaw.twin.rescue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openclaw.twin.rescue.AutoRescuePolicy.Action;
import dev.openclaw.twin.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AutoRescuePolicyTest {

    private static final Duration HEALTH_CHECK = Duration.ofMinutes(1);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));
    private final AutoRescuePolicy policy = new AutoRescuePolicy(HEALTH_CHECK, 5);

    /** Watches an unhealthy peer every second for {@code span}, running (and failing) each rescue asked for. */
    private List<String> watchFailing(Duration span) {
        List<String> log = new ArrayList<>();
        Instant start = clock.instant();
        Instant end = start.plus(span);
        while (clock.instant().isBefore(end)) {
            Action action = policy.observe("case", true, clock.instant());
            long at = Duration.between(start, clock.instant()).toSeconds();
            switch (action) {
                case Action.Rescue r -> {
                    log.add("rescue#" + r.attempt() + "@" + at);
                    policy.attempted("case", clock.instant(), "failed", false);
                }
                case Action.Escalate e -> log.add("escalate@" + at);
                case Action.Recovered r -> log.add("recovered@" + at);
                case Action.Wait w -> {}
            }
            clock.advance(Duration.ofSeconds(1));
        }
        return log;
    }

    @Test
    void aPeerIsLeftAloneUntilItHasBeenUnhealthyForAHealthCheckInterval() {
        for (int s = 0; s < 60; s++) {
            assertThat(policy.observe("case", true, clock.instant())).isInstanceOf(Action.Wait.class);
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(policy.observe("case", true, clock.instant())).isEqualTo(new Action.Rescue("case", 1));
    }

    @Test
    void attemptsBackOffFromTenSecondsDoublingThenEscalateOnceAfterMaxAttempts() {
        List<String> log = watchFailing(Duration.ofMinutes(20));

        // First at 60 s, then 10, 20, 40, 80 s apart; the sixth would exceed 5 in 10 min: escalate, then silence.
        assertThat(log)
                .containsExactly(
                        "rescue#1@60", "rescue#2@70", "rescue#3@90", "rescue#4@130", "rescue#5@210", "escalate@370");
        assertThat(policy.escalated("case")).isTrue();
    }

    @Test
    void backoffIsCappedAtFiveMinutes() {
        AutoRescuePolicy patient = new AutoRescuePolicy(Duration.ZERO, 1000);
        List<Instant> attempts = new ArrayList<>();
        for (int s = 0; s < 3600; s++) {
            if (patient.observe("case", true, clock.instant()) instanceof Action.Rescue) {
                attempts.add(clock.instant());
                patient.attempted("case", clock.instant(), "failed", false);
            }
            clock.advance(Duration.ofSeconds(1));
        }
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < attempts.size(); i++) {
            gaps.add(Duration.between(attempts.get(i - 1), attempts.get(i)).toSeconds());
        }
        assertThat(gaps).startsWith(10L, 20L, 40L, 80L, 160L, 300L, 300L).allMatch(g -> g <= 300);
    }

    @Test
    void recoveryResetsEverythingAndIsReportedOnlyAfterTrouble() {
        watchFailing(Duration.ofSeconds(75)); // two attempts
        assertThat(policy.observe("case", false, clock.instant())).isEqualTo(new Action.Recovered("case", 2));
        assertThat(policy.observe("case", false, clock.instant())).isInstanceOf(Action.Wait.class);

        // Unhealthy again later: the health-check wait and the backoff start from scratch.
        assertThat(watchFailing(Duration.ofSeconds(75))).containsExactly("rescue#1@60", "rescue#2@70");
    }

    @Test
    void afterAnEscalationOnlyRecoveryOrAPersonRestartsAutomaticRescue() {
        watchFailing(Duration.ofMinutes(20));
        assertThat(watchFailing(Duration.ofHours(1))).isEmpty();

        policy.personActed("case");

        assertThat(watchFailing(Duration.ofSeconds(61))).containsExactly("rescue#1@60");
    }

    @Test
    void aRefusedHostKeyEscalatesAtOnce() {
        clock.advance(HEALTH_CHECK);
        policy.observe("case", true, clock.instant().minus(HEALTH_CHECK));
        assertThat(policy.observe("case", true, clock.instant())).isEqualTo(new Action.Rescue("case", 1));

        Action after = policy.attempted("case", clock.instant(), "host key of 10.0.0.2 is not in known_hosts", true);

        assertThat(after)
                .isInstanceOfSatisfying(
                        Action.Escalate.class, e -> assertThat(e.why()).contains("SSH refused", "known_hosts"));
        assertThat(watchFailing(Duration.ofHours(1))).isEmpty();
    }

    @Test
    void peersAreTrackedSeparately() {
        clock.advance(Duration.ofSeconds(0));
        policy.observe("case", true, clock.instant());
        clock.advance(HEALTH_CHECK);
        assertThat(policy.observe("kipp", true, clock.instant())).isInstanceOf(Action.Wait.class);
        assertThat(policy.observe("case", true, clock.instant())).isEqualTo(new Action.Rescue("case", 1));
    }
}
