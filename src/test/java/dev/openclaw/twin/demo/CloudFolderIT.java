package dev.openclaw.twin.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fault-injection harness on a cloud-synced folder ({@code type: cloud}): three real daemon
 * processes, each on its own copy of the folder, synced both ways every second by the demo's
 * sync service (a change reaches the others within about two seconds), with the nemesis's faults
 * (SIGKILL and restart of the acting primary, which is also the arbiter of claims; one twin's copy
 * of the folder gone; SIGSTOP; a restart or a pause between a claim and its confirm; every copy
 * gone; a gateway failing /readyz; one clock 5 min fast). Claims are arbitrated by one twin's
 * daemon, so the checker's verdict must be as clean as on a shared directory.
 * {@code -Dcloud.messages=N} sends N messages instead of 400.
 */
class CloudFolderIT {

    @Test
    void onACloudFolderNoRoutineMessageIsAnsweredTwiceOrDroppedUnderFaults() throws Exception {
        int messages = Integer.getInteger("cloud.messages", 400);
        DemoRun.Options options = new DemoRun.Options(
                3, messages, 20, 7, true, Duration.ofMillis(50), Duration.ofMillis(150), false, false, true, List.of());
        try (DemoRun run = new DemoRun(options, System.out::println)) {
            DemoReport report = run.run();
            System.out.println(report.table());
            report.problems().forEach(p -> System.out.println("problem: " + p));

            assertThat(report.routine()).isGreaterThan(messages / 3);
            assertThat(report.takeovers()).as("the faults forced takeovers").isPositive();
            assertThat(report.duplicates()).isZero();
            assertThat(report.unanswered()).isZero();
            assertThat(report.fromTwinAnswered()).isZero();
            assertThat(report.wrongResponder()).isZero();
            assertThat(report.problems()).isEmpty();
            assertThat(report.clean()).isTrue();
        }
    }
}
