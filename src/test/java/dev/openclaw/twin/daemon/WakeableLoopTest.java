package dev.openclaw.twin.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The takeover loop: a tick of its own, and a wake-up a watching store can call. */
class WakeableLoopTest {

    @Test
    void aWakeRunsTheTaskAtOnceLongBeforeItsTick() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        WakeableLoop loop = new WakeableLoop(Duration.ofHours(1), runs::incrementAndGet);
        Thread thread = Thread.ofPlatform().start(loop);
        try {
            assertThat(runs).hasValue(0);
            loop.wake();
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(runs).hasValue(1));
            loop.wake();
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(runs).hasValue(2));
        } finally {
            loop.stop();
            thread.join(10_000);
        }
        assertThat(thread.isAlive()).isFalse();
    }

    @Test
    void wakesDuringARunMakeOneMoreRunNotOneEach() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch inFirstRun = new CountDownLatch(1);
        CountDownLatch letFirstRunEnd = new CountDownLatch(1);
        WakeableLoop loop = new WakeableLoop(Duration.ofHours(1), () -> {
            if (runs.incrementAndGet() == 1) {
                inFirstRun.countDown();
                try {
                    letFirstRunEnd.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        Thread thread = Thread.ofPlatform().start(loop);
        try {
            loop.wake();
            assertThat(inFirstRun.await(10, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 5; i++) {
                loop.wake();
            }
            letFirstRunEnd.countDown();
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(runs).hasValue(2));
            // Stop and join: the count is final, so no third run was pending.
            loop.stop();
            thread.join(10_000);
            assertThat(runs).hasValue(2);
        } finally {
            loop.stop();
            thread.join(10_000);
        }
    }

    @Test
    void withoutWakesItTicksOnItsOwn() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        WakeableLoop loop = new WakeableLoop(Duration.ofMillis(10), runs::incrementAndGet);
        Thread thread = Thread.ofPlatform().start(loop);
        try {
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(runs).hasValueGreaterThan(3));
        } finally {
            loop.stop();
            thread.join(10_000);
        }
        assertThat(thread.isAlive()).isFalse();
    }
}
