package dev.openclaw.twin.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.gateway.TwinHealthz;
import dev.openclaw.twin.testing.TestConfigs;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A peer's daemon (a real HTTP server answering its /healthz), seen from hosts with right and wrong clocks. */
class PeerDaemonCheckTest {

    private HttpServer server;
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/healthz", exchange -> {
            byte[] body = "{\"ok\":true,\"twin\":\"case\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        http.close();
    }

    private CheckResult check(Clock ours) throws Exception {
        TwinsConfig config = TestConfigs.parse("""
                twins:
                  tars: {hostname: h1}
                  case: {hostname: h2, daemon_url: "http://127.0.0.1:%d"}
                """.formatted(server.getAddress().getPort()));
        return new PeerDaemonCheck(config, "case", new TwinHealthz(http, Duration.ofSeconds(10), ours::instant)).run();
    }

    @Test
    void aPeerWithOurTimeIsOk() throws Exception {
        CheckResult result = check(Clock.systemUTC());

        assertThat(result).as(result.detail()).isInstanceOf(CheckResult.Ok.class);
        assertThat(result.detail()).contains("case's daemon answers at").contains("case's (±");
    }

    @Test
    void aClockAMinuteOffIsAWarningWithTheFix() throws Exception {
        CheckResult result = check(Clock.offset(Clock.systemUTC(), Duration.ofSeconds(-60)));

        assertThat(result).as(result.detail()).isInstanceOf(CheckResult.Warning.class);
        assertThat(result.detail()).containsPattern("clock is (59|60)\\.\\d s behind case's");
        assertThat(result.fix()).hasValueSatisfying(f -> assertThat(f).contains("NTP"));
    }

    @Test
    void aPeerThatIsNotThereFails() throws Exception {
        server.stop(0);

        CheckResult result = check(Clock.systemUTC());

        assertThat(result).isInstanceOf(CheckResult.Failure.class);
        assertThat(result.detail()).contains("connection refused");
        assertThat(result.fix()).hasValueSatisfying(f -> assertThat(f).contains("twin daemon --twin case"));
    }
}
