package dev.openclaw.twin.coordination;

import dev.openclaw.twin.config.TwinsConfig;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A human's {@code twin override} request, turned into the {@link Overrides} to store. Shared by the
 * CLI and {@code POST /v1/override}, so both accept exactly the same words and times. One override
 * is in force at a time: setting one replaces the previous one.
 *
 * @param action what to do
 * @param twin the twin named by {@code only} and {@code primary}
 * @param until when it lapses, in any form {@link #parseUntil} accepts
 */
public record OverrideChange(Action action, Optional<String> twin, Optional<String> until) {

    public enum Action {
        BOTH,
        ONLY,
        PRIMARY,
        CLEAR;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Action> fromWord(String word) {
            for (Action a : values()) {
                if (a.word().equalsIgnoreCase(word.strip())) {
                    return Optional.of(a);
                }
            }
            return Optional.empty();
        }
    }

    /** Thrown for a request that cannot be honoured; the message says why and what is accepted. */
    public static final class InvalidOverride extends RuntimeException {
        public InvalidOverride(String message) {
            super(message);
        }
    }

    public static final String UNTIL_FORMS = "an ISO instant (2026-11-24T18:00:00Z), a local date-time "
            + "(2026-11-24T18:00 or '2026-11-24 18:00'), a time of day (18:00, the next one to come), "
            + "a date (2026-11-25, its start), 'tomorrow' (the next day's start) or a duration (90m, 2h, 1d) "
            + "from now; local times are in coordination.timezone";

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(s|m|min|h|d)");

    /**
     * The overrides this change leaves in force.
     *
     * @param by who asked, for the record and for status
     */
    public Overrides apply(TwinsConfig config, Instant now, String by) {
        List<String> twins = config.twinNames();
        if (action == Action.CLEAR) {
            if (twin.isPresent()) {
                throw new InvalidOverride("'clear' takes no twin name");
            }
            // Kept with who cleared it and when, for the record.
            return new Overrides(
                    false, Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(by), Optional.of(now));
        }
        Optional<String> named = Optional.empty();
        if (action == Action.ONLY || action == Action.PRIMARY) {
            String name = twin.filter(t -> !t.isBlank())
                    .orElseThrow(() -> new InvalidOverride(
                            "'" + action.word() + "' needs a twin name (one of " + String.join(", ", twins) + ")"));
            named = Optional.of(config.findTwin(name)
                    .orElseThrow(() -> new InvalidOverride(
                            "'" + name + "' is not a twin (twins: " + String.join(", ", twins) + ")")));
        } else if (twin.isPresent()) {
            throw new InvalidOverride("'both' takes no twin name");
        }
        ZoneId zone = config.coordination().timezone();
        Optional<Instant> expiry = until.map(text -> parseUntil(text, now, zone));
        if (expiry.isPresent() && !expiry.get().isAfter(now)) {
            throw new InvalidOverride("--until " + until.get() + " is not in the future (now " + now + ")");
        }
        return new Overrides(
                action == Action.BOTH,
                action == Action.ONLY ? named : Optional.empty(),
                action == Action.PRIMARY ? named : Optional.empty(),
                expiry,
                Optional.of(by),
                Optional.of(now));
    }

    /** Parses an override's end; see {@link #UNTIL_FORMS}. */
    public static Instant parseUntil(String text, Instant now, ZoneId zone) {
        String t = text.strip();
        Matcher duration = DURATION.matcher(t.toLowerCase(Locale.ROOT));
        if (duration.matches()) {
            long n = Long.parseLong(duration.group(1));
            return now.plus(
                    switch (duration.group(2)) {
                        case "s" -> Duration.ofSeconds(n);
                        case "m", "min" -> Duration.ofMinutes(n);
                        case "h" -> Duration.ofHours(n);
                        default -> Duration.ofDays(n);
                    });
        }
        if (t.equalsIgnoreCase("tomorrow")) {
            return LocalDate.ofInstant(now, zone).plusDays(1).atStartOfDay(zone).toInstant();
        }
        try {
            if (t.endsWith("Z") || t.matches(".*[+-]\\d\\d:\\d\\d$")) {
                return OffsetDateTime.parse(t.replace(' ', 'T')).toInstant();
            }
            if (t.matches("\\d{4}-\\d{2}-\\d{2}")) {
                return LocalDate.parse(t).atStartOfDay(zone).toInstant();
            }
            if (t.matches("\\d{1,2}:\\d{2}(:\\d{2})?")) {
                LocalTime time = LocalTime.parse(t.length() == 4 ? "0" + t : t);
                LocalDateTime today = LocalDate.ofInstant(now, zone).atTime(time);
                Instant candidate = today.atZone(zone).toInstant();
                return candidate.isAfter(now)
                        ? candidate
                        : today.plusDays(1).atZone(zone).toInstant();
            }
            return LocalDateTime.parse(t.replace(' ', 'T')).atZone(zone).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidOverride("--until '" + text + "' is not a time: use " + UNTIL_FORMS);
        } catch (DateTimeException e) {
            throw new InvalidOverride("--until '" + text + "': " + e.getMessage());
        }
    }

    /** One line for people: "only tars until 2026-11-24T18:00:00Z (set by ann@mini)". */
    public static String describe(Overrides o) {
        return o.summary()
                .map(what -> what
                        + o.until().map(u -> " until " + u).orElse(" until cleared")
                        + o.by().map(b -> " (set by " + b + ")").orElse(""))
                .orElse("none");
    }
}
