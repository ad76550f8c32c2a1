package dev.openclaw.twin.rescue;

import java.io.IOException;

/** Why an SSH connection or command failed, with what an operator can do about it. */
public final class SshException extends IOException {

    /** What went wrong, so callers (and the auto-rescue) can tell a refused key from a dead host. */
    public enum Kind {
        /** The host's key is not in known_hosts: nothing was sent to it. */
        HOST_KEY_UNKNOWN,
        /** The host offered a different key than known_hosts lists: possibly someone in between. */
        HOST_KEY_CHANGED,
        /** The host key is marked {@code @revoked}. */
        HOST_KEY_REVOKED,
        /** The host answered but refused our key. */
        AUTHENTICATION,
        /** No SSH answer: host down, network, wrong port. */
        UNREACHABLE,
        /** A command did not finish in time. */
        TIMEOUT,
        /** The private key file could not be read. */
        KEY_FILE
    }

    private final Kind kind;

    public SshException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public SshException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** A host key problem: the connection was refused before anything was sent. */
    public boolean hostKeyRefused() {
        return kind == Kind.HOST_KEY_UNKNOWN || kind == Kind.HOST_KEY_CHANGED || kind == Kind.HOST_KEY_REVOKED;
    }
}
