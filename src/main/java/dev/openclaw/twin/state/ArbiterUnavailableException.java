package dev.openclaw.twin.state;

/**
 * On a cloud-synced folder, claims go to the twin that arbitrates them (see {@code
 * arbiter.ArbitratedStore}), and that twin cannot be asked now (down, paused, not reached, or not
 * arbitrating yet), while this twin's own copy of the folder is fine. Unlike a lost store, this says
 * nothing about what this twin tells its peers: it only cannot claim at the moment, so it watches the
 * message and claims it once an arbiter answers.
 */
public final class ArbiterUnavailableException extends StoreUnavailableException {

    private final boolean olderVersion;

    public ArbiterUnavailableException(String message, Throwable cause) {
        this(message, cause, false);
    }

    /** @param olderVersion the arbiter answered 404: a version without the endpoint asked for */
    public ArbiterUnavailableException(String message, Throwable cause, boolean olderVersion) {
        super(message, cause);
        this.olderVersion = olderVersion;
    }

    /**
     * Whether the arbiter runs a version without the endpoint asked for (an upgrade one twin at a
     * time): a caller of a newer endpoint falls back to what that version has.
     */
    public boolean olderVersion() {
        return olderVersion;
    }
}
