package dev.openclaw.twin.state;

/** The shared store as a whole cannot be read or written (mount gone, directory missing, read-only). */
public final class StoreUnavailableException extends Exception {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
