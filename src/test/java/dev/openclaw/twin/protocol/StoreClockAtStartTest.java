package dev.openclaw.twin.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.coordination.FlockView;
import dev.openclaw.twin.coordination.Overrides;
import dev.openclaw.twin.coordination.Rotation;
import dev.openclaw.twin.state.FileStateStore;
import dev.openclaw.twin.state.StateStore;
import dev.openclaw.twin.testing.MutableClock;
import dev.openclaw.twin.testing.TestConfigs;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daemon measures the store's clock at start, so its first decide of a message without a global
 * id does not write a probe into the store (a restarted daemon's first decides must be as fast as
 * any). A real file store, with the calls it receives recorded.
 */
class StoreClockAtStartTest {

    @TempDir
    Path state;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final List<String> calls = new CopyOnWriteArrayList<>();

    @Test
    void theClockMeasuredAtStartIsNotMeasuredAgainByTheFirstDecide() {
        ClaimCoordinator tars = coordinator();
        tars.measureStoreClock();
        assertThat(calls).containsExactly("storeNow");

        DecideAnswer answer = tars.decide(irc("local:tars:1", "what is 7 squared?"));

        assertThat(answer.respond()).isTrue();
        assertThat(calls).containsOnlyOnce("storeNow").contains("createClaim");
    }

    @Test
    void withoutTheStoreAtStartTheFirstDecideThatNeedsItMeasuresIt() throws Exception {
        ClaimCoordinator tars = coordinator();
        Path away = Files.move(state, state.resolveSibling(state.getFileName() + "-away"));
        tars.measureStoreClock(); // the share is not mounted yet: nothing measured, nothing thrown
        Files.move(away, state);
        calls.clear();

        tars.decide(irc("local:tars:1", "what is 7 squared?"));

        assertThat(calls).containsOnlyOnce("storeNow");
    }

    private ClaimCoordinator coordinator() {
        TwinsConfig config = TestConfigs.parse("""
                twins:
                  tars: {hostname: a}
                  case: {hostname: b}
                shared_storage: {type: local, path: %s}
                coordination: {rotation: daily, odd_primary: tars, even_primary: case, timezone: UTC}
                """.formatted(state));
        Rotation rotation = new Rotation(config.coordination());
        return new ClaimCoordinator(
                config,
                "tars",
                recorded(new FileStateStore(state, "twin-primary.json")),
                clock,
                nanos::get,
                () -> new FlockView(
                        rotation.rolesOn(rotation.dateAt(clock.instant()), Overrides.NONE),
                        Overrides.NONE,
                        false,
                        Set.of()),
                takeover -> true,
                Runnable::run,
                ProtocolMetrics.NONE,
                "tars-run",
                HolderRuns.NONE,
                new PeerAgreement(nanos::get, Duration.ofSeconds(3)),
                PeerPromises.NONE);
    }

    /** {@code store}, each call it answers (or fails) recorded by name. */
    private StateStore recorded(StateStore store) {
        return (StateStore) Proxy.newProxyInstance(
                StateStore.class.getClassLoader(), new Class<?>[] {StateStore.class}, (proxy, method, args) -> {
                    calls.add(method.getName());
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static DecideRequest irc(String localId, String text) {
        return new DecideRequest(
                "irc", "#flock", localId, "human!~h@127.0.0.1", text, null, "agent:main:irc:group:#flock", null);
    }
}
