package dev.openclaw.twin.cli;

/** The process exit codes of every {@code twin} command (DESIGN §7). */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int DEGRADED = 3;
    /** EX_CONFIG from sysexits.h: the configuration is missing or wrong. */
    public static final int BAD_CONFIG = 78;

    private ExitCodes() {}
}
