package dev.openclaw.twin.coordination;

import java.time.Instant;
import java.util.Optional;

/**
 * A human's persistent override ({@code twin override}): everyone answers, only one twin answers,
 * or a pinned primary. It lapses by itself at {@code until}.
 */
public record Overrides(
        boolean both,
        Optional<String> only,
        Optional<String> primary,
        Optional<Instant> until,
        Optional<String> by,
        Optional<Instant> at) {

    public static final Overrides NONE = new Overrides(
            false, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    /** These overrides as they stand at {@code now}: {@link #NONE} once expired. */
    public Overrides activeAt(Instant now) {
        return until.isPresent() && !now.isBefore(until.get()) ? NONE : this;
    }

    public boolean isEmpty() {
        return !both && only.isEmpty() && primary.isEmpty();
    }

    /** {@code both}, {@code only NAME} or {@code primary NAME}; empty when there is no override. */
    public Optional<String> summary() {
        if (both) {
            return Optional.of("both");
        }
        return only.map(n -> "only " + n).or(() -> primary.map(n -> "primary " + n));
    }
}
