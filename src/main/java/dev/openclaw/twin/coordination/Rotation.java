package dev.openclaw.twin.coordination;

import dev.openclaw.twin.config.TwinsConfig.Coordination;
import dev.openclaw.twin.config.TwinsConfig.RotationMode;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The primary of each day. {@code daily}: odd day of month → {@code odd_primary}, even →
 * {@code even_primary} (the seed's rule, so the 31st and the 1st, both odd, have the same primary);
 * {@code round-robin}: {@code order[epochDay mod N]}; {@code manual}: the pinned twin. A persistent
 * {@code primary} override wins over all three. Days are calendar days in {@code coordination.timezone}.
 */
public final class Rotation {

    private final Coordination coordination;

    public Rotation(Coordination coordination) {
        this.coordination = coordination;
    }

    /** Today's date where the flock lives, not where this machine's clock is set. */
    public LocalDate today(Clock clock) {
        return dateAt(clock.instant());
    }

    public LocalDate dateAt(Instant instant) {
        return LocalDate.ofInstant(instant, coordination.timezone());
    }

    public DayRoles rolesOn(LocalDate date, Overrides overrides) {
        List<String> order = coordination.order();
        if (overrides.primary().isPresent()
                && order.contains(overrides.primary().get())) {
            return roles(date, overrides.primary().get(), "override", Optional.empty());
        }
        return switch (coordination.rotation()) {
            case DAILY -> {
                boolean odd = date.getDayOfMonth() % 2 == 1;
                yield roles(
                        date,
                        odd ? coordination.oddPrimary() : coordination.evenPrimary(),
                        "odd-even",
                        Optional.of(odd ? "odd" : "even"));
            }
            case ROUND_ROBIN -> {
                int index = (int) Math.floorMod(date.toEpochDay(), order.size());
                yield roles(date, order.get(index), "round-robin", Optional.empty());
            }
            case MANUAL -> roles(date, coordination.pinnedPrimary(), "manual", Optional.empty());
        };
    }

    private DayRoles roles(LocalDate date, String primary, String rule, Optional<String> parity) {
        List<String> base = coordination.order();
        List<String> order = new ArrayList<>(base.size());
        order.add(primary);
        if (coordination.rotation() == RotationMode.ROUND_ROBIN) {
            // The rank follows the ring: after order[i] come order[i+1], order[i+2], ...
            int start = base.indexOf(primary);
            for (int i = 1; i < base.size(); i++) {
                order.add(base.get((start + i) % base.size()));
            }
        } else {
            base.stream().filter(name -> !name.equals(primary)).forEach(order::add);
        }
        String secondary = order.size() > 1 ? order.get(1) : primary;
        return new DayRoles(date, primary, secondary, order, rule, parity);
    }
}
