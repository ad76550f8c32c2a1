package dev.openclaw.twin.doctor;

/** One thing {@code twin doctor} looks at. Runs beside the others, so it must not depend on them. */
public interface Check {

    String name();

    /** Looks and reports; an exception is reported as a failure of this check. */
    CheckResult run() throws Exception;
}
