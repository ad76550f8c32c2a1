package dev.openclaw.twin.health;

import java.util.Locale;

/** How alive a twin's daemon looks to a reader (DESIGN §7). */
public enum TwinState {
    ONLINE,
    /** Heartbeats slower than expected, not yet offline. */
    STALE,
    OFFLINE,
    /** Its daemon shut down cleanly. */
    STOPPED,
    NEVER_SEEN;

    public String code() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Still counts as up for role decisions (a stale twin has not yet timed out). */
    public boolean isUp() {
        return this == ONLINE || this == STALE;
    }
}
