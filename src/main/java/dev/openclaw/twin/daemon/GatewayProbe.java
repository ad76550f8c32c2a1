package dev.openclaw.twin.daemon;

import dev.openclaw.twin.state.Heartbeat.GatewayHealth;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;

/** Asks the twin's own OpenClaw gateway whether it is ready ({@code GET /readyz}). */
final class GatewayProbe {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final HttpClient http;
    private final URI readyz;
    private final Clock clock;

    GatewayProbe(HttpClient http, URI gatewayUrl, Clock clock) {
        this.http = http;
        this.readyz = gatewayUrl.resolve("/readyz");
        this.clock = clock;
    }

    GatewayHealth probe() {
        HttpRequest request =
                HttpRequest.newBuilder(readyz).timeout(TIMEOUT).GET().build();
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            boolean ready = response.statusCode() == 200;
            return new GatewayHealth(ready, clock.instant(), ready ? "ready" : "HTTP " + response.statusCode());
        } catch (IOException e) {
            return new GatewayHealth(
                    false, clock.instant(), "unreachable: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new GatewayHealth(false, clock.instant(), "unreachable: interrupted");
        }
    }
}
