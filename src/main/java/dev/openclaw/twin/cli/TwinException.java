package dev.openclaw.twin.cli;

/** A failure to report to the user as one message and an exit code, never as a stack trace. */
public final class TwinException extends RuntimeException {

    private final int exitCode;

    public TwinException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
