package dev.openclaw.twin.protocol;

/** The owner of a duty slot, and whether it is this twin: {@code POST /v1/duty}. */
public record DutyAnswer(boolean run, String owner) {}
