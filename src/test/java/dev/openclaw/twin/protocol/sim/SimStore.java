package dev.openclaw.twin.protocol.sim;

import dev.openclaw.twin.coordination.Overrides;
import dev.openclaw.twin.state.Claim;
import dev.openclaw.twin.state.ClaimEnd;
import dev.openclaw.twin.state.ClaimState;
import dev.openclaw.twin.state.Heartbeat;
import dev.openclaw.twin.state.PrimaryState;
import dev.openclaw.twin.state.StateStore;
import dev.openclaw.twin.state.StoreRead;
import dev.openclaw.twin.state.StoreUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The shared store in memory, for the simulation: creates and ends are atomic (the simulation is
 * single-threaded, so every call is), ages are by the store's own clock (true simulated time), and
 * each twin reaches it through {@link #forTwin}, which fails while the store is cut off from that
 * twin (its mount lost, or a partition), as a file store does: every call throws. Ages are
 * measured on the store's clock; like a file store it cannot watch, so {@code onChange} is a no-op.
 */
final class SimStore {

    private final Supplier<Instant> storeClock;
    private final Map<String, Heartbeat> heartbeats = new TreeMap<>();
    private final Map<String, Instant> heartbeatChangedAt = new HashMap<>();
    /** Per key, every generation's claim (index generation - 1) and its end, if ended. */
    private final Map<String, Map<Integer, Claim>> claims = new HashMap<>();

    private final Map<String, Map<Integer, ClaimEnd>> ends = new HashMap<>();
    private final Map<String, Instant> storedAt = new HashMap<>();
    private final Map<String, Instant> lastWritten = new HashMap<>();
    private final Map<String, Integer> repeatMarks = new HashMap<>();
    private final Set<String> cutOff = new HashSet<>();
    private PrimaryState primary;
    /** The key of the last claim ended "sent" by an endClaim call that won, for the checker. */
    private String lastSentKey;

    /** The key whose "sent" end the last winning endClaim wrote since the last call, if any. */
    String takeLastSentKey() {
        String key = lastSentKey;
        lastSentKey = null;
        return key;
    }

    SimStore(Supplier<Instant> storeClock) {
        this.storeClock = storeClock;
    }

    void cutOff(String twin, boolean off) {
        if (off) {
            cutOff.add(twin);
        } else {
            cutOff.remove(twin);
        }
    }

    boolean reaches(String twin) {
        return !cutOff.contains(twin);
    }

    /** The newest generation of {@code key} as the store holds it, for the checker. */
    ClaimState state(String key) {
        Map<Integer, Claim> generations = claims.get(key);
        if (generations == null || generations.isEmpty()) {
            return new ClaimState.Unclaimed();
        }
        int newest = generations.keySet().stream().max(Integer::compare).orElseThrow();
        Claim claim = generations.get(newest);
        ClaimEnd end = ends.getOrDefault(key, Map.of()).get(newest);
        if (end == null) {
            return new ClaimState.Held(claim);
        }
        return end.sent() ? new ClaimState.Sent(claim, end) : new ClaimState.Revoked(claim, end);
    }

    /** How long ago {@code at} was, by the store's clock (the simulation's true time). */
    private Duration age(Instant at) {
        Duration age = Duration.between(at, storeClock.get());
        return age.isNegative() ? Duration.ZERO : age;
    }

    /** The store as {@code twin} reaches it. */
    StateStore forTwin(String twin) {
        return new View(twin);
    }

    private final class View implements StateStore {
        private final String twin;

        View(String twin) {
            this.twin = twin;
        }

        private void reach() throws StoreUnavailableException {
            if (cutOff.contains(twin)) {
                throw new StoreUnavailableException("simulated: the share is unreachable for " + twin, null);
            }
        }

        @Override
        public void writeHeartbeat(Heartbeat heartbeat) throws StoreUnavailableException {
            reach();
            heartbeats.put(heartbeat.twin(), heartbeat);
            heartbeatChangedAt.put(heartbeat.twin(), storeClock.get());
        }

        @Override
        public Map<String, StoreRead<Heartbeat>> readHeartbeats() throws StoreUnavailableException {
            reach();
            Map<String, StoreRead<Heartbeat>> all = new LinkedHashMap<>();
            heartbeats.forEach((name, hb) -> all.put(name, new StoreRead.Present<>(hb)));
            return all;
        }

        @Override
        public Map<String, Duration> heartbeatAges() throws StoreUnavailableException {
            reach();
            Map<String, Duration> ages = new TreeMap<>();
            heartbeatChangedAt.forEach((name, at) -> ages.put(name, age(at)));
            return ages;
        }

        @Override
        public StoreRead<PrimaryState> readPrimaryState() throws StoreUnavailableException {
            reach();
            return primary == null ? new StoreRead.Absent<>() : new StoreRead.Present<>(primary);
        }

        @Override
        public void writePrimaryState(PrimaryState state) throws StoreUnavailableException {
            reach();
            primary = state;
        }

        @Override
        public StoreRead<Overrides> readOverrides() throws StoreUnavailableException {
            reach();
            return new StoreRead.Absent<>();
        }

        @Override
        public void writeOverrides(Overrides overrides) throws StoreUnavailableException {
            reach();
        }

        @Override
        public void recordManualRescue(String name, Instant at) throws StoreUnavailableException {
            reach();
        }

        @Override
        public Optional<Instant> lastManualRescue(String name) throws StoreUnavailableException {
            reach();
            return Optional.empty();
        }

        @Override
        public void appendEvent(String name, Instant at, String kind, Map<String, Object> details)
                throws StoreUnavailableException {
            reach();
        }

        @Override
        public boolean createClaim(Claim claim) throws StoreUnavailableException {
            reach();
            Map<Integer, Claim> generations = claims.computeIfAbsent(claim.key(), k -> new TreeMap<>());
            if (generations.containsKey(claim.generation())) {
                return false;
            }
            generations.put(claim.generation(), claim);
            if (claim.generation() == 1) {
                storedAt.put(claim.key(), storeClock.get());
            }
            lastWritten.put(claim.key(), storeClock.get());
            return true;
        }

        @Override
        public ClaimState readClaim(String key) throws StoreUnavailableException {
            reach();
            return state(key);
        }

        @Override
        public ClaimEnd endClaim(String key, int generation, ClaimEnd end) throws StoreUnavailableException {
            reach();
            Map<Integer, ClaimEnd> ended = ends.computeIfAbsent(key, k -> new HashMap<>());
            ClaimEnd standing = ended.putIfAbsent(generation, end);
            if (standing == null && end.sent()) {
                lastSentKey = key;
            }
            lastWritten.put(key, storeClock.get());
            return standing == null ? end : standing;
        }

        @Override
        public Optional<Duration> claimAge(String key) throws StoreUnavailableException {
            reach();
            return Optional.ofNullable(storedAt.get(key)).map(SimStore.this::age);
        }

        @Override
        public int pruneOlderThan(Duration retention) throws StoreUnavailableException {
            reach();
            Instant before = storeClock.get().minus(retention);
            int pruned = 0;
            for (Iterator<Map.Entry<String, Instant>> it =
                            lastWritten.entrySet().iterator();
                    it.hasNext(); ) {
                Map.Entry<String, Instant> e = it.next();
                if (!e.getValue().isBefore(before)) {
                    continue;
                }
                String key = e.getKey();
                int hash = key.lastIndexOf('#');
                if (key.startsWith("content:") && hash > 0) {
                    int n = Integer.parseInt(key.substring(hash + 1));
                    repeatMarks.merge(key.substring(0, hash), n + 1, Math::max);
                }
                claims.remove(key);
                ends.remove(key);
                storedAt.remove(key);
                it.remove();
                pruned++;
            }
            return pruned;
        }

        @Override
        public int repeatsPrunedBelow(String base) throws StoreUnavailableException {
            reach();
            return repeatMarks.getOrDefault(base, 0);
        }

        @Override
        public boolean looksReachable() {
            return !cutOff.contains(twin);
        }

        @Override
        public String describe() {
            return "simulated store (as " + twin + " reaches it)";
        }
    }
}
