package dev.openclaw.twin.notify;

/** One alert channel (Discord, Telegram, Slack, ntfy, a webhook, email). */
public interface Notifier {

    /** The channel's name as the config spells it ({@code discord}, {@code email}...). */
    String channel();

    /** Delivers {@code alert} once, or throws saying why the receiver did not take it. */
    void send(Alert alert) throws NotifyException;
}
