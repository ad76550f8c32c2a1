package dev.openclaw.twin.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DoctorTest {

    interface Body {
        CheckResult run() throws Exception;
    }

    private static Check check(String name, Body body) {
        return new Check() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public CheckResult run() throws Exception {
                return body.run();
            }
        };
    }

    @Test
    void checksRunAtOnceAndAreReportedInTheirOrder() {
        // Each of the two waits for the other: run one after the other they would never finish.
        CyclicBarrier both = new CyclicBarrier(2);
        Check first = check("first", () -> {
            both.await(30, TimeUnit.SECONDS);
            return CheckResult.ok("first", "met second");
        });
        Check second = check("second", () -> {
            both.await(30, TimeUnit.SECONDS);
            return CheckResult.warning("second", "met first", "nothing");
        });

        DoctorReport report =
                new Doctor(Duration.ofSeconds(60), System::nanoTime).examine("tars", List.of(first, second));

        assertThat(report.results()).extracting(CheckResult::name).containsExactly("first", "second");
        assertThat(report.results()).extracting(CheckResult::status).containsExactly("ok", "warning");
        assertThat(report.status()).isEqualTo("warning");
    }

    @Test
    void aCheckThatHangsFailsAtTheDeadlineAndOneThatThrowsFailsWithItsMessage() {
        CountDownLatch never = new CountDownLatch(1);
        Check hangs = check("hangs", () -> {
            never.await();
            return CheckResult.ok("hangs", "unreachable");
        });
        Check throwsOne = check("throws", () -> {
            throw new IllegalStateException("probe exploded");
        });
        Check fine = check("fine", () -> CheckResult.ok("fine", "all good"));

        long started = System.nanoTime();
        DoctorReport report =
                new Doctor(Duration.ofSeconds(1), System::nanoTime).examine("tars", List.of(hangs, throwsOne, fine));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(took).isLessThan(Duration.ofSeconds(20));
        assertThat(report.results()).extracting(CheckResult::status).containsExactly("failure", "failure", "ok");
        assertThat(report.results().get(0).detail()).isEqualTo("no answer within 1 s");
        assertThat(report.results().get(1).detail()).contains("probe exploded");
        assertThat(report.status()).isEqualTo("failure");
    }
}
