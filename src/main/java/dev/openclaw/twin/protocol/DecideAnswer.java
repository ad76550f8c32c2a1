package dev.openclaw.twin.protocol;

/**
 * {@code POST /v1/decide}'s answer (DESIGN §6).
 *
 * @param claimedBy who holds (or is expected to take) the message, or null
 * @param elapsedMs how long the decision took in the daemon
 */
public record DecideAnswer(boolean respond, String reason, String twin, String claimedBy, long elapsedMs) {}
