package dev.openclaw.twin.rescue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.client.session.forward.ExplicitPortForwardingTracker;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.server.forward.AcceptAllForwardingFilter;

/**
 * One authenticated SSH session to a twin's host (Apache MINA SSHD), with strict host keys: the
 * connection is refused before anything is sent unless {@code known_hosts} lists the host's key.
 * Commands are {@link RemoteCommand}s, quoted word by word.
 */
public final class SshConnection implements AutoCloseable {

    /** The default keys OpenSSH tries, in its order, when the twin names none. */
    private static final List<String> DEFAULT_KEYS = List.of("id_ed25519", "id_ecdsa", "id_rsa");

    /** What a remote command printed and how it ended ({@code out}: standard output, as sent). */
    public record Result(int exitStatus, byte[] out, String stderr) {
        public boolean ok() {
            return exitStatus == 0;
        }

        public String stdout() {
            return new String(out, StandardCharsets.UTF_8);
        }

        /** Standard output then error, trimmed, for reports. */
        public String output() {
            return (stdout().strip() + "\n" + stderr.strip()).strip();
        }
    }

    private final SshTarget target;
    private final SshClient client;
    private final ClientSession session;

    private SshConnection(SshTarget target, SshClient client, ClientSession session) {
        this.target = target;
        this.client = client;
        this.session = session;
    }

    /** Connects and logs in, or throws an {@link SshException} saying why and what to do. */
    public static SshConnection open(SshTarget target, Path home, Duration timeout) throws SshException {
        List<KeyPair> keys = identities(target, home);
        KnownHosts knownHosts = new KnownHosts(target.knownHosts());
        AtomicReference<SshException> refusal = new AtomicReference<>();
        ServerKeyVerifier verifier = (session, address, key) -> {
            try {
                KnownHosts.Verdict verdict = knownHosts.check(target.host(), target.port(), key);
                SshException problem = refusal(target, knownHosts, verdict, key);
                refusal.set(problem);
                return problem == null;
            } catch (IOException e) {
                refusal.set(new SshException(
                        SshException.Kind.HOST_KEY_UNKNOWN,
                        "cannot read " + knownHosts.file() + " (" + e.getMessage() + "): refusing " + target.host(),
                        e));
                return false;
            }
        };
        SshClient client = client(verifier);
        try {
            ClientSession session;
            try {
                session = client.connect(target.user(), target.host(), target.port())
                        .verify(timeout)
                        .getSession();
            } catch (IOException | RuntimeException e) {
                throw new SshException(
                        SshException.Kind.UNREACHABLE,
                        "cannot reach " + target.describe() + " over SSH: " + rootMessage(e),
                        e);
            }
            try {
                keys.forEach(session::addPublicKeyIdentity);
                session.auth().verify(timeout);
            } catch (IOException | RuntimeException e) {
                session.close(true);
                if (refusal.get() != null) {
                    throw refusal.get();
                }
                throw new SshException(
                        SshException.Kind.AUTHENTICATION,
                        target.describe() + " refused our key"
                                + target.key().map(k -> " " + k).orElse(" (default keys in ~/.ssh)") + ": "
                                + rootMessage(e),
                        e);
            }
            return new SshConnection(target, client, session);
        } catch (SshException e) {
            client.stop();
            throw e;
        }
    }

    /**
     * The key the host offers, without logging in (for {@code twin trust}): the handshake stops
     * at the host key, so nothing is sent to an unverified host.
     */
    public static PublicKey offeredKey(SshTarget target, Duration timeout) throws SshException {
        AtomicReference<PublicKey> offered = new AtomicReference<>();
        SshClient client = client((session, address, key) -> {
            offered.set(key);
            return false;
        });
        try (ClientSession session = client.connect(target.user(), target.host(), target.port())
                .verify(timeout)
                .getSession()) {
            session.auth().verify(timeout);
        } catch (IOException | RuntimeException e) {
            if (offered.get() == null) {
                throw new SshException(
                        SshException.Kind.UNREACHABLE,
                        "cannot reach " + target.describe() + " over SSH: " + rootMessage(e),
                        e);
            }
        } finally {
            client.stop();
        }
        return offered.get();
    }

    /** {@code SHA256:...} as OpenSSH prints it, with the key type. */
    public static String fingerprint(PublicKey key) {
        return KeyUtils.getKeyType(key) + " " + KeyUtils.getFingerPrint(key);
    }

    public SshTarget target() {
        return target;
    }

    /** Runs {@code command} in the remote user's login shell and waits for it to end. */
    public Result run(RemoteCommand command, Duration timeout) throws SshException {
        return run(command, null, timeout);
    }

    /** As {@link #run(RemoteCommand, Duration)}, feeding {@code stdin} to the command. */
    public Result run(RemoteCommand command, byte[] stdin, Duration timeout) throws SshException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (ChannelExec channel = session.createExecChannel(command.line())) {
            channel.setOut(out);
            channel.setErr(err);
            if (stdin != null) {
                channel.setIn(new ByteArrayInputStream(stdin));
            }
            channel.open().verify(timeout);
            var events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), timeout);
            if (events.contains(ClientChannelEvent.TIMEOUT)) {
                throw new SshException(
                        SshException.Kind.TIMEOUT,
                        "'" + command.line() + "' on " + target.twin() + " did not finish within " + timeout.toSeconds()
                                + " s");
            }
            Integer status = channel.getExitStatus();
            return new Result(status == null ? -1 : status, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
        } catch (SshException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new SshException(
                    SshException.Kind.UNREACHABLE,
                    "'" + command.line() + "' on " + target.twin() + " failed: " + rootMessage(e),
                    e);
        }
    }

    /**
     * A local port that reaches {@code host:port} as the remote host sees it (an SSH port forward):
     * how the gateway's loopback-only {@code /readyz} is asked from another machine.
     */
    public Forward forward(String host, int port) throws SshException {
        try {
            ExplicitPortForwardingTracker tracker = session.createLocalPortForwardingTracker(
                    new SshdSocketAddress("127.0.0.1", 0), new SshdSocketAddress(host, port));
            return new Forward(tracker);
        } catch (IOException | RuntimeException e) {
            throw new SshException(
                    SshException.Kind.UNREACHABLE,
                    "cannot forward to " + host + ":" + port + " through " + target.twin() + ": " + rootMessage(e),
                    e);
        }
    }

    /** A forwarded local port, closed with the connection or on its own. */
    public static final class Forward implements AutoCloseable {
        private final ExplicitPortForwardingTracker tracker;

        private Forward(ExplicitPortForwardingTracker tracker) {
            this.tracker = tracker;
        }

        public InetSocketAddress localAddress() {
            SshdSocketAddress bound = tracker.getBoundAddress();
            return new InetSocketAddress(bound.getHostName(), bound.getPort());
        }

        @Override
        public void close() throws IOException {
            tracker.close();
        }
    }

    @Override
    public void close() {
        try {
            session.close(false).await(Duration.ofSeconds(2));
        } catch (IOException e) {
            // closing anyway
        } finally {
            client.stop();
        }
    }

    private static SshClient client(ServerKeyVerifier verifier) {
        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(verifier);
        // Only what the twin's config says: no ~/.ssh/config, no keys picked up behind our back.
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        client.setForwardingFilter(AcceptAllForwardingFilter.INSTANCE);
        client.start();
        return client;
    }

    /** The refusal for a verdict, or null when the key is trusted. */
    private static SshException refusal(
            SshTarget target, KnownHosts knownHosts, KnownHosts.Verdict verdict, PublicKey offered) {
        String trust = "twin trust " + target.twin();
        return switch (verdict) {
            case KnownHosts.Verdict.Trusted t -> null;
            case KnownHosts.Verdict.Unknown u ->
                new SshException(
                        SshException.Kind.HOST_KEY_UNKNOWN,
                        "host key of " + target.host() + ":" + target.port() + " is not in " + knownHosts.file()
                                + "; it offered " + fingerprint(offered)
                                + ". Check that fingerprint on the host (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub)"
                                + ", then run: " + trust);
            case KnownHosts.Verdict.Changed c ->
                new SshException(
                        SshException.Kind.HOST_KEY_CHANGED,
                        "HOST KEY CHANGED for " + target.host() + ":" + target.port() + ": it offered "
                                + fingerprint(offered) + " but " + knownHosts.file() + " (line "
                                + c.lines().getFirst() + ") lists " + String.join(", ", c.knownFingerprints())
                                + ". Someone may be in between; if the host was reinstalled, check the new "
                                + "fingerprint on it and run: " + trust);
            case KnownHosts.Verdict.Revoked r ->
                new SshException(
                        SshException.Kind.HOST_KEY_REVOKED,
                        "host key " + fingerprint(offered) + " of " + target.host() + " is marked @revoked in "
                                + knownHosts.file() + " (line " + r.line() + ")");
        };
    }

    private static List<KeyPair> identities(SshTarget target, Path home) throws SshException {
        List<Path> files = new ArrayList<>();
        if (target.key().isPresent()) {
            files.add(target.key().get());
        } else {
            DEFAULT_KEYS.stream()
                    .map(name -> home.resolve(".ssh").resolve(name))
                    .filter(Files::isRegularFile)
                    .forEach(files::add);
        }
        List<KeyPair> keys = new ArrayList<>();
        for (Path file : files) {
            try {
                keys.addAll(
                        SecurityUtils.getKeyPairResourceParser().loadKeyPairs(null, file, FilePasswordProvider.EMPTY));
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                throw new SshException(
                        SshException.Kind.KEY_FILE,
                        "cannot read the SSH key " + file + " (" + rootMessage(e)
                                + "); rescue needs a key without a passphrase, readable by this user",
                        e);
            }
        }
        return keys;
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message =
                Optional.ofNullable(root.getMessage()).orElse(root.getClass().getSimpleName());
        return message.strip();
    }

    /** Where the session is connected, for logs. */
    SocketAddress remoteAddress() {
        return session.getIoSession().getRemoteAddress();
    }
}
