package dev.openclaw.twin.rescue;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenSSH {@code sshd} on 127.0.0.1 and a free port, with a host key and an authorized
 * client key of its own in a temp directory: the "remote" twin host of the rescue tests.
 */
public final class SshdServer implements AutoCloseable {

    static final Path SSHD = Path.of("/usr/sbin/sshd");

    private final Path dir;
    private final int port;
    private final Process process;

    private SshdServer(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    public static boolean available() {
        return Files.isExecutable(SSHD) && Files.isExecutable(Path.of("/usr/bin/ssh-keygen"));
    }

    /** Starts sshd with a new ed25519 host key and a new client key in {@code dir}. */
    public static SshdServer start(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        keygen(dir.resolve("host_ed25519"));
        keygen(dir.resolve("client_ed25519"));
        Files.copy(dir.resolve("client_ed25519.pub"), dir.resolve("authorized_keys"));
        // Privilege separation wants this directory when sshd starts as root.
        Files.createDirectories(Path.of("/run/sshd"));
        int port = freePort();
        Files.writeString(
                dir.resolve("sshd_config"),
                String.join(
                        "\n",
                        List.of(
                                "Port " + port,
                                "ListenAddress 127.0.0.1",
                                "HostKey " + dir.resolve("host_ed25519"),
                                "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                                "PidFile " + dir.resolve("sshd.pid"),
                                "StrictModes no",
                                "UsePAM no",
                                "PasswordAuthentication no",
                                "KbdInteractiveAuthentication no",
                                "PubkeyAuthentication yes",
                                "PermitRootLogin yes",
                                "AllowTcpForwarding yes",
                                "LogLevel ERROR",
                                "")));
        Process process = new ProcessBuilder(
                        SSHD.toString(),
                        "-D",
                        "-e",
                        "-f",
                        dir.resolve("sshd_config").toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("sshd.log").toFile())
                .start();
        SshdServer server = new SshdServer(dir, port, process);
        await("sshd listening on " + port).atMost(Duration.ofSeconds(20)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("sshd exited: " + Files.readString(dir.resolve("sshd.log")));
            }
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
        return server;
    }

    public int port() {
        return port;
    }

    public Path clientKey() {
        return dir.resolve("client_ed25519");
    }

    /** The host key's public half as a known_hosts line for this server. */
    public String knownHostsLine() throws IOException {
        String[] pub = Files.readString(dir.resolve("host_ed25519.pub")).strip().split("\\s+");
        return "[127.0.0.1]:" + port + " " + pub[0] + " " + pub[1];
    }

    /** The same line, hashed as {@code ssh-keygen -H} writes it. */
    String hashedKnownHostsLine() throws IOException, InterruptedException {
        Path file = dir.resolve("hashed_known_hosts");
        Files.writeString(file, knownHostsLine() + "\n");
        run(List.of("ssh-keygen", "-H", "-f", file.toString()));
        return Files.readString(file).strip();
    }

    /** The host key's fingerprint as {@code ssh-keygen -l} prints it ({@code SHA256:...}). */
    String fingerprint() throws IOException, InterruptedException {
        return run(List.of(
                        "ssh-keygen",
                        "-l",
                        "-f",
                        dir.resolve("host_ed25519.pub").toString()))
                .split("\\s+")[1];
    }

    /** An SSH target for this server logging in as the current user with the test's key. */
    SshTarget target(String twin, Path knownHosts) {
        return new SshTarget(
                twin,
                "127.0.0.1",
                port,
                System.getProperty("user.name"),
                java.util.Optional.of(clientKey()),
                knownHosts);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void keygen(Path file) throws IOException, InterruptedException {
        run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "twin-test", "-f", file.toString()));
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException(command + " failed: " + out);
        }
        return out;
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
