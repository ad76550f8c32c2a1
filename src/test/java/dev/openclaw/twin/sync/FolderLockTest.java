package dev.openclaw.twin.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openclaw.twin.state.Claim;
import dev.openclaw.twin.state.FileStateStore;
import dev.openclaw.twin.testing.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sync folder's lock on a real store directory: each "twin" has its own {@link FileStateStore}
 * on it, as two hosts mounting one share would.
 */
class FolderLockTest {

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));

    private FolderLock lock(Path store, String twin) {
        FileStateStore share = new FileStateStore(store, "twin-primary.json");
        return new FolderLock(share, share::shareClockNow, "knowledge", twin, clock);
    }

    /** Moves every claim file's time on the store back by {@code age}: as if stored that long ago. */
    static void ageClaims(Path store, Duration age) throws IOException {
        Path claims = store.resolve("twin/claims");
        try (Stream<Path> walk = Files.walk(claims)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                Files.setLastModifiedTime(
                        file,
                        FileTime.from(
                                Files.getLastModifiedTime(file).toInstant().minus(age)));
            }
        }
    }

    @Test
    void aHeldLockKeepsOthersOutUntilItIsReleased() throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        FolderLock tars = lock(store, "tars");
        FolderLock casey = lock(store, "case");

        FolderLock.Acquired held = tars.acquire();
        assertThat(held).isInstanceOf(FolderLock.Acquired.Held.class);
        assertThat(((FolderLock.Acquired.Held) held).tookOver()).isFalse();
        assertThat(casey.acquire())
                .isInstanceOfSatisfying(
                        FolderLock.Acquired.Busy.class,
                        busy -> assertThat(busy.holder()).startsWith("tars since "));

        assertThat(tars.release((FolderLock.Acquired.Held) held)).isTrue();
        FolderLock.Acquired next = casey.acquire();
        assertThat(next).isInstanceOf(FolderLock.Acquired.Held.class);
        assertThat(((FolderLock.Acquired.Held) next).tookOver()).isFalse();
        assertThat(tars.acquire()).isInstanceOf(FolderLock.Acquired.Busy.class);
    }

    @Test
    void twoTwinsRacingForTheLockNeverBothHoldIt() throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        List<FolderLock> twins = List.of(lock(store, "tars"), lock(store, "case"));
        int rounds = 150;
        CyclicBarrier start = new CyclicBarrier(2);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger[] held = {new AtomicInteger(), new AtomicInteger()};
        int[] holdersPerRound = new int[rounds];
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                int me = t;
                runs.add(pool.submit(() -> {
                    for (int round = 0; round < rounds; round++) {
                        start.await(30, TimeUnit.SECONDS);
                        if (twins.get(me).acquire() instanceof FolderLock.Acquired.Held h) {
                            if (inside.incrementAndGet() != 1) {
                                overlaps.incrementAndGet();
                            }
                            synchronized (holdersPerRound) {
                                holdersPerRound[round]++;
                            }
                            held[me].incrementAndGet();
                            // Both twins are past the race once both reach the barrier: only then let go.
                            start.await(30, TimeUnit.SECONDS);
                            inside.decrementAndGet();
                            assertThat(twins.get(me).release(h)).isTrue();
                        } else {
                            start.await(30, TimeUnit.SECONDS);
                        }
                        start.await(30, TimeUnit.SECONDS); // the lock is free again before the next round
                    }
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                run.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(overlaps).hasValue(0);
        int single = 0;
        for (int n : holdersPerRound) {
            assertThat(n).isLessThanOrEqualTo(1);
            single += n;
        }
        // Both twins raced every round; one of them won nearly every one (a round may be lost to
        // both only when the store's clock crosses a 10-minute slot boundary mid-acquire).
        assertThat(single).isGreaterThanOrEqualTo(rounds - 2);
        assertThat(held[0].get() + held[1].get()).isEqualTo(single);
    }

    @Test
    void aStaleHolderIsTakenOverByExactlyOneOfTwoRacingTwinsAndItsLateReleaseSaysSo() throws Exception {
        for (int round = 0; round < 20; round++) {
            Path store = Files.createDirectories(dir.resolve("store" + round));
            FolderLock dead = lock(store, "dead");
            FolderLock.Acquired.Held deadHeld = (FolderLock.Acquired.Held) dead.acquire();
            assertThat(lock(store, "tars").acquire()).isInstanceOf(FolderLock.Acquired.Busy.class);

            ageClaims(store, FolderLock.LEASE.plusMinutes(1)); // its holder was last seen 11 minutes ago
            List<FolderLock> takers = List.of(lock(store, "tars"), lock(store, "case"));
            CyclicBarrier start = new CyclicBarrier(2);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            List<FolderLock.Acquired> results = new ArrayList<>();
            try {
                List<Future<FolderLock.Acquired>> runs = new ArrayList<>();
                for (FolderLock taker : takers) {
                    runs.add(pool.submit(() -> {
                        start.await(30, TimeUnit.SECONDS);
                        return taker.acquire();
                    }));
                }
                for (Future<FolderLock.Acquired> run : runs) {
                    results.add(run.get(1, TimeUnit.MINUTES));
                }
            } finally {
                pool.shutdownNow();
            }
            List<FolderLock.Acquired.Held> winners = results.stream()
                    .filter(r -> r instanceof FolderLock.Acquired.Held)
                    .map(r -> (FolderLock.Acquired.Held) r)
                    .toList();
            assertThat(winners).hasSize(1);
            assertThat(winners.getFirst().tookOver()).isTrue();
            // The holder that died comes back and lets go: it learns it had lost the lock.
            assertThat(dead.release(deadHeld)).isFalse();
            assertThat(lock(store, "third").acquire()).isInstanceOf(FolderLock.Acquired.Busy.class);
        }
    }

    @Test
    void aFreshHolderIsNotTakenOverWhateverTheTwinsClocksSay() throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        lock(store, "case").acquire();
        clock.advance(Duration.ofHours(5)); // tars's clock is far ahead: only the store's clock counts
        assertThat(lock(store, "tars").acquire()).isInstanceOf(FolderLock.Acquired.Busy.class);
    }

    @Test
    void thisTwinsOwnLockFromAProcessThatEndedIsTakenOverAtOnce() throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        FileStateStore state = new FileStateStore(store, "twin-primary.json");
        long slot = Math.floorDiv(state.shareClockNow().orElseThrow().toEpochMilli(), FolderLock.LEASE.toMillis());
        // A pid that is not running: the sync that took it was killed.
        assertThat(state.createClaim(new Claim(
                        "sync-lock:knowledge:" + slot + ":1",
                        "tars",
                        "sync knowledge by pid 2147483646 started 2026-11-29T09:00:00Z",
                        clock.instant(),
                        1)))
                .isTrue();
        assertThat(lock(store, "case").acquire()).isInstanceOf(FolderLock.Acquired.Busy.class);
        FolderLock.Acquired mine = lock(store, "tars").acquire();
        assertThat(mine).isInstanceOf(FolderLock.Acquired.Held.class);
        assertThat(((FolderLock.Acquired.Held) mine).tookOver()).isTrue();
    }
}
