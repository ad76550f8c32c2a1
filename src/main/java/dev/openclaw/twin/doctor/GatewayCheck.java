package dev.openclaw.twin.doctor;

import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.gateway.Failures;
import dev.openclaw.twin.gateway.GatewayWiring;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * This twin's gateway at its {@code gateway_url}, as the daemon watches it: {@code /readyz} 200 is
 * ready; 503 with {@code /healthz} 200 is up but not ready (a channel failing, or stopped on a
 * passive twin); nothing at all is down or a wrong URL.
 */
public final class GatewayCheck implements Check {

    private static final JsonMapper JSON = new JsonMapper();

    private final TwinsConfig config;
    private final String twin;
    private final GatewayWiring wiring;
    private final HttpClient http;
    private final Duration timeout;

    public GatewayCheck(TwinsConfig config, String twin, GatewayWiring wiring, HttpClient http, Duration timeout) {
        this.config = config;
        this.twin = twin;
        this.wiring = wiring;
        this.http = http;
        this.timeout = timeout;
    }

    @Override
    public String name() {
        return "gateway";
    }

    @Override
    public CheckResult run() throws InterruptedException {
        URI url = config.twin(twin).gatewayUrl();
        HttpResponse<String> readyz;
        try {
            readyz = get(url.resolve("/readyz"));
        } catch (IOException e) {
            String port = wiring.gatewayPort()
                    .filter(p -> p != url.getPort())
                    .map(p -> "; " + wiring.file() + " says gateway.port " + p)
                    .orElse("");
            return CheckResult.failure(
                    name(),
                    "nothing answers at gateway_url " + url + " (" + Failures.describe(e) + ")" + port,
                    "start the gateway (openclaw gateway restart), or correct twins." + twin + ".gateway_url in "
                            + config.source() + " (openclaw config get gateway.port shows its port)");
        }
        if (readyz.statusCode() == 200) {
            return CheckResult.ok(name(), "ready at " + url);
        }
        if (readyz.statusCode() == 503 && healthy(url)) {
            return CheckResult.warning(
                    name(),
                    "up at " + url + " but not ready (/readyz 503" + failing(readyz.body()) + ")",
                    "openclaw channels status shows which channel fails (a passive twin's stopped channel shows here"
                            + " too)");
        }
        return CheckResult.failure(
                name(),
                url + " answers HTTP " + readyz.statusCode() + " to /readyz: not an OpenClaw gateway?",
                "correct twins." + twin + ".gateway_url in " + config.source());
    }

    private boolean healthy(URI url) throws InterruptedException {
        try {
            return get(url.resolve("/healthz")).statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(uri).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String failing(String body) {
        try {
            JsonNode failing = JSON.readTree(body).get("failing");
            if (failing != null && failing.isArray() && !failing.isEmpty()) {
                StringBuilder names = new StringBuilder();
                for (JsonNode name : failing) {
                    names.append(names.isEmpty() ? "" : ", ").append(name.asString());
                }
                return ", failing: " + names;
            }
        } catch (JacksonException | NullPointerException e) {
            // no detail then
        }
        return "";
    }
}
