package dev.openclaw.twin.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openclaw.twin.health.GatewayEvidence;
import dev.openclaw.twin.state.Heartbeat.GatewayHealth;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import org.junit.jupiter.api.Test;

class GatewayProbeTest {

    /** GatewayEvidence tells a dead gateway from a busy one by this wording: it must be the probe's. */
    @Test
    void aRefusedConnectionIsWordedAsGatewayEvidenceExpects() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        GatewayHealth refused = new GatewayProbe(
                        HttpClient.newHttpClient(), URI.create("http://127.0.0.1:" + port), Clock.systemUTC())
                .probe();
        assertThat(refused.ready()).isFalse();
        assertThat(refused.detail()).isEqualTo(GatewayEvidence.REFUSED);
    }
}
