package dev.openclaw.twin.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A flock of real {@code twin daemon} processes on this machine, over one temporary shared
 * directory: started, killed (SIGKILL), paused (SIGSTOP/SIGCONT) and restarted like the real
 * thing. Each daemon runs in its own JVM, started with the Java and class path of this one
 * (or another build's, see {@link #classPath}). With a {@link CloudFolder}, there is no shared
 * directory: each twin has its own copy of a cloud-synced folder ({@code type: cloud}), synced both
 * ways by {@link CloudFolderSync} with a lag of seconds.
 */
public final class LocalFlock implements AutoCloseable {

    private static final JsonMapper JSON = new JsonMapper();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LocalFlock.class);

    /** Timings of the flock; short, so that faults show within seconds. */
    public record Timings(Duration heartbeat, int offlineAfterSeconds, Duration takeoverDelay) {
        public static final Timings DEMO = new Timings(Duration.ofMillis(300), 2, Duration.ofSeconds(1));
    }

    /**
     * Each twin its own copy of the folder, synced with the service's copy every {@code interval}
     * (a change reaches the others within two intervals and a round's copying); {@code syncLag} is
     * what the config says of it ({@code shared_storage.sync_lag}).
     */
    public record CloudFolder(Duration interval, Duration syncLag) {
        public static final CloudFolder DEMO = new CloudFolder(Duration.ofMillis(1000), Duration.ofSeconds(3));
    }

    private final Path dir;
    private final java.util.Optional<CloudFolder> cloud;
    private final Path state;
    private final Path config;
    private final List<String> twins;
    private final Map<String, Integer> daemonPorts = new LinkedHashMap<>();
    private final Map<String, Duration> clockSkews;
    private final Map<String, Process> processes = new ConcurrentHashMap<>();
    private final Map<String, String> classPaths = new ConcurrentHashMap<>();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    private volatile History history;
    /** The twins whose mount point now leads to a read-only bind mount of the share. */
    private final java.util.Set<String> readOnly = ConcurrentHashMap.newKeySet();
    /** Why read-only bind mounts cannot be made here (null: they can), once probed. */
    private volatile Optional<String> bindMountsRefused;

    private volatile Duration claimRetention;
    /** Where daemons' class-data archives are kept (none: daemons start without one). */
    private volatile Optional<Path> classArchives = Optional.empty();
    /** Present on a cloud folder: the service syncing the twins' copies. */
    private final java.util.Optional<CloudFolderSync> cloudSync;

    /**
     * @param gatewayPorts where each twin's (simulated) gateway answers {@code /readyz}
     * @param takeoverUrl where daemons POST takeovers
     * @param clockSkews twins whose wall clock is wrong, and by how much
     */
    public LocalFlock(
            Path dir,
            List<String> twins,
            Timings timings,
            Map<String, Integer> gatewayPorts,
            URI takeoverUrl,
            Map<String, Duration> clockSkews)
            throws IOException {
        this(dir, twins, timings, gatewayPorts, "{type: webhook, url: \"" + takeoverUrl + "\"}", clockSkews);
    }

    /**
     * @param takeoverDispatch the {@code coordination.takeover_dispatch} value, as a YAML flow mapping
     */
    public LocalFlock(
            Path dir,
            List<String> twins,
            Timings timings,
            Map<String, Integer> gatewayPorts,
            String takeoverDispatch,
            Map<String, Duration> clockSkews)
            throws IOException {
        this(dir, twins, timings, gatewayPorts, takeoverDispatch, clockSkews, java.util.Optional.empty());
    }

    /** @param cloud a cloud-synced folder instead of one shared directory */
    public LocalFlock(
            Path dir,
            List<String> twins,
            Timings timings,
            Map<String, Integer> gatewayPorts,
            URI takeoverUrl,
            Map<String, Duration> clockSkews,
            java.util.Optional<CloudFolder> cloud)
            throws IOException {
        this(dir, twins, timings, gatewayPorts, "{type: webhook, url: \"" + takeoverUrl + "\"}", clockSkews, cloud);
    }

    private LocalFlock(
            Path dir,
            List<String> twins,
            Timings timings,
            Map<String, Integer> gatewayPorts,
            String takeoverDispatch,
            Map<String, Duration> clockSkews,
            java.util.Optional<CloudFolder> cloud)
            throws IOException {
        this.dir = dir;
        this.cloud = cloud;
        this.twins = List.copyOf(twins);
        this.clockSkews = Map.copyOf(clockSkews);
        this.state = Files.createDirectories(dir.resolve(cloud.isPresent() ? "cloud-service" : "shared"));
        List<Integer> ports = freePorts(twins.size());
        for (int i = 0; i < twins.size(); i++) {
            daemonPorts.put(twins.get(i), ports.get(i));
        }
        this.config = dir.resolve("twins.yaml");
        Files.writeString(config, yaml(timings, gatewayPorts, takeoverDispatch, state));
        // Each daemon reaches the share through its own mount point (a symlink), as twins on separate
        // machines do: one twin's mount can be lost while the others keep theirs. On a cloud folder,
        // its own copy of the folder instead.
        for (String twin : twins) {
            if (cloud.isPresent()) {
                Files.createDirectories(mountPoint(twin));
            } else {
                Files.createSymbolicLink(mountPoint(twin), state);
            }
            Files.writeString(twinConfig(twin), yaml(timings, gatewayPorts, takeoverDispatch, mountPoint(twin)));
        }
        this.cloudSync = cloud.map(c ->
                new CloudFolderSync(state, twins.stream().map(this::mountPoint).toList(), c.interval()));
        cloudSync.ifPresent(CloudFolderSync::start);
    }

    /** Where {@code twin}'s daemon reaches the share (or, on a cloud folder, its own copy). */
    Path mountPoint(String twin) {
        return dir.resolve((cloud.isPresent() ? "folder-" : "mount-") + twin);
    }

    private Path unmounted(String twin) {
        return dir.resolve("folder-" + twin + "-unavailable");
    }

    /** Whether the twins have their own copies of a cloud-synced folder. */
    public boolean cloudFolder() {
        return cloud.isPresent();
    }

    private Path twinConfig(String twin) {
        return dir.resolve("twins-" + twin + ".yaml");
    }

    /**
     * {@code twin}'s mount of the share goes away (the others keep theirs) until {@link #remount};
     * on a cloud folder, its copy of the folder (moved aside, as a service that evicts it does).
     */
    public void unmount(String twin) throws IOException {
        if (cloud.isPresent()) {
            Files.move(mountPoint(twin), unmounted(twin));
        } else {
            Files.delete(mountPoint(twin));
        }
    }

    public void remount(String twin) throws IOException {
        if (cloud.isPresent()) {
            Files.move(unmounted(twin), mountPoint(twin));
        } else {
            Files.createSymbolicLink(mountPoint(twin), state);
        }
    }

    /**
     * Why this machine cannot make read-only bind mounts (not root, no {@code mount}, a container
     * without the capability), or empty if it can. Probed once, on a scratch directory.
     */
    public synchronized Optional<String> readOnlyMountsRefused() {
        if (cloud.isPresent()) {
            return Optional.of("each twin has its own copy of a cloud folder, not a mount of one share");
        }
        if (bindMountsRefused == null) {
            Path source = dir.resolve("probe-source");
            Path target = dir.resolve("probe-target");
            try {
                Files.createDirectories(source);
                Files.createDirectories(target);
                bindReadOnly(source, target);
                unbind(target);
                bindMountsRefused = Optional.empty();
            } catch (IOException e) {
                bindMountsRefused = Optional.of(e.getMessage());
            } finally {
                try {
                    Files.deleteIfExists(target);
                    Files.deleteIfExists(source);
                } catch (IOException e) {
                    // left in the flock's directory, deleted with it
                }
            }
        }
        return bindMountsRefused;
    }

    /**
     * {@code twin}'s mount point leads to a read-only bind mount of the share until {@link
     * #shareWritable}: it reads everything and can write nothing (EROFS), the others keep writing. The
     * mount point is switched by renaming a symlink over it, atomically: replacing it by an empty
     * directory and then mounting would show the daemon, for a moment, an empty writable store.
     */
    public synchronized void shareReadOnly(String twin) throws IOException {
        if (readOnly.contains(twin)) {
            return;
        }
        Path target = readOnlyMount(twin);
        Files.createDirectories(target);
        bindReadOnly(state, target);
        readOnly.add(twin);
        pointMountAt(twin, target);
    }

    /** Undoes {@link #shareReadOnly}: the mount point leads to the share again, and the bind mount goes. */
    public synchronized void shareWritable(String twin) throws IOException {
        if (!readOnly.contains(twin)) {
            return;
        }
        pointMountAt(twin, state);
        unbind(readOnlyMount(twin));
        readOnly.remove(twin);
        Files.deleteIfExists(readOnlyMount(twin));
    }

    private Path readOnlyMount(String twin) {
        return dir.resolve("read-only-" + twin);
    }

    private void pointMountAt(String twin, Path target) throws IOException {
        Path next = dir.resolve("mount-" + twin + ".next");
        Files.deleteIfExists(next);
        Files.createSymbolicLink(next, target);
        Files.move(next, mountPoint(twin), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** A read-only bind mount of {@code source} on {@code target}: bind, then remount read-only. */
    private static void bindReadOnly(Path source, Path target) throws IOException {
        mount(List.of("mount", "--bind", source.toString(), target.toString()));
        try {
            mount(List.of("mount", "-o", "remount,ro,bind", target.toString()));
        } catch (IOException e) {
            unbind(target);
            throw e;
        }
    }

    /** Unmounts {@code target}; lazily if a process still has a file open in it. */
    private static void unbind(Path target) throws IOException {
        try {
            mount(List.of("umount", target.toString()));
        } catch (IOException busy) {
            mount(List.of("umount", "-l", target.toString()));
        }
    }

    private static final Duration MOUNT_TIMEOUT = Duration.ofSeconds(10);

    /** Runs {@code mount}/{@code umount} with an argument vector (never a shell string), bounded. */
    private static void mount(List<String> command) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException(command.getFirst() + " cannot run: " + e.getMessage(), e);
        }
        try {
            if (!p.waitFor(MOUNT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish within " + MOUNT_TIMEOUT);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(String.join(" ", command) + " interrupted", e);
        }
        if (p.exitValue() != 0) {
            String output =
                    new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
            throw new IOException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): "
                    + output.substring(0, Math.min(200, output.length())));
        }
    }

    /**
     * Daemons started from now on (on this build) delete claims older than {@code retention}, and
     * prune that often: a test hook (the hidden {@code --claim-retention} daemon option), so that a
     * run of seconds sees claims pruned under repeated texts.
     */
    public void claimRetention(Duration retention) {
        this.claimRetention = retention;
    }

    private String yaml(Timings timings, Map<String, Integer> gatewayPorts, String takeoverDispatch, Path share) {
        StringBuilder y = new StringBuilder("twins:\n");
        for (String twin : twins) {
            y.append("  ")
                    .append(twin)
                    .append(":\n")
                    .append("    hostname: 127.0.0.1\n")
                    .append("    gateway_url: http://127.0.0.1:")
                    .append(gatewayPorts.get(twin))
                    .append('\n')
                    .append("    daemon_url: http://127.0.0.1:")
                    .append(daemonPorts.get(twin))
                    .append('\n');
        }
        if (cloud.isPresent()) {
            y.append("shared_storage: {type: cloud, path: \"")
                    .append(share)
                    .append("\", sync_lag: ")
                    .append(cloud.get().syncLag().toMillis())
                    .append("ms}\n");
        } else {
            y.append("shared_storage: {type: local, path: \"").append(share).append("\"}\n");
        }
        y.append("coordination:\n");
        if (twins.size() == 2) {
            y.append("  rotation: daily\n  odd_primary: ")
                    .append(twins.get(0))
                    .append("\n  even_primary: ")
                    .append(twins.get(1))
                    .append('\n');
        } else {
            y.append("  rotation: round-robin\n  order: [")
                    .append(String.join(", ", twins))
                    .append("]\n");
        }
        y.append("  timezone: UTC\n")
                .append("  offline_after_seconds: ")
                .append(timings.offlineAfterSeconds())
                .append('\n')
                .append("  takeover_delay_seconds: ")
                .append(timings.takeoverDelay().toMillis() / 1000.0)
                .append('\n')
                .append("  takeover_dispatch: ")
                .append(takeoverDispatch)
                .append('\n')
                .append("monitoring: {heartbeat_interval: ")
                .append(timings.heartbeat().toMillis())
                .append("ms}\n");
        return y.toString();
    }

    public List<String> twins() {
        return twins;
    }

    public Path config() {
        return config;
    }

    public Path stateDir() {
        return state;
    }

    public int daemonPort(String twin) {
        return daemonPorts.get(twin);
    }

    /**
     * Runs {@code twin} (from its next start on) from another build, e.g. the previous release, to
     * test a flock in the middle of an upgrade.
     */
    public void classPath(String twin, String classPath) {
        if (!twins.contains(twin)) {
            throw new IllegalArgumentException("no twin " + twin + " in this flock");
        }
        classPaths.put(twin, classPath);
    }

    /** Records every start of a daemon from now on in {@code history} (a decide's daemon may be starting). */
    public void recordStartsIn(History history) {
        this.history = history;
    }

    /**
     * Daemons start from a class-data archive kept in {@code directory} (see {@link
     * DaemonClassArchive}), made by {@link #startAll} with a training run if there is none yet for
     * this Java and class path. Without this, daemons load every class afresh, as before.
     */
    public void classArchivesIn(Path directory) {
        this.classArchives = Optional.of(directory);
    }

    public void startAll() throws IOException {
        trainClassArchive();
        for (String twin : twins) {
            start(twin);
        }
    }

    /** The archive a daemon of {@code twin} starts from, if it may run from one. */
    private Optional<DaemonClassArchive> classArchive(String twin) {
        String classPath = classPaths.getOrDefault(twin, System.getProperty("java.class.path"));
        return classArchives
                .filter(d -> DaemonClassArchive.archivable(classPath))
                .map(d -> DaemonClassArchive.in(d, javaCommand(), classPath));
    }

    /**
     * Makes the class-data archive if there is none: the first twin's daemon runs until it sees
     * itself online and stops (SIGTERM), writing the classes it loaded. A failed training leaves
     * none, and daemons start without one. Its "stopped" heartbeat stays in the store, as a daemon
     * stopped before the flock started would leave it.
     */
    private void trainClassArchive() throws IOException {
        String first = twins.getFirst();
        Optional<DaemonClassArchive> archive = classArchive(first).filter(a -> !a.trained());
        if (archive.isEmpty()) {
            return;
        }
        List<String> training;
        try {
            training = archive.get().trainingOptions();
        } catch (IOException e) {
            LOG.info("no class-data archive for the daemons ({}); they start without one", e.getMessage());
            return;
        }
        start(first, training);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (running(first) && System.nanoTime() < deadline && !seesItselfOnline(first)) {
            java.util.concurrent.locks.LockSupport.parkNanos(
                    Duration.ofMillis(100).toNanos()); // polling a process
        }
        touchRequestPath(first);
        try {
            stop(first);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!archive.get().install()) {
            LOG.info("no class-data archive was made for the daemons; they start without one");
        }
    }

    /**
     * A decide the daemon refuses (no fields): the classes of reading, guarding and answering a
     * request go into the archive too, and nothing reaches the message ledger or the store.
     */
    private void touchRequestPath(String twin) {
        try {
            http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + daemonPorts.get(twin) + "/v1/decide"))
                            .timeout(Duration.ofSeconds(2))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{}"))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            // the archive is made of what was loaded anyway
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean seesItselfOnline(String twin) {
        JsonNode status = status(twin);
        if (status == null || !status.has("twins")) {
            return false;
        }
        for (JsonNode t : status.get("twins")) {
            if (t.path("name").asString("").equals(twin)) {
                return t.path("state").asString("").equals("online");
            }
        }
        return false;
    }

    private static String javaCommand() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    public void start(String twin) throws IOException {
        start(
                twin,
                classArchive(twin)
                        .filter(DaemonClassArchive::trained)
                        .map(DaemonClassArchive::jvmOptions)
                        .orElse(List.of()));
    }

    private void start(String twin, List<String> archiveOptions) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                javaCommand(),
                // As ./twin runs a daemon: a small, bounded footprint.
                "-Xms24m",
                "-Xmx64m",
                "-XX:ReservedCodeCacheSize=24m",
                "-XX:MaxMetaspaceSize=64m",
                "-Xss512k",
                "-Xmn16m",
                "-XX:MinHeapFreeRatio=10",
                "-XX:MaxHeapFreeRatio=30",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1"));
        command.addAll(archiveOptions);
        command.addAll(List.of(
                "-cp",
                classPaths.getOrDefault(twin, System.getProperty("java.class.path")),
                "dev.openclaw.twin.cli.Main",
                "daemon",
                "--config",
                twinConfig(twin).toString(),
                "--twin",
                twin,
                "--port",
                Integer.toString(daemonPorts.get(twin))));
        Duration skew = clockSkews.get(twin);
        if (skew != null) {
            command.addAll(List.of("--clock-skew", skew.toString()));
        }
        Duration retention = claimRetention;
        if (retention != null && !classPaths.containsKey(twin)) {
            command.addAll(List.of("--claim-retention", retention.toString()));
        }
        ProcessBuilder daemon = new ProcessBuilder(command);
        // As ./twin runs a daemon: two malloc arenas, not one per core-busy thread (each one's pages
        // count in RSS; several MB under HttpRobustnessIT's flood, where the 128 MB bound is close).
        daemon.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
        Process process = daemon.redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve(twin + ".log").toFile()))
                .start();
        processes.put(twin, process);
        History h = history;
        if (h != null) {
            h.started(new History.Start(twin, System.nanoTime()));
        }
    }

    /** SIGTERM: the daemon stops cleanly (a "stopped" heartbeat), as a service manager stops it. */
    public void stop(String twin) throws InterruptedException {
        Process p = processes.remove(twin);
        if (p != null) {
            signal(p, "CONT");
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** SIGKILL: the process dies at once, leaving its last heartbeat "running". */
    public void kill(String twin) throws InterruptedException {
        Process p = processes.remove(twin);
        if (p != null) {
            signal(p, "CONT");
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** SIGSTOP: the process freezes mid-work (what a swapping or suspended host looks like). */
    public void pause(String twin) {
        Process p = processes.get(twin);
        if (p != null) {
            signal(p, "STOP");
        }
    }

    public void resume(String twin) {
        Process p = processes.get(twin);
        if (p != null) {
            signal(p, "CONT");
        }
    }

    public boolean running(String twin) {
        Process p = processes.get(twin);
        return p != null && p.isAlive();
    }

    private static void signal(Process process, String signal) {
        try {
            // An argument vector, never a shell string.
            new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                    .redirectErrorStream(true)
                    .start()
                    .waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The share goes away (unmounted) until {@link #restoreStore()}; on a cloud folder, every twin's copy. */
    public void removeStore() throws IOException {
        if (cloud.isPresent()) {
            for (String twin : twins) {
                unmount(twin);
            }
        } else {
            Files.move(state, dir.resolve("shared-unmounted"));
        }
    }

    public void restoreStore() throws IOException {
        if (cloud.isPresent()) {
            for (String twin : twins) {
                remount(twin);
            }
        } else {
            Files.move(dir.resolve("shared-unmounted"), state);
        }
    }

    /** Puts back every mount or copy a fault took away (before the directory is deleted). */
    public void restoreAll() throws IOException {
        if (Files.exists(dir.resolve("shared-unmounted"))) {
            Files.move(dir.resolve("shared-unmounted"), state);
        }
        for (String twin : twins) {
            if (cloud.isPresent() && Files.exists(unmounted(twin))) {
                Files.move(unmounted(twin), mountPoint(twin));
            } else if (cloud.isEmpty() && !Files.exists(mountPoint(twin), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(mountPoint(twin), state);
            }
        }
    }

    /** {@code GET /v1/status} of a twin's daemon, or null if it does not answer. */
    public JsonNode status(String twin) {
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + daemonPorts.get(twin) + "/v1/status"))
                            .timeout(Duration.ofSeconds(1))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * Whether every running daemon sees every running twin online; on a cloud folder, also whether
     * a running twin arbitrates claims ({@code /healthz} says so), since until one does nobody can claim.
     */
    public boolean allOnline() {
        return everyoneSeesEveryoneOnline() && (cloud.isEmpty() || arbitrating());
    }

    private boolean arbitrating() {
        for (String twin : twins) {
            if (!running(twin)) {
                continue;
            }
            try {
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + daemonPorts.get(twin) + "/healthz"))
                                .timeout(Duration.ofSeconds(1))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                JsonNode body = r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
                if (body != null && body.path("arbitrating").asBoolean(false)) {
                    return true;
                }
            } catch (IOException e) {
                // not answering: not arbitrating
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private boolean everyoneSeesEveryoneOnline() {
        for (String viewer : twins) {
            if (!running(viewer)) {
                continue;
            }
            JsonNode status = status(viewer);
            if (status == null) {
                return false;
            }
            for (JsonNode t : status.get("twins")) {
                if (running(t.get("name").asString())
                        && !t.get("state").asString().equals("online")) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * {@code count} distinct free ports. The sockets stay open until all are chosen: closed one at a
     * time, the kernel may hand the same ephemeral port out twice.
     */
    public static List<Integer> freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0));
            }
            return sockets.stream().map(ServerSocket::getLocalPort).toList();
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }

    /** Kills every daemon, then takes down every bind mount this flock made (none is left behind). */
    @Override
    public void close() {
        cloudSync.ifPresent(CloudFolderSync::close);
        for (String twin : List.copyOf(processes.keySet())) {
            try {
                kill(twin);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (String twin : List.copyOf(readOnly)) {
            try {
                shareWritable(twin);
            } catch (IOException e) {
                LOG.warn("could not unmount {}: {}", readOnlyMount(twin), e.getMessage());
            }
        }
        http.close();
    }
}
