package dev.openclaw.twin.rescue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SSH client against a real OpenSSH sshd on 127.0.0.1: strict host keys, commands, forwards. */
class SshConnectionIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    @TempDir
    static Path serverDir;

    static SshdServer sshd;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSshd() throws Exception {
        assumeThat(SshdServer.available())
                .as("OpenSSH sshd installed (.ci/run installs it)")
                .isTrue();
        sshd = SshdServer.start(serverDir.resolve("sshd"));
    }

    @AfterAll
    static void stopSshd() {
        if (sshd != null) {
            sshd.close();
        }
    }

    private Path knownHosts(String... lines) throws Exception {
        Path file = dir.resolve("known_hosts");
        Files.writeString(file, String.join("\n", lines) + "\n");
        return file;
    }

    @Test
    void anUnknownHostKeyIsRefusedShowingItsFingerprintAndTheCommandToTrustIt() throws Exception {
        Path knownHosts = knownHosts(
                "# nothing for this host",
                "[127.0.0.1]:1 ssh-ed25519 " + "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl");

        assertThatThrownBy(() -> SshConnection.open(sshd.target("case", knownHosts), dir, TIMEOUT))
                .isInstanceOfSatisfying(SshException.class, e -> {
                    assertThat(e.kind()).isEqualTo(SshException.Kind.HOST_KEY_UNKNOWN);
                    assertThat(e.hostKeyRefused()).isTrue();
                })
                .hasMessageContaining(sshd.fingerprint())
                .hasMessageContaining("twin trust case");
    }

    @Test
    void aMissingKnownHostsFileTrustsNothing() throws Exception {
        assertThatThrownBy(() -> SshConnection.open(sshd.target("case", dir.resolve("absent")), dir, TIMEOUT))
                .isInstanceOfSatisfying(
                        SshException.class, e -> assertThat(e.kind()).isEqualTo(SshException.Kind.HOST_KEY_UNKNOWN));
    }

    @Test
    void aChangedHostKeyIsRefusedNamingBothKeys() throws Exception {
        String someoneElse = "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
        Path knownHosts = knownHosts("[127.0.0.1]:" + sshd.port() + " ssh-ed25519 " + someoneElse);

        assertThatThrownBy(() -> SshConnection.open(sshd.target("case", knownHosts), dir, TIMEOUT))
                .isInstanceOfSatisfying(
                        SshException.class, e -> assertThat(e.kind()).isEqualTo(SshException.Kind.HOST_KEY_CHANGED))
                .hasMessageContaining("HOST KEY CHANGED")
                .hasMessageContaining(sshd.fingerprint())
                .hasMessageContaining("line 1")
                .hasMessageContaining("twin trust case");
    }

    @Test
    void aTrustedKeyLogsInWithAPlainOrAHashedEntry() throws Exception {
        for (String line : List.of(sshd.knownHostsLine(), sshd.hashedKnownHostsLine())) {
            try (SshConnection ssh = SshConnection.open(sshd.target("case", knownHosts(line)), dir, TIMEOUT)) {
                SshConnection.Result result = ssh.run(RemoteCommand.of("echo", "logged in"), TIMEOUT);
                assertThat(result.ok()).isTrue();
                assertThat(result.stdout()).isEqualTo("logged in\n");
            }
        }
        assertThat(sshd.hashedKnownHostsLine()).startsWith("|1|");
    }

    @Test
    void trustRecordsTheOfferedKeyAndReplacesAChangedOne() throws Exception {
        Path knownHosts = knownHosts(
                "other.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl",
                "[127.0.0.1]:" + sshd.port()
                        + " ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl");
        SshTarget target = sshd.target("case", knownHosts);
        PublicKey offered = SshConnection.offeredKey(target, TIMEOUT);
        assertThat(SshConnection.fingerprint(offered)).endsWith(sshd.fingerprint());

        new KnownHosts(knownHosts).trust(target.host(), target.port(), offered);

        try (SshConnection ssh = SshConnection.open(target, dir, TIMEOUT)) {
            assertThat(ssh.run(RemoteCommand.of("true"), TIMEOUT).ok()).isTrue();
        }
        List<String> lines = Files.readAllLines(knownHosts);
        assertThat(lines).hasSize(2).first().asString().startsWith("other.example ");
        assertThat(lines.get(1)).startsWith("[127.0.0.1]:" + sshd.port() + " ssh-ed25519 ");
        assertThat(Files.getPosixFilePermissions(knownHosts)).hasSize(2); // rw for the owner only
        assertThat(knownHosts.resolveSibling("known_hosts.old")).exists();
    }

    @Test
    void configValuesFullOfShellSyntaxReachTheProgramAsLiteralWordsAndRunNothing() throws Exception {
        Path marker = dir.resolve("pwned");
        String m = marker.toString();
        List<String> hostile = List.of(
                "it's \"quoted\"",
                "a; touch " + m,
                "$(touch " + m + ")",
                "`touch " + m + "`",
                "x && touch " + m + " || touch " + m,
                "two\nlines; touch " + m,
                "spaces   and\ttabs",
                "$HOME ${HOME} ~ *",
                "'; touch " + m + "; echo '",
                "\\'\"; touch " + m);
        Path weirdDir = Files.createDirectories(dir.resolve("work dir; $(touch " + m + ") 'q'"));
        try (SshConnection ssh =
                SshConnection.open(sshd.target("case", knownHosts(sshd.knownHostsLine())), dir, TIMEOUT)) {
            for (String value : hostile) {
                SshConnection.Result result =
                        ssh.run(RemoteCommand.of("printf", "%s|", value).in(weirdDir.toString()), TIMEOUT);
                assertThat(result.ok()).as(result.output()).isTrue();
                assertThat(result.stdout()).isEqualTo(value + "|");
            }
            // The program's own working directory really is the odd one.
            assertThat(ssh.run(RemoteCommand.of("pwd").in(weirdDir.toString()), TIMEOUT)
                            .stdout()
                            .strip())
                    .isEqualTo(weirdDir.toString());
            // '~/' in a path means the remote home, and only there.
            assertThat(ssh.run(
                                    RemoteCommand.withPaths(List.of(
                                            RemoteCommand.Word.text("printf"),
                                            RemoteCommand.Word.text("%s"),
                                            RemoteCommand.Word.path("~/a b"))),
                                    TIMEOUT)
                            .stdout())
                    .isEqualTo(System.getProperty("user.home") + "/a b");
        }
        assertThat(marker).doesNotExist();
    }

    @Test
    void stdinReachesTheCommandAndTheExitStatusComesBack() throws Exception {
        try (SshConnection ssh =
                SshConnection.open(sshd.target("case", knownHosts(sshd.knownHostsLine())), dir, TIMEOUT)) {
            byte[] body = "{\"gateway\": {\"port\": 18789}}\n".getBytes(StandardCharsets.UTF_8);
            Path copy = dir.resolve("copy.json");
            assertThat(ssh.run(RemoteCommand.of("sh", "-c", "cat > \"$1\"", "sh", copy.toString()), body, TIMEOUT)
                            .ok())
                    .isTrue();
            assertThat(Files.readAllBytes(copy)).isEqualTo(body);
            assertThat(ssh.run(RemoteCommand.of("sh", "-c", "exit 7"), TIMEOUT).exitStatus())
                    .isEqualTo(7);
        }
    }

    @Test
    void aPortOnTheRemoteLoopbackIsReachedThroughAForward() throws Exception {
        HttpServer gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        gateway.createContext("/readyz", exchange -> {
            byte[] ok = "{\"ready\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, ok.length);
            exchange.getResponseBody().write(ok);
            exchange.close();
        });
        gateway.start();
        try (SshConnection ssh =
                        SshConnection.open(sshd.target("case", knownHosts(sshd.knownHostsLine())), dir, TIMEOUT);
                SshConnection.Forward forward =
                        ssh.forward("127.0.0.1", gateway.getAddress().getPort());
                HttpClient http = HttpClient.newHttpClient()) {
            int local = forward.localAddress().getPort();
            assertThat(local).isNotEqualTo(gateway.getAddress().getPort());
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + local + "/readyz"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("ready");
        } finally {
            gateway.stop(0);
        }
    }
}
