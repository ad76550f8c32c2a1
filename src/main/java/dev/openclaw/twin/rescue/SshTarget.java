package dev.openclaw.twin.rescue;

import dev.openclaw.twin.config.TwinsConfig;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where and as whom to log in to a twin's host.
 *
 * @param key the private key file; empty means the user's default keys ({@code ~/.ssh/id_*})
 * @param knownHosts the OpenSSH known_hosts file the host key must be listed in
 */
public record SshTarget(String twin, String host, int port, String user, Optional<Path> key, Path knownHosts) {

    public static SshTarget of(TwinsConfig.Twin twin) {
        return new SshTarget(
                twin.name(),
                twin.hostname(),
                twin.ssh().port(),
                twin.username(),
                twin.ssh().key(),
                twin.ssh().knownHosts());
    }

    /** {@code user@host} or {@code user@host:port}, for messages. */
    public String describe() {
        return user + "@" + host + (port == 22 ? "" : ":" + port);
    }
}
