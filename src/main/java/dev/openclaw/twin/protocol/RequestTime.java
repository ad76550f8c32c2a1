package dev.openclaw.twin.protocol;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** The {@code timestamp} a gateway puts on its requests: epoch milliseconds or an ISO-8601 instant. */
public final class RequestTime {

    private RequestTime() {}

    public static Optional<Instant> parse(String timestamp) {
        if (timestamp == null || timestamp.isBlank()) {
            return Optional.empty();
        }
        String t = timestamp.strip();
        try {
            return Optional.of(
                    t.chars().allMatch(Character::isDigit)
                            ? Instant.ofEpochMilli(Long.parseLong(t))
                            : Instant.parse(t));
        } catch (NumberFormatException | DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
