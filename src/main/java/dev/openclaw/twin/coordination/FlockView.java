package dev.openclaw.twin.coordination;

import java.util.Set;

/**
 * What a twin knows about the flock when it evaluates a message.
 *
 * @param overrides the overrides in force now (already expired ones removed)
 * @param bothRespondFlag {@code bothRespond} as a human left it in {@code twin-primary.json}
 * @param offline the twins known to be down; every other twin is presumed up
 */
public record FlockView(DayRoles roles, Overrides overrides, boolean bothRespondFlag, Set<String> offline) {

    public FlockView {
        offline = Set.copyOf(offline);
    }

    /** Everyone up, no overrides: the view of a flock with no state to read. */
    public static FlockView allOnline(DayRoles roles) {
        return new FlockView(roles, Overrides.NONE, false, Set.of());
    }

    public boolean isOnline(String twin) {
        return !offline.contains(twin);
    }
}
