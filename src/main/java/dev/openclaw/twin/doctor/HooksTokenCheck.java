package dev.openclaw.twin.doctor;

import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.config.TwinsConfig.TakeoverDispatch;
import dev.openclaw.twin.gateway.GatewayWiring;
import dev.openclaw.twin.gateway.RunningGateway;
import java.net.URI;

/**
 * The hooks token a takeover runs with, tried on the gateway the way the daemon sends it ({@code
 * POST <hooks.path>/agent}, {@link RunningGateway#hooksToken}), with an empty body: the gateway checks the token first (401 when wrong) and
 * then refuses the body (400 "message required"), so no turn runs.
 */
public final class HooksTokenCheck implements Check {

    private final TwinsConfig config;
    private final String twin;
    private final GatewayWiring wiring;
    private final RunningGateway gateway;

    public HooksTokenCheck(TwinsConfig config, String twin, GatewayWiring wiring, RunningGateway gateway) {
        this.config = config;
        this.twin = twin;
        this.wiring = wiring;
        this.gateway = gateway;
    }

    @Override
    public String name() {
        return "hooks token";
    }

    @Override
    public CheckResult run() {
        TakeoverDispatch dispatch = config.coordination().takeoverDispatch();
        if (dispatch instanceof TakeoverDispatch.Webhook webhook) {
            return CheckResult.ok(name(), "not needed: takeovers go to the webhook " + webhook.url());
        }
        TakeoverDispatch.OpenClaw openclaw = (TakeoverDispatch.OpenClaw) dispatch;
        if (openclaw.hooksToken().isEmpty()) {
            return CheckResult.failure(
                    name(),
                    "coordination.takeover_dispatch.hooks_token is not set: this twin cannot run a takeover turn",
                    "twin connect (enables hooks with a new token and records it), or set hooks_token to the"
                            + " gateway's hooks.token");
        }
        URI gatewayUrl = openclaw.url().orElse(config.twin(twin).gatewayUrl());
        URI url = RunningGateway.hooksAgentUrl(gatewayUrl, wiring.hooksPath());
        RunningGateway.HooksAnswer answer = gateway.hooksToken(
                gatewayUrl, wiring.hooksPath(), openclaw.hooksToken().get().value());
        if (answer instanceof RunningGateway.HooksAnswer.Unreachable u && u.status() == 0) {
            return CheckResult.warning(
                    name(),
                    "not checked: nothing answers at " + url + " (" + u.detail() + ")",
                    "see the gateway check");
        }
        String fix = "twin connect (sets hooks.token and records the same token), or make"
                + " coordination.takeover_dispatch.hooks_token name the gateway's hooks.token";
        int status = switch (answer) {
            case RunningGateway.HooksAnswer.Accepted a -> a.status();
            case RunningGateway.HooksAnswer.Rejected r -> r.status();
            case RunningGateway.HooksAnswer.Disabled d -> 404;
            case RunningGateway.HooksAnswer.Unreachable u -> u.status();
        };
        return switch (status) {
            case 400 -> CheckResult.ok(name(), "accepted by the gateway at " + url + " (empty request, no turn run)");
            case 401, 403 ->
                CheckResult.failure(
                        name(),
                        "the gateway refused the hooks token (HTTP " + status + "): takeovers on this twin would fail",
                        fix);
            case 404 ->
                CheckResult.failure(
                        name(),
                        url + " is not there (HTTP 404): hooks are not enabled on this gateway (or hooks.path moved)",
                        "twin connect, or openclaw config set hooks.enabled true (with hooks.token)");
            case 429 ->
                CheckResult.warning(
                        name(),
                        "the gateway throttles this host after failed hook logins (HTTP 429)",
                        "wait a minute and run 'twin doctor' again; " + fix);
            default ->
                CheckResult.warning(
                        name(), url + " answered HTTP " + status + " to an empty request", "openclaw logs shows why");
        };
    }
}
