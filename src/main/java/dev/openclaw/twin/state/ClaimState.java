package dev.openclaw.twin.state;

/** A claim key as the store shows it now: the newest generation and how it stands. */
public sealed interface ClaimState {

    /** Nobody has claimed it. */
    record Unclaimed() implements ClaimState {}

    /**
     * A generation exists whose content cannot be read yet (it is being written) or at all; whoever
     * wrote it holds the claim.
     */
    record Unreadable(int generation, String problem) implements ClaimState {}

    /** {@code claim} holds it and has neither sent nor been revoked. */
    record Held(Claim claim) implements ClaimState {}

    /** {@code claim}'s holder sent its reply: the message is answered. */
    record Sent(Claim claim, ClaimEnd end) implements ClaimState {}

    /** {@code claim} was revoked and no next generation exists yet: free for generation + 1. */
    record Revoked(Claim claim, ClaimEnd end) implements ClaimState {}

    /** The generation the next claim must take. */
    default int nextGeneration() {
        return switch (this) {
            case Unclaimed u -> 1;
            case Unreadable u -> u.generation() + 1;
            case Held h -> h.claim().generation() + 1;
            case Sent s -> s.claim().generation() + 1;
            case Revoked r -> r.claim().generation() + 1;
        };
    }
}
