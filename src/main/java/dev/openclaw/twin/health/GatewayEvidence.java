package dev.openclaw.twin.health;

import dev.openclaw.twin.state.Heartbeat.GatewayHealth;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Whether this twin's gateway is up, from both things its daemon sees: the answer of its
 * {@code /readyz} probe and the calls its plugin makes ({@code /v1/decide}, {@code /v1/confirm},
 * {@code /v1/duty}). A gateway that calls is alive whatever the probe says: a probe pointed at the
 * wrong port (a {@code gateway_url} left at its default) must not make a working twin look down, or
 * every twin's would and messages go unanswered. Such a {@code gateway_url} is reported instead.
 * Only a call made since the probe began to be refused counts: a gateway that dies mid-turn made its
 * last calls before its port stopped answering, and must be seen down at once, or its claims are never
 * taken over. A probe that times out or answers 503 is a busy or unready gateway, not a dead one: recent
 * calls still count then (a loaded machine's slow {@code /readyz} must not cost a second model call).
 * Thread-safe: calls are recorded from HTTP handlers, probes from the scheduler.
 */
public final class GatewayEvidence {

    /** A plugin call this recent shows the gateway alive (a twin quiet for longer is judged by its probe). */
    public static final Duration CALLS_COUNT_FOR = Duration.ofMinutes(2);
    /** A probe failing this long while the plugin calls is a misconfiguration, not a gateway restarting. */
    public static final Duration MISCONFIGURED_AFTER = Duration.ofSeconds(30);

    private final String twin;
    private final URI gatewayUrl;
    private final LongSupplier nanoTime;
    private volatile Long lastCallNanos;
    private volatile Long failingSinceNanos;
    private volatile Long refusedSinceNanos;
    private volatile GatewayHealth probed;

    public GatewayEvidence(String twin, URI gatewayUrl, LongSupplier nanoTime) {
        this.twin = twin;
        this.gatewayUrl = gatewayUrl;
        this.nanoTime = nanoTime;
    }

    /** The plugin called the daemon: its gateway runs. */
    public void pluginCalled() {
        lastCallNanos = nanoTime.getAsLong();
    }

    /** Records a {@code /readyz} probe's outcome. */
    public void probed(GatewayHealth health) {
        if (health.ready()) {
            failingSinceNanos = null;
        } else if (failingSinceNanos == null) {
            failingSinceNanos = nanoTime.getAsLong();
        }
        if (!refused(health)) {
            refusedSinceNanos = null;
        } else if (refusedSinceNanos == null) {
            refusedSinceNanos = nanoTime.getAsLong();
        }
        probed = health;
    }

    /** Whether the plugin has called within {@link #CALLS_COUNT_FOR}, and since the probe began to be refused. */
    public boolean calling() {
        Long call = lastCallNanos;
        Long refusedSince = refusedSinceNanos;
        return call != null
                && (refusedSince == null || call - refusedSince >= 0)
                && sinceLastCall()
                        .filter(d -> d.compareTo(CALLS_COUNT_FOR) <= 0)
                        .isPresent();
    }

    /** The gateway's health to publish: the probe's, made ready (and explained) by recent plugin calls. */
    public Optional<GatewayHealth> current() {
        GatewayHealth health = probed;
        if (health == null || health.ready() || !calling()) {
            return Optional.ofNullable(health);
        }
        long ago = sinceLastCall().orElseThrow().toSeconds();
        return Optional.of(new GatewayHealth(
                true,
                health.checkedAt(),
                "ready: plugin called " + ago + " s ago (/readyz " + health.detail() + ")",
                misconfiguration(health, ago).orElse(null)));
    }

    /** Nothing listens at {@code gateway_url}: how the daemon's probe words a refused connection. */
    public static final String REFUSED = "unreachable: ConnectException";

    private static boolean refused(GatewayHealth health) {
        return !health.ready() && REFUSED.equals(health.detail());
    }

    private Optional<String> misconfiguration(GatewayHealth health, long callAgoSeconds) {
        Long since = failingSinceNanos;
        if (since == null) {
            return Optional.empty();
        }
        Duration failing = Duration.ofNanos(nanoTime.getAsLong() - since);
        if (failing.compareTo(MISCONFIGURED_AFTER) < 0) {
            return Optional.empty();
        }
        return Optional.of("gateway_url of " + twin + " looks wrong: " + gatewayUrl.resolve("/readyz") + " "
                + health.detail() + " for " + failing.toSeconds() + " s while " + twin
                + "'s gateway calls its daemon (last " + callAgoSeconds
                + " s ago); set gateway_url to the gateway's address");
    }

    private Optional<Duration> sinceLastCall() {
        Long at = lastCallNanos;
        return at == null ? Optional.empty() : Optional.of(Duration.ofNanos(nanoTime.getAsLong() - at));
    }
}
