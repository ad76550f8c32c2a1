package dev.openclaw.twin.state;

/**
 * On a cloud-synced folder, claims go to the twin that arbitrates them (see {@code
 * arbiter.ArbitratedStore}), and that twin cannot be asked now (down, paused, not reached, or not
 * arbitrating yet), while this twin's own copy of the folder is fine. Unlike a lost store, this says
 * nothing about what this twin tells its peers: it only cannot claim at the moment, so it watches the
 * message and claims it once an arbiter answers.
 */
public final class ArbiterUnavailableException extends StoreUnavailableException {

    public ArbiterUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
