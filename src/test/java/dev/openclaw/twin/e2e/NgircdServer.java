package dev.openclaw.twin.e2e;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** A real IRC server (Debian's ngircd) on loopback, with one predefined channel. */
final class NgircdServer implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/sbin/ngircd");

    private final Process process;
    private final int port;

    NgircdServer(Path dir, int port, String channel) throws IOException {
        this.port = port;
        Path conf = dir.resolve("ngircd.conf");
        Files.writeString(conf, """
                [Global]
                Name = irc.twin.test
                Info = openclaw-twin test server
                Listen = 127.0.0.1
                Ports = %d
                [Limits]
                MaxNickLength = 30
                MaxJoins = 50
                [Options]
                PAM = no
                Ident = no
                DNS = no
                [Channel]
                Name = %s
                Topic = the flock
                """.formatted(port, channel));
        process = new ProcessBuilder(BINARY.toString(), "-n", "-f", conf.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("ngircd.log").toFile())
                .start();
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .ignoreExceptions()
                .until(() -> {
                    try (Socket s = new Socket("127.0.0.1", port)) {
                        return true;
                    }
                });
    }

    int port() {
        return port;
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
