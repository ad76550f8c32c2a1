package dev.openclaw.twin.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The daemon's threads: background jobs run one at a time, and closing ends every thread, blocked ones too. */
class DaemonExecutorsTest {

    private final DaemonExecutors executors = new DaemonExecutors();
    private final CountDownLatch never = new CountDownLatch(1);

    @AfterEach
    void close() {
        executors.close();
    }

    @Test
    void aBackgroundJobStillRunningMakesTheNextTicksSkipAndCloseInterruptsIt() {
        AtomicInteger runs = new AtomicInteger();
        AtomicInteger interrupted = new AtomicInteger();
        AtomicInteger ticks = new AtomicInteger();
        executors.everyWithFixedDelay(ticks::incrementAndGet, Duration.ZERO, Duration.ofMillis(10));
        executors.everyInBackground(
                "slow",
                () -> {
                    runs.incrementAndGet();
                    try {
                        never.await();
                    } catch (InterruptedException e) {
                        interrupted.incrementAndGet();
                    }
                },
                Duration.ZERO,
                Duration.ofMillis(10));
        await().atMost(Duration.ofSeconds(5)).until(() -> executors.running().contains("twin-slow-0"));
        // Many ticks of the same scheduler later, still the first run.
        int now = ticks.get();
        await().atMost(Duration.ofSeconds(5)).until(() -> ticks.get() >= now + 20);
        assertThat(runs).hasValue(1);

        executors.close();

        assertThat(interrupted).hasValue(1);
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(executors.running()).isEmpty());
    }

    @Test
    void aBackgroundJobRunsAgainOnceTheLastRunEnded() {
        AtomicInteger runs = new AtomicInteger();
        executors.everyInBackground("quick", runs::incrementAndGet, Duration.ZERO, Duration.ofMillis(10));
        await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() >= 3);
    }

    @Test
    void closeEndsTheSchedulersTheTakeoverLoopAndTheHttpClient() {
        AtomicInteger ticks = new AtomicInteger();
        executors.runTakeoverLoop(new WakeableLoop(Duration.ofMillis(10), ticks::incrementAndGet));
        executors.everyAtFixedRate(() -> {}, Duration.ZERO, Duration.ofMillis(10));
        await().atMost(Duration.ofSeconds(5)).until(() -> ticks.get() >= 2);
        assertThat(executors.running())
                .contains(DaemonExecutors.SCHEDULER, DaemonExecutors.TAKEOVER_WATCHER, DaemonExecutors.HTTP_CLIENT);

        executors.close();

        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(executors.running()).isEmpty());
        assertThat(executors.httpClient().isTerminated()).isTrue();
    }
}
