package dev.openclaw.twin.state;

import dev.openclaw.twin.coordination.OverrideChange;
import dev.openclaw.twin.coordination.Overrides;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Replaces the flock's override in the store and records who did it, for {@code twin override}
 * and {@code POST /v1/override} alike.
 *
 * @param previous the override it replaced (as in force at that moment)
 * @param warnings what went wrong besides the write itself (an unreadable old file, no audit line)
 */
public record OverrideUpdate(Overrides written, Overrides previous, List<String> warnings) {

    /**
     * @param trailOf whose audit trail records it: the twin this runs on, if it is one
     * @throws StoreUnavailableException if the override could not be written
     */
    public static OverrideUpdate write(StateStore store, Overrides wanted, Optional<String> trailOf, Instant now)
            throws StoreUnavailableException {
        List<String> warnings = new ArrayList<>();
        Overrides previous = switch (store.readOverrides()) {
            case StoreRead.Present<Overrides> p -> p.value().activeAt(now);
            case StoreRead.Corrupt<Overrides> c -> {
                warnings.add("replaced unreadable overrides: " + c.problem());
                yield Overrides.NONE;
            }
            case StoreRead.Absent<Overrides> a -> Overrides.NONE;
        };
        store.writeOverrides(wanted);
        if (trailOf.isPresent()) {
            try {
                store.appendEvent(
                        trailOf.get(),
                        now,
                        "override",
                        Map.of(
                                "override", OverrideChange.describe(wanted),
                                "by", wanted.by().orElse("unknown")));
            } catch (StoreUnavailableException e) {
                warnings.add("override written, but not recorded in the audit trail: " + e.getMessage());
            }
        }
        return new OverrideUpdate(wanted, previous, List.copyOf(warnings));
    }
}
