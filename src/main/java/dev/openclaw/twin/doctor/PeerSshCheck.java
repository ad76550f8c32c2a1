package dev.openclaw.twin.doctor;

import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.rescue.SshConnection;
import dev.openclaw.twin.rescue.SshException;
import dev.openclaw.twin.rescue.SshTarget;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What a rescue of a peer needs: its host key trusted (strict checking, as rescue does) and our key
 * accepted. Connects and logs in, runs nothing, disconnects.
 */
public final class PeerSshCheck implements Check {

    private final TwinsConfig config;
    private final String peer;
    private final Path home;
    private final Duration timeout;

    public PeerSshCheck(TwinsConfig config, String peer, Path home, Duration timeout) {
        this.config = config;
        this.peer = peer;
        this.home = home;
        this.timeout = timeout;
    }

    @Override
    public String name() {
        return "ssh " + peer;
    }

    @Override
    public CheckResult run() {
        SshTarget target = SshTarget.of(config.twin(peer));
        try (SshConnection connection = SshConnection.open(target, home, timeout)) {
            return CheckResult.ok(
                    name(),
                    "host key trusted (" + target.knownHosts() + "), login as " + target.describe()
                            + " works (nothing run)");
        } catch (SshException e) {
            return CheckResult.failure(name(), e.getMessage(), fix(target, e.kind()));
        }
    }

    private String fix(SshTarget target, SshException.Kind kind) {
        String key = target.key().map(Path::toString).orElse("~/.ssh/id_ed25519");
        return switch (kind) {
            case HOST_KEY_UNKNOWN -> "twin trust " + peer + " (compare the fingerprint it shows with the host's own)";
            case HOST_KEY_CHANGED ->
                "check the new key on " + target.host() + " (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub),"
                        + " then twin trust " + peer;
            case HOST_KEY_REVOKED -> "remove the @revoked line from " + target.knownHosts() + " only if you are sure";
            case AUTHENTICATION -> "authorize our key there: ssh-copy-id -i " + key + ".pub " + target.describe();
            case KEY_FILE -> "twins." + peer + ".ssh.key must be a readable private key without a passphrase";
            case UNREACHABLE, TIMEOUT ->
                "check twins." + peer + ".hostname and ssh.port in " + config.source() + ", and that sshd runs on "
                        + target.host();
        };
    }
}
