package dev.openclaw.twin.doctor;

import dev.openclaw.twin.state.FileStateStore;
import dev.openclaw.twin.state.StoreUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * This host's clock against the share's (the time the file server stamps on a probe file): a file
 * share's own check, no part of the store interface. Liveness and claim ages never compare the two,
 * but the rotation's day boundary reads this host's clock.
 */
public final class StoreClockCheck implements Check {

    static final Duration TOLERANCE = Duration.ofSeconds(2);

    private final FileStateStore store;
    private final Clock clock;

    public StoreClockCheck(FileStateStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "clock vs share";
    }

    @Override
    public CheckResult run() {
        Instant before = clock.instant();
        Optional<Instant> storeNow;
        try {
            storeNow = store.shareClockNow();
        } catch (StoreUnavailableException e) {
            return CheckResult.warning(name(), "cannot tell: " + e.getMessage(), "see the share check");
        }
        Instant after = clock.instant();
        if (storeNow.isEmpty()) {
            return CheckResult.warning(
                    name(), "cannot tell: the share keeps no time we can read (not writable?)", "see the share check");
        }
        Instant ours = before.plus(Duration.between(before, after).dividedBy(2));
        Duration offset = Duration.between(storeNow.get(), ours);
        return judge(name(), "this host's clock is " + ClockOffset.describe(offset) + " the share's", offset);
    }

    static CheckResult judge(String name, String detail, Duration offset) {
        if (offset.abs().compareTo(TOLERANCE) > 0) {
            return CheckResult.warning(
                    name,
                    detail + " (more than " + TOLERANCE.toSeconds() + " s): the day's primary reads clocks",
                    "keep both clocks in sync with NTP (timedatectl set-ntp true; timedatectl timesync-status)");
        }
        return CheckResult.ok(name, detail);
    }
}
