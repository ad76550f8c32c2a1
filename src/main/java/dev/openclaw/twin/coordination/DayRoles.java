package dev.openclaw.twin.coordination;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * Who leads on a given day.
 *
 * @param order every twin once: the primary first, then the takeover rank
 * @param rule how the primary was chosen: {@code odd-even}, {@code round-robin}, {@code manual} or
 *     {@code override}
 * @param parity {@code odd} or {@code even} under the odd-even rule
 */
public record DayRoles(
        LocalDate date, String primary, String secondary, List<String> order, String rule, Optional<String> parity) {

    public DayRoles {
        order = List.copyOf(order);
    }

    /** Why this twin leads, for people: "even date", "round-robin", "manual" or "override". */
    public String explanation() {
        return explain(rule, parity);
    }

    public static String explain(String rule, Optional<String> parity) {
        return parity.map(p -> p + " date").orElse(rule);
    }
}
