package dev.openclaw.twin.connect;

import dev.openclaw.twin.config.Secret;
import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.connect.ConnectReport.Status;
import dev.openclaw.twin.gateway.GatewayWiring;
import dev.openclaw.twin.gateway.OpenClawCli;
import dev.openclaw.twin.gateway.RunningGateway;
import dev.openclaw.twin.gateway.TwinHealthz;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Checks that the running gateway took what connect wrote (plugin active, hooks token accepted) or
 * that undo removed (plugin gone), and that the daemon answers as this twin; each a step, waiting
 * as long as {@link Connector.Timing} allows for the gateway to load a change.
 */
final class GatewayVerifier {

    private static final Duration HOOKS_REQUEST_TIMEOUT = Duration.ofSeconds(5);

    private final TwinsConfig config;
    private final String twin;
    private final HttpClient http;
    private final LongSupplier nanoTime;
    private final Connector.Timing timing;
    private final StepLog log;

    GatewayVerifier(
            TwinsConfig config,
            String twin,
            HttpClient http,
            LongSupplier nanoTime,
            Connector.Timing timing,
            StepLog log) {
        this.config = config;
        this.twin = twin;
        this.http = http;
        this.nanoTime = nanoTime;
        this.timing = timing;
        this.log = log;
    }

    /** The running gateway, asked through {@code cli}. */
    RunningGateway gateway(OpenClawCli cli) {
        return new RunningGateway(cli, http, HOOKS_REQUEST_TIMEOUT);
    }

    void verifyPlugin(RunningGateway gateway) {
        long deadline = nanoTime.getAsLong() + timing.pluginActive().toNanos();
        RunningGateway.PluginState state;
        while (true) {
            state = gateway.plugin();
            if (state instanceof RunningGateway.PluginState.Active || nanoTime.getAsLong() > deadline) {
                break;
            }
            pause();
        }
        switch (state) {
            case RunningGateway.PluginState.Active a ->
                log.add(
                        "gateway loads the plugin",
                        Status.OK,
                        "openclaw-twin active in the running gateway (generation " + a.generation() + ")");
            case RunningGateway.PluginState.Inactive i ->
                log.fail(
                        "gateway loads the plugin",
                        "openclaw-twin is " + i.state() + " in the running gateway"
                                + (i.detail().isBlank() ? "" : ": " + i.detail())
                                + " (see openclaw plugins inspect openclaw-twin --runtime)");
            case RunningGateway.PluginState.Missing m ->
                log.fail(
                        "gateway loads the plugin",
                        "the running gateway does not know openclaw-twin (see openclaw plugins doctor)");
            case RunningGateway.PluginState.Unreachable u ->
                log.fail(
                        "gateway loads the plugin",
                        "cannot ask the running gateway (" + u.detail()
                                + "): start it (openclaw gateway start) and run twin connect again");
        }
    }

    void verifyHooks(RunningGateway gateway, GatewayWiring wiring, String token) {
        URI gatewayUrl = config.twin(twin).gatewayUrl();
        long deadline = nanoTime.getAsLong() + timing.hooksAccepted().toNanos();
        RunningGateway.HooksAnswer answer;
        int rejected = 0;
        while (true) {
            answer = gateway.hooksToken(gatewayUrl, wiring.hooksPath(), token);
            if (answer instanceof RunningGateway.HooksAnswer.Rejected) {
                rejected++;
            }
            // The gateway throttles after 20 failed logins a minute: stop well before.
            if (answer instanceof RunningGateway.HooksAnswer.Accepted
                    || rejected >= 8
                    || nanoTime.getAsLong() > deadline) {
                break;
            }
            pause();
        }
        String where = gatewayUrl.resolve(wiring.hooksPath() + "/agent").toString();
        switch (answer) {
            case RunningGateway.HooksAnswer.Accepted a ->
                log.add(
                        "gateway accepts the hooks token",
                        Status.OK,
                        "POST " + where + " with it: " + a.status()
                                + " (authenticated; an empty request runs nothing)");
            case RunningGateway.HooksAnswer.Rejected r ->
                log.fail(
                        "gateway accepts the hooks token",
                        "POST " + where + ": " + r.status() + " (the gateway does not take the token: is twins.<" + twin
                                + ">.gateway_url this host's gateway?)");
            case RunningGateway.HooksAnswer.Disabled d ->
                log.fail(
                        "gateway accepts the hooks token",
                        "POST " + where + ": 404 (hooks are not enabled in the running gateway)");
            case RunningGateway.HooksAnswer.Unreachable u ->
                log.fail(
                        "gateway accepts the hooks token",
                        where + " unreachable (" + u.detail() + "): is twins." + twin + ".gateway_url right?");
        }
    }

    void verifyDaemon(boolean restartNeeded) {
        URI daemon = Connector.daemonUrl(config.daemon());
        URI url = daemon.resolve("/healthz");
        TwinHealthz.Answer answer;
        try {
            answer = new TwinHealthz(http, Duration.ofSeconds(3), Instant::now)
                    .ask(daemon, config.daemon().token().map(Secret::value));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (answer instanceof TwinHealthz.Answer.Twin t && t.twin().equals(twin)) {
            if (restartNeeded) {
                log.add(
                        "daemon answers",
                        Status.WARN,
                        url + " answers as " + twin
                                + "; restart it to read the hooks token from twins.yaml (systemctl --user restart openclaw-twin, or stop and start twin daemon)");
            } else {
                log.add("daemon answers", Status.OK, url + " answers as " + twin);
            }
            return;
        }
        switch (answer) {
            case TwinHealthz.Answer.Twin t -> wrongDaemon(url, "as " + t.twin());
            case TwinHealthz.Answer.Other o -> wrongDaemon(url, "HTTP " + o.status());
            case TwinHealthz.Answer.Unreachable u ->
                log.add(
                        "daemon answers",
                        Status.WARN,
                        url + " does not answer: start twin daemon (twin install-service runs it at login)");
        }
    }

    private void wrongDaemon(URI url, String answered) {
        log.fail(
                "daemon answers",
                url + " answers " + answered + ", not as " + twin + ": the plugin would ask the wrong daemon");
    }

    void verifyGone(RunningGateway gateway) {
        long deadline = nanoTime.getAsLong() + timing.pluginActive().toNanos();
        while (true) {
            RunningGateway.PluginState state = gateway.plugin();
            if (!(state instanceof RunningGateway.PluginState.Active)) {
                log.add(
                        "gateway unloads the plugin",
                        state instanceof RunningGateway.PluginState.Unreachable u ? Status.WARN : Status.OK,
                        state instanceof RunningGateway.PluginState.Unreachable u
                                ? "cannot ask the running gateway (" + u.detail() + ")"
                                : "the running gateway no longer loads openclaw-twin");
                return;
            }
            if (nanoTime.getAsLong() > deadline) {
                log.fail(
                        "gateway unloads the plugin",
                        "openclaw-twin is still active in the running gateway: restart it (openclaw gateway restart)");
            }
            pause();
        }
    }

    private void pause() {
        LockSupport.parkNanos(timing.pollInterval().toNanos());
    }
}
