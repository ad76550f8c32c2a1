package dev.openclaw.twin.state;

/**
 * The shared store as a whole cannot be read or written (mount gone, directory missing, read-only).
 * {@link ArbiterUnavailableException}: only the claims cannot be reached (a cloud folder's arbiter).
 */
public class StoreUnavailableException extends Exception {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
