package dev.openclaw.twin.demo.openclaw;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/** A real IRC server (ngircd) on loopback with one predefined channel: the flock's meeting room. */
public final class NgircdServer implements AutoCloseable {

    private static final List<Path> PLACES = List.of(
            Path.of("/usr/sbin/ngircd"),
            Path.of("/usr/local/sbin/ngircd"),
            Path.of("/opt/homebrew/sbin/ngircd"),
            Path.of("/usr/local/bin/ngircd"),
            Path.of("/opt/homebrew/bin/ngircd"));

    private final Process process;
    private final int port;

    /** The ngircd binary, where Debian, Homebrew or a source install put it. */
    public static Optional<Path> binary() {
        return PLACES.stream().filter(Files::isExecutable).findFirst();
    }

    public NgircdServer(Path dir, int port, String channel) throws IOException {
        this.port = port;
        Path binary = binary().orElseThrow(() -> new IOException(
                "ngircd is not installed (Debian: apt-get install ngircd; " + "macOS: brew install ngircd)"));
        Path conf = dir.resolve("ngircd.conf");
        Files.writeString(conf, """
                [Global]
                Name = irc.twin.test
                Info = openclaw-twin local server
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
        process = new ProcessBuilder(binary.toString(), "-n", "-f", conf.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("ngircd.log").toFile())
                .start();
        awaitListening(Duration.ofSeconds(10));
    }

    private void awaitListening(Duration limit) throws IOException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    throw new IOException("ngircd did not start on port " + port + ": see ngircd.log", e);
                }
                LockSupport.parkNanos(Duration.ofMillis(50).toNanos()); // poll until it listens
            }
        }
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
