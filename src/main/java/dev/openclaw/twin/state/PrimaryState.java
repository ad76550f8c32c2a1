package dev.openclaw.twin.state;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * {@code twin-primary.json}: exactly the seed's fields ({@code date, primary, secondary,
 * bothRespond, lastUpdated}) plus extensions a seed reader ignores. A pure function of date,
 * configuration and overrides, so any twin may rewrite it and all write the same content.
 */
public record PrimaryState(
        String date,
        String primary,
        String secondary,
        boolean bothRespond,
        Instant lastUpdated,
        List<String> order,
        String timezone,
        String rule,
        int schemaVersion) {

    public static final int SCHEMA_VERSION = 1;

    /** Same day, roles and flag: rewriting would change nothing but {@code lastUpdated}. */
    public boolean sameAs(PrimaryState other) {
        // Fields may be missing from a hand-edited file: compare null-safely.
        return Objects.equals(date, other.date)
                && Objects.equals(primary, other.primary)
                && Objects.equals(secondary, other.secondary)
                && bothRespond == other.bothRespond
                && Objects.equals(order, other.order);
    }
}
