package dev.openclaw.twin.notify;

import dev.openclaw.twin.protocol.HttpTakeoverDispatcher.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns conditions into notifications people can bear: a condition that stays true is sent once
 * (deduplicated by key) and its end once as "resolved"; one key notifies at most once per {@link
 * #PER_KEY_INTERVAL} (a flapping gateway does not page every minute) and all keys at most {@link
 * #HOURLY_BUDGET} times an hour; a receiver that fails is retried with backoff. Sending happens on
 * the executor: {@link #fire} and {@link #resolve} return at once and never block coordination.
 * {@code claim} decides which twin of the flock sends (an alert duty).
 */
public final class Alerter {

    private static final Logger LOG = LoggerFactory.getLogger(Alerter.class);

    public static final Duration PER_KEY_INTERVAL = Duration.ofMinutes(5);
    public static final int HOURLY_BUDGET = 30;
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    static final Duration MAX_RETRY = Duration.ofMinutes(1);
    static final int MAX_ATTEMPTS = 6;

    /** How one delivery went, for {@code twin alert test} and metrics. */
    public record Delivery(String channel, boolean delivered, int attempts, String error) {}

    /** Told of each delivery (metrics count them). */
    @FunctionalInterface
    public interface DeliveryListener {
        void delivered(Alert alert, Delivery delivery);
    }

    private final String twin;
    private final List<Notifier> notifiers;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Executor executor;
    private final Predicate<Alert> claim;
    private final DeliveryListener listener;

    private final Map<String, Episode> episodes = new HashMap<>();
    private final Map<String, Instant> lastNotified = new HashMap<>();
    private final Deque<Instant> sentThisHour = new ArrayDeque<>();

    /** A condition that is true now, and whether its firing was notified (so its end is too). */
    private record Episode(Instant since, boolean notified) {}

    public Alerter(
            String twin,
            List<Notifier> notifiers,
            Clock clock,
            Sleeper sleeper,
            Executor executor,
            Predicate<Alert> claim,
            DeliveryListener listener) {
        this.twin = twin;
        this.notifiers = List.copyOf(notifiers);
        this.clock = clock;
        this.sleeper = sleeper;
        this.executor = executor;
        this.claim = claim;
        this.listener = listener;
    }

    public boolean hasChannels() {
        return !notifiers.isEmpty();
    }

    /**
     * The condition {@code key} is true. The first call notifies (within the rate limits); calls
     * while it stays true do nothing.
     *
     * @return whether a notification was queued
     */
    public synchronized boolean fire(String key, Alert.Severity severity, String title, String text) {
        if (episodes.containsKey(key)) {
            return false;
        }
        Instant now = clock.instant();
        Alert alert = new Alert(key, Alert.State.FIRING, severity, title, text, twin, now);
        boolean notify = allowed(key, now) && claim.test(alert);
        episodes.put(key, new Episode(now, notify));
        if (notify) {
            queue(alert, now);
        } else {
            LOG.info("alert {} ({}) not sent: rate limit, or another twin sends it", key, title);
        }
        return notify;
    }

    /**
     * The condition {@code key} is over. Notifies "resolved" only if its firing was notified, and
     * always then: a person who was told something broke is told it is fixed.
     */
    public synchronized boolean resolve(String key, String title, String text) {
        Episode episode = episodes.remove(key);
        if (episode == null || !episode.notified()) {
            return false;
        }
        Instant now = clock.instant();
        Alert alert = new Alert(key, Alert.State.RESOLVED, Alert.Severity.INFO, title, text, twin, now);
        if (!claim.test(alert)) {
            return false;
        }
        queue(alert, now);
        return true;
    }

    /**
     * A one-off event only this twin sees (a rescue it ran, a conflict its sync found): sent under
     * the same limits, without the flock-wide claim — no other twin would send it.
     */
    public synchronized boolean event(String key, Alert.Severity severity, String title, String text) {
        Instant now = clock.instant();
        Alert alert = new Alert(key, Alert.State.FIRING, severity, title, text, twin, now);
        if (!allowed(key, now)) {
            return false;
        }
        queue(alert, now);
        return true;
    }

    /** Whether {@code key} is firing now. */
    public synchronized boolean firing(String key) {
        return episodes.containsKey(key);
    }

    /** Sends {@code alert} through every channel now, once each, and says how each went ({@code twin alert test}). */
    public List<Delivery> sendNow(Alert alert) {
        List<Delivery> deliveries = new ArrayList<>();
        for (Notifier notifier : notifiers) {
            try {
                notifier.send(alert);
                deliveries.add(new Delivery(notifier.channel(), true, 1, null));
            } catch (NotifyException e) {
                deliveries.add(new Delivery(notifier.channel(), false, 1, e.getMessage()));
            }
        }
        return deliveries;
    }

    private boolean allowed(String key, Instant now) {
        Instant last = lastNotified.get(key);
        if (last != null && now.isBefore(last.plus(PER_KEY_INTERVAL))) {
            return false;
        }
        while (!sentThisHour.isEmpty() && !sentThisHour.peekFirst().isAfter(now.minus(Duration.ofHours(1)))) {
            sentThisHour.removeFirst();
        }
        if (sentThisHour.size() >= HOURLY_BUDGET) {
            LOG.warn("alert budget of {} an hour used up; {} is only logged", HOURLY_BUDGET, key);
            return false;
        }
        return true;
    }

    private void queue(Alert alert, Instant now) {
        if (alert.state() == Alert.State.FIRING) {
            lastNotified.put(alert.key(), now);
        }
        sentThisHour.addLast(now);
        LOG.info("alert {} {}: {}", alert.state().word(), alert.key(), alert.title());
        for (Notifier notifier : notifiers) {
            executor.execute(() -> deliver(notifier, alert));
        }
    }

    /** One channel, with retries: 1 s, 2 s, 4 s ... up to a minute apart, for transient failures only. */
    private void deliver(Notifier notifier, Alert alert) {
        Duration wait = FIRST_RETRY;
        for (int attempt = 1; ; attempt++) {
            try {
                notifier.send(alert);
                listener.delivered(alert, new Delivery(notifier.channel(), true, attempt, null));
                return;
            } catch (NotifyException e) {
                if (!e.retryable() || attempt >= MAX_ATTEMPTS) {
                    LOG.warn(
                            "alert {} not delivered to {} after {} attempt(s): {}",
                            alert.key(),
                            notifier.channel(),
                            attempt,
                            e.getMessage());
                    listener.delivered(alert, new Delivery(notifier.channel(), false, attempt, e.getMessage()));
                    return;
                }
            }
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                listener.delivered(alert, new Delivery(notifier.channel(), false, attempt, "interrupted"));
                return;
            }
            Duration doubled = wait.multipliedBy(2);
            wait = doubled.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : doubled;
        }
    }
}
