package dev.openclaw.twin.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openclaw.twin.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Dedup, rate limits, resolve and retry on an injected clock; sending runs inline for determinism. */
class AlerterTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));
    private final List<Duration> slept = new ArrayList<>();
    private final List<Alerter.Delivery> deliveries = new CopyOnWriteArrayList<>();

    /** A channel that fails its first {@code failures} sends with {@code retryable}, then takes them. */
    private static final class Channel implements Notifier {
        final List<Alert> got = new ArrayList<>();
        int failures;
        boolean retryable = true;

        @Override
        public String channel() {
            return "test";
        }

        @Override
        public void send(Alert alert) throws NotifyException {
            if (failures > 0) {
                failures--;
                throw new NotifyException("test: HTTP 503", retryable);
            }
            got.add(alert);
        }
    }

    private final Channel channel = new Channel();

    private Alerter alerter(boolean weSend) {
        return new Alerter(
                "tars",
                List.of(channel),
                clock,
                d -> {
                    slept.add(d);
                    clock.advance(d);
                },
                Runnable::run,
                alert -> weSend,
                (alert, delivery) -> deliveries.add(delivery));
    }

    private List<String> sent() {
        return channel.got.stream().map(a -> a.state().word() + " " + a.key()).toList();
    }

    @Test
    void aConditionThatStaysTrueIsSentOnceAndItsEndOnce() {
        Alerter alerter = alerter(true);
        for (int i = 0; i < 10; i++) {
            alerter.fire("twin-offline:case", Alert.Severity.CRITICAL, "case is offline", "");
            clock.advance(Duration.ofSeconds(5));
        }
        alerter.resolve("twin-offline:case", "case is back online", "");
        alerter.resolve("twin-offline:case", "case is back online", "");

        assertThat(sent()).containsExactly("firing twin-offline:case", "resolved twin-offline:case");
        assertThat(channel.got.getLast().headline()).isEqualTo("✅ resolved case is back online");
    }

    @Test
    void aFlappingConditionNotifiesAtMostOncePerFiveMinutesAndOnlyResolvesWhatItSent() {
        Alerter alerter = alerter(true);
        // Down and up every 30 s for 10 minutes.
        for (int i = 0; i < 20; i++) {
            alerter.fire("gateway-not-ready:case", Alert.Severity.WARNING, "gateway down", "");
            clock.advance(Duration.ofSeconds(15));
            alerter.resolve("gateway-not-ready:case", "gateway ready", "");
            clock.advance(Duration.ofSeconds(15));
        }
        // Fired at 0 s and 300 s; each resolved once.
        assertThat(sent())
                .containsExactly(
                        "firing gateway-not-ready:case",
                        "resolved gateway-not-ready:case",
                        "firing gateway-not-ready:case",
                        "resolved gateway-not-ready:case");
        assertThat(channel.got.get(2).at()).isEqualTo(Instant.parse("2026-11-29T10:05:00Z"));
    }

    @Test
    void allKeysTogetherStayWithinTheHourlyBudget() {
        Alerter alerter = alerter(true);
        for (int i = 0; i < 100; i++) {
            alerter.event("rescue:" + i, Alert.Severity.WARNING, "rescue " + i, "");
            clock.advance(Duration.ofSeconds(10));
        }
        // 1000 s: all of it within the first hour's budget.
        assertThat(channel.got).hasSize(Alerter.HOURLY_BUDGET);
        clock.advance(Duration.ofHours(1));
        assertThat(alerter.event("rescue:later", Alert.Severity.WARNING, "later", ""))
                .isTrue();
    }

    @Test
    void aFailingReceiverIsRetriedWithBackoffUntilItTakesTheAlert() {
        channel.failures = 3;
        alerter(true).fire("store-unreadable", Alert.Severity.CRITICAL, "store unreadable", "");

        assertThat(sent()).containsExactly("firing store-unreadable");
        assertThat(slept).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));
        assertThat(deliveries).containsExactly(new Alerter.Delivery("test", true, 4, null));
    }

    @Test
    void retriesGiveUpAfterSixAttemptsOrAtOnceForAnAnswerARetryCannotChange() {
        channel.failures = 100;
        alerter(true).fire("a", Alert.Severity.CRITICAL, "a", "");
        assertThat(slept)
                .containsExactly(
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(4),
                        Duration.ofSeconds(8),
                        Duration.ofSeconds(16));
        assertThat(deliveries.getLast()).isEqualTo(new Alerter.Delivery("test", false, 6, "test: HTTP 503"));

        slept.clear();
        channel.retryable = false;
        alerter(true).fire("b", Alert.Severity.CRITICAL, "b", "");
        assertThat(slept).isEmpty();
        assertThat(deliveries.getLast().attempts()).isEqualTo(1);
    }

    @Test
    void onlyTheTwinThatHoldsTheAlertDutySends() {
        Alerter other = alerter(false);
        other.fire("twin-offline:case", Alert.Severity.CRITICAL, "case is offline", "");
        other.resolve("twin-offline:case", "back", "");
        assertThat(channel.got).isEmpty();
        assertThat(other.firing("twin-offline:case")).isFalse();
    }

    @Test
    void aOneOffEventOnlyThisTwinSawIsSentWithoutTheFlockClaim() {
        Alerter notOwner = alerter(false);
        assertThat(notOwner.event("sync-conflict:knowledge:plan.md", Alert.Severity.WARNING, "sync conflict", ""))
                .isTrue();
        assertThat(sent()).containsExactly("firing sync-conflict:knowledge:plan.md");
    }

    @Test
    void sendingNeverBlocksTheCaller() {
        List<Runnable> queued = new ArrayList<>();
        Alerter alerter = new Alerter("tars", List.of(channel), clock, d -> {}, queued::add, a -> true, (a, d) -> {});
        assertThat(alerter.fire("x", Alert.Severity.INFO, "x", "")).isTrue();
        assertThat(channel.got).isEmpty();
        queued.forEach(Runnable::run);
        assertThat(sent()).containsExactly("firing x");
    }
}
