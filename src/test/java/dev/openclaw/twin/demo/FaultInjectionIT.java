package dev.openclaw.twin.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Jepsen-style check of the message protocol: three real daemon processes on one shared
 * directory, every message sent to every twin at once, a nemesis killing, pausing (also between a
 * claim and its confirm), cutting the store off, failing a gateway, with one twin's clock 5 min
 * fast. The checker's verdict must be clean: no routine message answered twice or left unanswered
 * (messages in flight during a store outage are reported apart), no twin answering another.
 *
 * <p>This is the short run of {@code ./mvnw verify}. The long one (10,000+ routine messages) is
 * {@code ./twin demo --quiet --messages 15000 --rate 50 --generation-ms 50-150}; its numbers are in
 * the README. {@code -Dfaults.messages=N} makes this test send N instead.
 */
class FaultInjectionIT {

    @Test
    void noRoutineMessageIsAnsweredTwiceOrDroppedUnderFaults() throws Exception {
        int messages = Integer.getInteger("faults.messages", 600);
        DemoRun.Options options = new DemoRun.Options(
                3,
                messages,
                20,
                7,
                true,
                Duration.ofMillis(50),
                Duration.ofMillis(150),
                false,
                false,
                false,
                List.of());
        try (DemoRun run = new DemoRun(options, System.out::println)) {
            DemoReport report = run.run();
            System.out.println(report.table());
            report.problems().forEach(p -> System.out.println("problem: " + p));

            assertThat(report.routine()).isGreaterThan(messages / 3);
            assertThat(report.takeovers()).as("the faults forced takeovers").isPositive();
            assertThat(report.failoverMillis())
                    .as("the acting primary was killed")
                    .isNotEmpty();
            assertThat(report.problems()).isEmpty();
            assertThat(report.duplicates()).isZero();
            assertThat(report.unanswered()).isZero();
            assertThat(report.fromTwinAnswered()).isZero();
            assertThat(report.wrongResponder()).isZero();
            assertThat(report.clean()).isTrue();
        }
    }
}
