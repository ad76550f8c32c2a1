package dev.openclaw.twin.daemon;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Every thread a daemon starts, so that closing the daemon ends them all: the scheduler of its
 * periodic tasks, the takeover watcher's own scheduler (so a slow probe or store read cannot delay
 * a takeover), named virtual-thread executors for work that may block (HTTP requests, dispatches,
 * alerts, rescues, pruning, sync) and the HTTP client, which runs on one of them. Each thread is
 * counted while it lives ({@link #running}), so a test can see that {@link #close} left none.
 */
final class DaemonExecutors implements AutoCloseable {

    static final String SCHEDULER = "twin-daemon-scheduler";
    static final String TAKEOVER_WATCHER = "twin-takeover-watcher";
    /** What the HTTP client's own threads (the JDK's selector) are reported as until it has terminated. */
    static final String HTTP_CLIENT = "twin-http-client";

    private final Set<Thread> live = ConcurrentHashMap.newKeySet();
    /** Heartbeat, probes, pruning ticks: tasks that may block on the store or the network. */
    private final ScheduledExecutorService scheduler = scheduler(SCHEDULER, 2);
    /** The takeover watcher alone. */
    private final ScheduledExecutorService takeoverScheduler = scheduler(TAKEOVER_WATCHER, 1);

    private final List<WakeableLoop> takeoverLoops = new CopyOnWriteArrayList<>();
    private final List<ExecutorService> virtual = new CopyOnWriteArrayList<>();
    private final HttpClient client;

    DaemonExecutors() {
        // HTTP/1.1: the JDK's default asks plain-http servers to upgrade to h2c, which OpenClaw's
        // gateway answers with 400.
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .executor(virtual("http"))
                .build();
    }

    /** The daemon's one HTTP client (gateway and peer probes, dispatches, alerts, the arbiter). */
    HttpClient httpClient() {
        return client;
    }

    /** A new executor of virtual threads named {@code twin-<job>-<n>}, shut down by {@link #close}. */
    ExecutorService virtual(String job) {
        ExecutorService executor = Executors.newThreadPerTaskExecutor(
                counted(Thread.ofVirtual().name("twin-" + job + "-", 0).factory()));
        virtual.add(executor);
        return executor;
    }

    /** Runs {@code task} every {@code every} after {@code first}, on the scheduler. */
    void everyAtFixedRate(Runnable task, Duration first, Duration every) {
        scheduler.scheduleAtFixedRate(task, first.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs {@code task} {@code every} after the end of its last run, on the scheduler. */
    void everyWithFixedDelay(Runnable task, Duration first, Duration every) {
        scheduler.scheduleWithFixedDelay(task, first.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Runs {@code task} every {@code every} on a virtual thread of {@code job}, one run at a time: a
     * tick that finds the last run still going is skipped, so a long run (a prune of many claims, a
     * big sync) neither holds up a heartbeat on the scheduler nor piles up threads.
     */
    void everyInBackground(String job, Runnable task, Duration first, Duration every) {
        ExecutorService runner = virtual(job);
        AtomicBoolean running = new AtomicBoolean();
        everyWithFixedDelay(
                () -> {
                    if (!running.compareAndSet(false, true)) {
                        return;
                    }
                    try {
                        runner.execute(() -> {
                            try {
                                task.run();
                            } finally {
                                running.set(false);
                            }
                        });
                    } catch (RejectedExecutionException e) {
                        running.set(false); // closing
                    }
                },
                first,
                every);
    }

    /** Runs {@code loop} on the takeover watcher's own thread until {@link #stopSchedulers}. */
    void runTakeoverLoop(WakeableLoop loop) {
        takeoverLoops.add(loop);
        takeoverScheduler.execute(loop);
    }

    /**
     * Ends the periodic tasks and the takeover loop: a run in progress may finish for {@code grace}
     * (an interrupt would abort a heartbeat's write half-way), then it is interrupted.
     */
    void stopSchedulers(Duration grace) {
        takeoverLoops.forEach(WakeableLoop::stop);
        stop(List.of(scheduler, takeoverScheduler), grace);
    }

    /**
     * Ends everything at once: the schedulers (if {@link #stopSchedulers} did not), the HTTP client's
     * exchanges in flight and every virtual thread (dispatches, alerts, rescues in flight are
     * abandoned: their claims are given up by time).
     */
    @Override
    public void close() {
        stopSchedulers(Duration.ZERO);
        client.shutdownNow();
        try {
            client.awaitTermination(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stop(virtual, Duration.ZERO);
    }

    /** The names of this daemon's threads still alive, and the HTTP client if it has not terminated. */
    List<String> running() {
        List<String> running = new ArrayList<>();
        live.stream().filter(Thread::isAlive).map(Thread::getName).sorted().forEach(running::add);
        if (!client.isTerminated()) {
            running.add(HTTP_CLIENT);
        }
        return running;
    }

    /** Threads from {@code factory}, each counted in {@link #live} from its creation to its end. */
    private ThreadFactory counted(ThreadFactory factory) {
        return runnable -> {
            Thread thread = factory.newThread(() -> {
                try {
                    runnable.run();
                } finally {
                    live.remove(Thread.currentThread());
                }
            });
            live.add(thread); // before it starts, so its end always finds it
            return thread;
        };
    }

    private ScheduledExecutorService scheduler(String name, int threads) {
        return Executors.newScheduledThreadPool(
                threads, counted(Thread.ofPlatform().name(name).daemon(true).factory()));
    }

    /** Shuts {@code services} down, letting running tasks finish for {@code grace}, then interrupting them. */
    private static void stop(List<? extends ExecutorService> services, Duration grace) {
        services.forEach(ExecutorService::shutdown);
        try {
            for (ExecutorService service : services) {
                if (!service.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    service.shutdownNow();
                }
            }
            for (ExecutorService service : services) {
                service.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
