package dev.openclaw.twin.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * A refused connection (nothing listens: the daemon's process is gone) is told from one that times
 * out (a SIGSTOPped daemon's port still accepts, and never answers), on real sockets.
 */
class PeerProbeRefusedTest {

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

    private Throwable failureOf(int port) {
        try {
            http.sendAsync(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                                    .timeout(Duration.ofMillis(300))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .join();
            throw new AssertionError("expected the request to fail");
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    @Test
    void nothingListeningIsRefused() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        assertThat(PeerProbe.refused(failureOf(port))).isTrue();
    }

    @Test
    void aPortThatAcceptsButNeverAnswersIsNotRefused() throws Exception {
        try (ServerSocket paused = new ServerSocket(0)) {
            // Never accepted by the program: the kernel completes the handshake, as for a paused process.
            assertThat(PeerProbe.refused(failureOf(paused.getLocalPort()))).isFalse();
        }
    }
}
