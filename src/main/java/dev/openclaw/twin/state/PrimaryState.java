package dev.openclaw.twin.state;

import dev.openclaw.twin.coordination.DayRoles;
import dev.openclaw.twin.coordination.Overrides;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;

/**
 * {@code twin-primary.json}: exactly the seed's fields ({@code date, primary, secondary,
 * bothRespond, lastUpdated}) plus extensions a seed reader ignores. A pure function of date,
 * configuration and overrides, so any twin may rewrite it and all write the same content.
 *
 * @param override the override in force when written ({@code both}, {@code only NAME},
 *     {@code primary NAME}), or null: tells a human's {@code bothRespond} edit apart from ours
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
        String override,
        int schemaVersion) {

    public static final int SCHEMA_VERSION = 1;

    /**
     * The file for {@code roles}' day as every twin writes it.
     *
     * @param bothByHand a person set {@code bothRespond} in today's file: keep it
     */
    public static PrimaryState of(DayRoles roles, Overrides overrides, boolean bothByHand, ZoneId zone, Instant now) {
        return new PrimaryState(
                roles.date().toString(),
                roles.primary(),
                roles.secondary(),
                bothByHand || overrides.both(),
                now,
                roles.order(),
                zone.getId(),
                roles.rule(),
                overrides.summary().orElse(null),
                SCHEMA_VERSION);
    }

    /** {@code bothRespond} set by a person editing the file, not by a 'both' override. */
    public boolean bothRespondByHand() {
        return bothRespond && !"both".equals(override);
    }

    /** Same day, roles and flag: rewriting would change nothing but {@code lastUpdated}. */
    public boolean sameAs(PrimaryState other) {
        // Fields may be missing from a hand-edited file: compare null-safely.
        return Objects.equals(date, other.date)
                && Objects.equals(primary, other.primary)
                && Objects.equals(secondary, other.secondary)
                && bothRespond == other.bothRespond
                && Objects.equals(order, other.order)
                && Objects.equals(override, other.override);
    }
}
