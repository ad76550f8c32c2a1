package dev.openclaw.twin.doctor;

import dev.openclaw.twin.config.Secret;
import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.gateway.TwinHealthz;
import java.net.URI;
import java.time.Duration;

/**
 * A peer's daemon at its {@code daemon_url}, the second channel beside the heartbeat files:
 * answering, as that peer (a URL that reaches another twin would vouch for a dead one), and with a
 * clock near ours (read off its {@code Date} header).
 */
public final class PeerDaemonCheck implements Check {

    static final Duration CLOCK_TOLERANCE = Duration.ofSeconds(3);

    private final TwinsConfig config;
    private final String peer;
    private final TwinHealthz healthz;

    public PeerDaemonCheck(TwinsConfig config, String peer, TwinHealthz healthz) {
        this.config = config;
        this.peer = peer;
        this.healthz = healthz;
    }

    @Override
    public String name() {
        return "peer " + peer;
    }

    @Override
    public CheckResult run() throws InterruptedException {
        TwinsConfig.Twin twin = config.twin(peer);
        if (twin.daemonUrl().isEmpty()) {
            return CheckResult.warning(
                    name(),
                    "no daemon_url: " + peer + " is judged by its heartbeat file alone, which a NAS may cache for up"
                            + " to a minute",
                    "set twins." + peer + ".daemon_url in " + config.source() + " (e.g. http://" + twin.hostname()
                            + ":7420; its daemon.bind must not be loopback then, with daemon.token)");
        }
        URI url = twin.daemonUrl().get();
        TwinHealthz.Answer answer = healthz.ask(url, config.daemon().token().map(Secret::value));
        if (answer instanceof TwinHealthz.Answer.Twin t) {
            if (!t.twin().equals(peer)) {
                return CheckResult.failure(
                        name(),
                        url + " answers as twin '" + t.twin() + "', not " + peer + ": it would vouch for " + peer
                                + " while " + peer + " is down",
                        "set twins." + peer + ".daemon_url in " + config.source() + " to " + peer
                                + "'s own daemon (http://" + twin.hostname() + ":<its daemon.port>)");
            }
            String detail = peer + "'s daemon answers at " + url;
            if (t.clockOffset().isEmpty()) {
                return CheckResult.ok(name(), detail + " (its clock: not sent)");
            }
            Duration ours = t.clockOffset().get().negated();
            String clock = "this host's clock is " + ClockOffset.describe(ours) + " " + peer + "'s (±"
                    + ClockOffset.seconds(t.uncertainty()) + ")";
            // a slow answer blurs the reading: only an offset beyond what the round trip explains counts
            if (ours.abs().minus(t.uncertainty()).compareTo(CLOCK_TOLERANCE) > 0) {
                return CheckResult.warning(
                        name(),
                        detail + ", but " + clock + " (more than " + CLOCK_TOLERANCE.toSeconds() + " s)",
                        "keep both clocks in sync with NTP (timedatectl set-ntp true on both hosts)");
            }
            return CheckResult.ok(name(), detail + "; " + clock);
        }
        if (answer instanceof TwinHealthz.Answer.Other o) {
            if (o.status() == 401 || o.status() == 403) {
                return CheckResult.failure(
                        name(),
                        url + " refused our token (HTTP " + o.status() + ")",
                        "give every twin the same daemon.token in twins.yaml");
            }
            return CheckResult.failure(
                    name(),
                    url + " answers " + o.what(),
                    "set twins." + peer + ".daemon_url to " + peer + "'s daemon (http://" + twin.hostname()
                            + ":<its daemon.port>)");
        }
        TwinHealthz.Answer.Unreachable u = (TwinHealthz.Answer.Unreachable) answer;
        return CheckResult.failure(
                name(),
                "no answer from " + peer + "'s daemon at " + url + ": " + u.why(),
                "start it on " + twin.hostname() + " (twin daemon --twin " + peer + "), and check that its"
                        + " daemon.bind is reachable from here");
    }
}
