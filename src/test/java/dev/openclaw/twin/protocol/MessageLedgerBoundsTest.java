package dev.openclaw.twin.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.coordination.FlockView;
import dev.openclaw.twin.coordination.Overrides;
import dev.openclaw.twin.coordination.Rotation;
import dev.openclaw.twin.state.FileStateStore;
import dev.openclaw.twin.testing.MutableClock;
import dev.openclaw.twin.testing.TestConfigs;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger under floods of decides over the real protocol and a real state directory: text is
 * kept only for watched messages and within the watch budget, entries and counts stay under their
 * caps, and a watched message taken over still hands its whole text to the gateway.
 */
class MessageLedgerBoundsTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    /** Just under the daemon's 64 KB body cap, as in the attack. */
    private static final String BIG = "x".repeat(60_000);

    @TempDir
    Path state;

    private final MutableClock clock = new MutableClock(NOW);
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final List<TakeoverDispatcher.Takeover> dispatched = new CopyOnWriteArrayList<>();
    private TwinsConfig config;

    @BeforeEach
    void config() {
        config = TestConfigs.parse("""
                twins:
                  tars: {hostname: a}
                  case: {hostname: b}
                shared_storage: {type: local, path: %s}
                coordination: {rotation: daily, odd_primary: tars, even_primary: case, order: [tars, case],
                               timezone: UTC, takeover_delay_seconds: 2}
                """.formatted(state));
    }

    /** case, the standby of the day (2026-03-01 is odd: tars is primary); it watches what tars does not claim. */
    private ClaimCoordinator standby() {
        Rotation rotation = new Rotation(config.coordination());
        return new ClaimCoordinator(
                config,
                "case",
                new FileStateStore(state, "twin-primary.json"),
                clock,
                nanos::get,
                () -> new FlockView(
                        rotation.rolesOn(rotation.dateAt(clock.instant()), Overrides.NONE),
                        Overrides.NONE,
                        false,
                        Set.of()),
                dispatched::add,
                Runnable::run,
                ProtocolMetrics.NONE,
                "case-run",
                HolderRuns.NONE,
                new PeerAgreement(nanos::get, Duration.ZERO),
                PeerPromises.NONE);
    }

    private static DecideRequest discord(int i, String text, String timestamp) {
        return new DecideRequest(
                "discord", "chan-1", "m" + i, "human#1", text + " " + i, timestamp, "agent:main:discord:" + i, null);
    }

    @Test
    void watchedMessagesKeepTheirTextWithinTheBudgetAndTheRestKeepNone() {
        ClaimCoordinator casey = standby();
        int n = 400;
        for (int i = 0; i < n; i++) {
            assertThat(casey.decide(discord(i, BIG, null)).respond()).isFalse();
        }
        MessageLedger ledger = casey.ledger();
        assertThat(ledger.size()).isEqualTo(n);
        // 60,000 chars at 2 bytes each: the 4 MB budget holds 34 such messages.
        assertThat(ledger.watchedCount()).isBetween(30, 35);
        assertThat(ledger.bytes()).isLessThanOrEqualTo(MessageLedger.MAX_BYTES);
        for (MessageEntry entry : ledger.entries()) {
            if (entry.watching()) {
                assertThat(entry.request().text()).startsWith(BIG);
            } else {
                assertThat(entry.request().text())
                        .as("text kept only while watched")
                        .isEmpty();
            }
            assertThat(entry.request().localId().messageId()).startsWith("m");
        }

        // The watched ones are taken over after takeover_delay, with the whole text for the gateway.
        nanos.addAndGet(Duration.ofSeconds(3).toNanos());
        clock.advance(Duration.ofSeconds(3));
        casey.tick();
        assertThat(dispatched).hasSize(ledger.watchedCount());
        assertThat(dispatched).allSatisfy(t -> assertThat(t.request().text()).startsWith(BIG));
        // Once sent, nothing is watched any more and the texts are gone.
        for (TakeoverDispatcher.Takeover t : dispatched) {
            assertThat(casey.confirm(t.request().localId(), java.util.Optional.empty()))
                    .isTrue();
        }
        assertThat(ledger.watchedCount()).isZero();
        assertThat(ledger.entries())
                .allSatisfy(e -> assertThat(e.request().text()).isEmpty());
        // A confirm still finds its message by session after the text is gone.
        assertThat(ledger.entries())
                .anySatisfy(e -> assertThat(e.request().sessionKey()).startsWith("agent:main:discord:"));

        // With the budget free again, a new message is watched once more.
        casey.decide(discord(n, BIG, null));
        assertThat(ledger.watchedCount()).isEqualTo(1);
    }

    @Test
    void entriesAndCountsStayUnderTheirCapsForgettingTheOldest() {
        ClaimCoordinator casey = standby();
        // Decides that arrive late (the gateway gave up): no store work, nothing watched, all remembered.
        String late = Long.toString(NOW.minusSeconds(5).toEpochMilli());
        int n = MessageLedger.MAX_ENTRIES + 2_000;
        for (int i = 0; i < n; i++) {
            casey.decide(discord(i, "hello", late));
        }
        MessageLedger ledger = casey.ledger();
        assertThat(ledger.size()).isEqualTo(MessageLedger.MAX_ENTRIES);
        assertThat(ledger.find(discord(n - 1, "", null).localId()))
                .as("the newest")
                .isPresent();
        assertThat(ledger.find(discord(0, "", null).localId())).as("the oldest").isEmpty();
        assertThat(ledger.bytes()).isLessThanOrEqualTo(MessageLedger.MAX_BYTES);

        // Huge ids (64 KB each, all the body allows) are bounded by bytes, not only by count.
        String hugeId = "i".repeat(30_000);
        for (int i = 0; i < 1_000; i++) {
            casey.decide(new DecideRequest("discord", "c", hugeId + i, "s", "t", late, hugeId, null));
        }
        assertThat(ledger.bytes()).isLessThanOrEqualTo(MessageLedger.MAX_BYTES);
        assertThat(ledger.size()).isLessThan(MessageLedger.MAX_ENTRIES);

        // Content counts (IRC repeats) are capped too: the least recently seen go first.
        for (int i = 0; i < MessageLedger.MAX_COUNTS + 5_000; i++) {
            ledger.nextOccurrence("content:irc:#c:" + i, i, counted -> Math.max(counted, 0));
        }
        java.util.regex.Matcher counts =
                java.util.regex.Pattern.compile("counts=(\\d+)").matcher(ledger.usage());
        assertThat(counts.find()).isTrue();
        assertThat(Integer.parseInt(counts.group(1))).isLessThanOrEqualTo(MessageLedger.MAX_COUNTS);
        assertThat(ledger.nextOccurrence("content:irc:#c:" + (MessageLedger.MAX_COUNTS + 4_999), 0, c -> c))
                .as("a recent count is kept")
                .isEqualTo(1);
    }
}
