package dev.openclaw.twin.doctor;

import dev.openclaw.twin.config.Secret;
import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.gateway.GatewayWiring;
import dev.openclaw.twin.gateway.TwinHealthz;
import java.net.URI;
import java.util.Optional;

/**
 * This twin's daemon, asked where the plugin asks it (the plugin's {@code daemonUrl} in
 * openclaw.json, else its default): running, and answering as this twin.
 */
public final class DaemonCheck implements Check {

    private final TwinsConfig config;
    private final String twin;
    private final GatewayWiring wiring;
    private final TwinHealthz healthz;

    public DaemonCheck(TwinsConfig config, String twin, GatewayWiring wiring, TwinHealthz healthz) {
        this.config = config;
        this.twin = twin;
        this.wiring = wiring;
        this.healthz = healthz;
    }

    @Override
    public String name() {
        return "daemon";
    }

    @Override
    public CheckResult run() throws InterruptedException {
        Optional<URI> configured = wiring.pluginDaemonUri();
        URI url = configured.orElse(GatewayWiring.DEFAULT_DAEMON_URL);
        String source = configured.isPresent()
                ? "the plugin's daemonUrl in " + wiring.file()
                : "the plugin's default; " + wiring.problem().orElse(wiring.file() + " sets no daemonUrl");
        Optional<String> token =
                wiring.pluginToken().or(() -> config.daemon().token().map(Secret::value));
        String start = "start it: twin daemon --twin " + twin + " (twin install-service keeps it running)";
        TwinHealthz.Answer answer = healthz.ask(url, token);
        if (answer instanceof TwinHealthz.Answer.Twin t) {
            if (t.twin().equals(twin)) {
                return CheckResult.ok(name(), twin + "'s daemon answers at " + url + " (" + source + ")");
            }
            return CheckResult.failure(
                    name(),
                    url + " (" + source + ") answers as twin '" + t.twin() + "', not " + twin
                            + ": this gateway would obey another twin's daemon",
                    "point the plugin at this twin's daemon (twin connect, or openclaw config set plugins.entries."
                            + GatewayWiring.PLUGIN_ID + ".config.daemonUrl http://127.0.0.1:"
                            + config.daemon().port() + ")");
        }
        if (answer instanceof TwinHealthz.Answer.Other o) {
            if (o.status() == 401 || o.status() == 403) {
                return CheckResult.failure(
                        name(),
                        url + " refused the plugin's token (HTTP " + o.status() + ")",
                        "set plugins.entries." + GatewayWiring.PLUGIN_ID
                                + ".config.token to the daemon's daemon.token (twin connect does)");
            }
            return CheckResult.failure(
                    name(),
                    url + " (" + source + ") answers " + o.what() + ", not as a twin daemon",
                    start + "; or correct the plugin's daemonUrl (twin connect)");
        }
        TwinHealthz.Answer.Unreachable u = (TwinHealthz.Answer.Unreachable) answer;
        return CheckResult.failure(
                name(),
                "no daemon at " + url + " (" + source + "): " + u.why() + "; the plugin keeps this twin silent",
                start);
    }
}
