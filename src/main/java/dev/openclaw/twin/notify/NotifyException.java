package dev.openclaw.twin.notify;

/**
 * A channel did not take an alert. {@code retryable} is false for answers that a retry cannot
 * change (a bad token, a removed webhook), true for outages and rate limits.
 */
public final class NotifyException extends Exception {

    private final boolean retryable;

    public NotifyException(String message, boolean retryable) {
        super(message);
        this.retryable = retryable;
    }

    public NotifyException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
