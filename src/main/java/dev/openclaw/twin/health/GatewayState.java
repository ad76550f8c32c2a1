package dev.openclaw.twin.health;

import java.util.Locale;

/** The OpenClaw gateway beside a twin, as that twin's daemon last saw it. */
public enum GatewayState {
    READY,
    NOT_READY,
    UNREACHABLE,
    UNKNOWN;

    public String code() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
