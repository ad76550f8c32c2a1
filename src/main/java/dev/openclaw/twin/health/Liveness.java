package dev.openclaw.twin.health;

import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.state.Heartbeat;
import java.time.Duration;

/**
 * When a heartbeat's age means online, stale or offline. The age is always measured on one clock
 * (the reader's monotonic clock, or the shared store's), never by comparing two machines' clocks.
 *
 * @param onlineWithin a twin that changed its heartbeat this recently is online
 * @param offlineAfter one that has not changed it for longer is offline (between: stale)
 */
public record Liveness(Duration onlineWithin, Duration offlineAfter) {

    /**
     * Heartbeats as read from the folder. On a cloud-synced folder a heartbeat reaches the others
     * up to {@code shared_storage.sync_lag} late, and in bursts: a twin is stale or offline only
     * that much later, so that a live twin never looks dead for its folder's lag.
     */
    public static Liveness of(TwinsConfig config) {
        Duration lag = config.sharedStorage().syncLag();
        Liveness direct = direct(config);
        return new Liveness(
                direct.onlineWithin().plus(lag), direct.offlineAfter().plus(lag));
    }

    /** Signs of life that come without the folder's lag: a peer's answer to a direct probe. */
    public static Liveness direct(TwinsConfig config) {
        Duration offline = config.coordination().offlineThreshold();
        // Two missed heartbeats (plus slack for a slow share) before a twin counts as stale.
        Duration online =
                config.monitoring().heartbeatInterval().multipliedBy(2).plusSeconds(1);
        return new Liveness(online.compareTo(offline) < 0 ? online : offline, offline);
    }

    /**
     * @param age time since the heartbeat was last seen to change
     * @param confirmed false while the reader has not yet seen it change (an old file at start-up)
     */
    public TwinState classify(Duration age, boolean confirmed, boolean stopped) {
        if (stopped) {
            return TwinState.STOPPED;
        }
        if (age.compareTo(offlineAfter) > 0) {
            return TwinState.OFFLINE;
        }
        return confirmed && isOnline(age) ? TwinState.ONLINE : TwinState.STALE;
    }

    /** Whether a sign of life this old still means online. */
    public boolean isOnline(Duration sinceSignOfLife) {
        return sinceSignOfLife.compareTo(onlineWithin) <= 0;
    }

    public static GatewayState gatewayOf(TwinState state, Heartbeat heartbeat) {
        if (!state.isUp() || heartbeat == null || heartbeat.gateway() == null) {
            return GatewayState.UNKNOWN;
        }
        if (heartbeat.gateway().ready()) {
            return GatewayState.READY;
        }
        String detail =
                heartbeat.gateway().detail() == null ? "" : heartbeat.gateway().detail();
        return detail.startsWith("unreachable") ? GatewayState.UNREACHABLE : GatewayState.NOT_READY;
    }
}
