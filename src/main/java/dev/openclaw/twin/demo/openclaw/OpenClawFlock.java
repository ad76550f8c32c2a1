package dev.openclaw.twin.demo.openclaw;

import dev.openclaw.twin.demo.LocalFlock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Two real OpenClaw gateways (nicks tars and case) in one IRC channel on a local ngircd, each with
 * our plugin and its own daemon over one shared state directory, both on a mock model that counts
 * calls, and a person in the channel: the whole product on one machine.
 */
public final class OpenClawFlock implements AutoCloseable {

    public static final List<String> TWINS = List.of("tars", "case");
    public static final String CHANNEL = "#flock";

    private final Path dir;
    private final List<AutoCloseable> opened = new ArrayList<>();
    private final List<OpenClawGateway> gateways = new ArrayList<>();
    private NgircdServer irc;
    private MockLlm llm;
    private LocalFlock flock;
    private IrcClient human;

    private OpenClawFlock(Path dir) {
        this.dir = dir;
    }

    /**
     * Starts it all in {@code dir} and waits until both twins are in the channel (a minute or two:
     * each gateway installs its IRC plugin with npm, then starts).
     */
    public static OpenClawFlock start(OpenClawInstall install, Path plugin, Path dir, Consumer<String> progress)
            throws Exception {
        OpenClawFlock started = new OpenClawFlock(dir);
        try {
            started.startAll(install, plugin, progress);
            return started;
        } catch (Exception | Error e) {
            started.close();
            throw e;
        }
    }

    private void startAll(OpenClawInstall install, Path plugin, Consumer<String> progress) throws Exception {
        irc = open(new NgircdServer(dir, LocalFlock.freePorts(1).getFirst(), CHANNEL));
        llm = open(new MockLlm(dir.resolve("llm-requests.log")));
        Random random = new Random();
        int base = 21000 + random.nextInt(80) * 100;
        String hooksToken = "hooks-" + Long.toHexString(random.nextLong());
        for (int i = 0; i < TWINS.size(); i++) {
            gateways.add(open(new OpenClawGateway(
                    install, plugin, TWINS.get(i), dir, FreePortRange.from(base + i * 50), hooksToken)));
        }
        progress.accept("installing the IRC channel plugin into each gateway (npm)");
        CompletableFuture.allOf(gateways.stream()
                        .map(g -> CompletableFuture.runAsync(() -> {
                            try {
                                g.installIrcPlugin();
                            } catch (IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                throw new IllegalStateException(e);
                            }
                        }))
                        .toArray(CompletableFuture[]::new))
                .join();
        flock = open(new LocalFlock(
                dir,
                TWINS,
                new LocalFlock.Timings(Duration.ofMillis(300), 2, Duration.ofSeconds(1)),
                Map.of(
                        TWINS.get(0),
                        gateways.get(0).port(),
                        TWINS.get(1),
                        gateways.get(1).port()),
                "{type: openclaw, hooks_token: \"" + hooksToken + "\"}",
                Map.of()));
        for (OpenClawGateway g : gateways) {
            g.writeConfig(irc.port(), llm.port(), flock.daemonPort(g.twin()));
        }
        progress.accept("starting two daemons and two gateways");
        flock.startAll();
        for (OpenClawGateway g : gateways) {
            g.start();
        }
        waitFor(Duration.ofSeconds(150), () -> gateways.stream().allMatch(OpenClawGateway::ready), "the gateways");
        waitFor(Duration.ofSeconds(30), flock::allOnline, "every twin online");
        human = open(new IrcClient(irc.port(), "human", CHANNEL));
        waitFor(Duration.ofSeconds(60), () -> TWINS.stream().allMatch(human::present), "both twins in " + CHANNEL);
    }

    private <T extends AutoCloseable> T open(T resource) {
        opened.add(resource);
        return resource;
    }

    /** Polls {@code condition} every 200 ms until it holds; fails after {@code limit}. */
    static void waitFor(Duration limit, BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("gave up waiting for " + what + " after " + limit.toSeconds() + " s");
            }
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
        }
    }

    public Path dir() {
        return dir;
    }

    public LocalFlock daemons() {
        return flock;
    }

    public MockLlm model() {
        return llm;
    }

    public IrcClient human() {
        return human;
    }

    public OpenClawGateway gateway(String twin) {
        return gateways.get(TWINS.indexOf(twin));
    }

    /** The twin answering routine messages now, as the first twin's daemon (or the other) sees it. */
    public String actingPrimary() {
        for (String twin : TWINS) {
            var status = flock.status(twin);
            if (status != null && status.hasNonNull("actingPrimary")) {
                return status.get("actingPrimary").asString();
            }
        }
        throw new IllegalStateException("no daemon answers /v1/status");
    }

    public static String other(String twin) {
        return TWINS.get(1 - TWINS.indexOf(twin));
    }

    /** The twin a channel nick belongs to: IRC collision nicks (tars_, tars_2) are the same twin. */
    public static String twinOf(String nick) {
        return nick.replaceAll("[_`]+[0-9]*$", "");
    }

    /** Stops everything, the person first and the IRC server last. */
    @Override
    public void close() {
        for (AutoCloseable resource : opened.reversed()) {
            try {
                resource.close();
            } catch (Exception e) {
                // closing the rest matters more
            }
        }
    }
}
