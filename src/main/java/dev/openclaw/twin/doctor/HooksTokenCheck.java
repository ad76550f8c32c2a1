package dev.openclaw.twin.doctor;

import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.config.TwinsConfig.TakeoverDispatch;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The hooks token a takeover runs with, tried on the gateway the way the daemon sends it ({@code
 * POST /hooks/agent}), with an empty body: the gateway checks the token first (401 when wrong) and
 * then refuses the body (400 "message required"), so no turn runs.
 */
public final class HooksTokenCheck implements Check {

    private final TwinsConfig config;
    private final String twin;
    private final HttpClient http;
    private final Duration timeout;

    public HooksTokenCheck(TwinsConfig config, String twin, HttpClient http, Duration timeout) {
        this.config = config;
        this.twin = twin;
        this.http = http;
        this.timeout = timeout;
    }

    @Override
    public String name() {
        return "hooks token";
    }

    @Override
    public CheckResult run() throws InterruptedException {
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
        URI url = openclaw.url().orElse(config.twin(twin).gatewayUrl()).resolve("/hooks/agent");
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Authorization", "Bearer " + openclaw.hooksToken().get().value())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return CheckResult.warning(
                    name(),
                    "not checked: nothing answers at " + url + " (" + Failures.describe(e) + ")",
                    "see the gateway check");
        }
        String fix = "twin connect (sets hooks.token and records the same token), or make"
                + " coordination.takeover_dispatch.hooks_token name the gateway's hooks.token";
        return switch (response.statusCode()) {
            case 400 -> CheckResult.ok(name(), "accepted by the gateway at " + url + " (empty request, no turn run)");
            case 401, 403 ->
                CheckResult.failure(
                        name(),
                        "the gateway refused the hooks token (HTTP " + response.statusCode()
                                + "): takeovers on this twin would fail",
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
                        name(),
                        url + " answered HTTP " + response.statusCode() + " to an empty request",
                        "openclaw logs shows why");
        };
    }
}
