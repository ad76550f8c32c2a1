package dev.openclaw.twin.protocol;

/** {@code POST /v1/promise}'s answer. */
public record PromiseAnswer(boolean promised, String reason) {}
