package dev.openclaw.twin.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.openclaw.twin.demo.LocalFlock;
import dev.openclaw.twin.files.Sha256;
import dev.openclaw.twin.testing.HttpReceiver;
import dev.openclaw.twin.testing.TwinLauncher;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A hostile share under two real daemon processes: a fuzzer writes random, truncated, oversized,
 * wrong-typed, linked (into a canary directory outside the share), directory-instead-of-file and
 * unknown files into every place of the layout, while routine messages are decided and confirmed as
 * the plugin does. Asserted: the canary is unchanged (content, times, listing), both heartbeats keep
 * beating, every message is sent exactly once. {@code -Dtwin.fuzz.seconds=N} (default 20) and
 * {@code -Dtwin.fuzz.seed=S} (printed at the start) repeat or lengthen a run; {@code
 * -Dtwin.fuzz.sync=false} leaves sync (its config and its part of the layout) out, to tell its
 * findings from the rest.
 */
class HostileShareIT {

    private static final JsonMapper JSON = new JsonMapper();
    private static final List<String> TWINS = List.of("tars", "case");
    private static final boolean SYNC = !"false".equals(System.getProperty("twin.fuzz.sync"));
    private static final FileTime OLD = FileTime.from(Instant.now().minus(Duration.ofDays(3)));

    @TempDir
    Path dir;

    private Path share;
    private Path canary;
    private final Map<String, Process> daemons = new LinkedHashMap<>();
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    @AfterEach
    void stop() throws IOException {
        daemons.values().forEach(Process::destroyForcibly);
        Path logs = Files.createDirectories(TwinLauncher.REPO.resolve("target/failsafe-reports/daemon-logs"));
        for (String twin : daemons.keySet()) {
            Path log = dir.resolve(twin + ".log");
            if (Files.exists(log)) {
                Files.copy(log, logs.resolve("HostileShareIT-" + twin + ".log"), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        http.close();
    }

    @Test
    void twoDaemonsOverAHostileShareTouchNothingOutsideKeepBeatingAndAnswerOnce() throws Exception {
        long seed = Long.getLong("twin.fuzz.seed", System.nanoTime());
        Duration fuzzFor = Duration.ofSeconds(Long.getLong("twin.fuzz.seconds", 20));
        System.out.println("HostileShareIT seed " + seed + " (-Dtwin.fuzz.seed=" + seed + "), " + fuzzFor);

        share = Files.createDirectories(dir.resolve("shared"));
        canary = Files.createDirectories(dir.resolve("canary"));
        plantCanary();
        try (HttpReceiver gateway = new HttpReceiver()) {
            writeConfigAndWorkspaces(gateway);
            boolean atimeWorks = readsUpdateAccessTime();
            Map<String, String> before = fingerprint(canary, atimeWorks);

            for (String twin : TWINS) {
                start(twin);
            }
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(300))
                    .until(() -> TWINS.stream().allMatch(t -> seq(t) > 0 && healthy(t)));

            Fuzzer fuzzer = new Fuzzer(new Random(seed));
            Thread fuzzing = Thread.ofPlatform().name("share-fuzzer").start(() -> fuzzer.run(fuzzFor));
            Map<String, Long> firstSeq = seqs();
            Messages messages = new Messages(gateway);
            Instant end = Instant.now().plus(fuzzFor);
            List<Map<String, Long>> beats = new ArrayList<>(List.of(firstSeq));
            int n = 0;
            Instant nextSample = Instant.now().plusSeconds(2);
            while (Instant.now().isBefore(end)) {
                messages.send("m-" + n++);
                if (Instant.now().isAfter(nextSample)) {
                    // Every 2 s: several heartbeats (300 ms) apart, so a frozen seq shows.
                    beats.add(seqs());
                    nextSample = Instant.now().plusSeconds(2);
                }
            }
            fuzzing.join();
            beats.add(seqs());
            messages.settle();
            System.out.println("HostileShareIT: " + fuzzer.done.get() + " hostile writes, " + n + " messages, seq "
                    + firstSeq + " -> " + beats.getLast());

            // Every heartbeat sample moved on from the one before: no beat stalled for long.
            for (int i = 1; i < beats.size(); i++) {
                for (String twin : TWINS) {
                    assertThat(beats.get(i).get(twin))
                            .as("%s's seq at sample %d of %d (seed %d)", twin, i, beats.size(), seed)
                            .isGreaterThan(beats.get(i - 1).get(twin));
                }
            }
            assertThat(messages.sent).as("sends per message (seed %d)", seed).hasSize(n);
            assertThat(messages.sent.entrySet().stream()
                            .filter(e -> e.getValue().get() != 1)
                            .map(Map.Entry::getKey))
                    .as("messages not sent exactly once (seed %d)", seed)
                    .isEmpty();

            for (Process p : daemons.values()) {
                p.destroy();
                p.waitFor(20, TimeUnit.SECONDS);
            }
            assertThat(fingerprint(canary, atimeWorks))
                    .as("the canary outside the share (seed %d)", seed)
                    .isEqualTo(before);
        }
    }

    // ---- the flock ----------------------------------------------------------------------------

    private void writeConfigAndWorkspaces(HttpReceiver gateway) throws IOException {
        List<Integer> free = LocalFlock.freePorts(TWINS.size());
        StringBuilder yaml = new StringBuilder("twins:\n");
        for (int i = 0; i < TWINS.size(); i++) {
            String twin = TWINS.get(i);
            ports.put(twin, free.get(i));
            Path home = Files.createDirectories(dir.resolve(twin + "-home/knowledge"));
            Files.writeString(home.resolve(twin + "-notes.md"), "notes of " + twin);
            yaml.append(
                    "  %s: {hostname: 127.0.0.1, gateway_url: \"%s\", daemon_url: \"http://127.0.0.1:%d\", openclaw_path: \"%s\"}\n"
                            .formatted(twin, gateway.url(""), free.get(i), home.getParent()));
        }
        yaml.append("shared_storage: {type: local, path: \"").append(share).append("\"}\n");
        yaml.append("coordination: {odd_primary: tars, even_primary: case, offline_after_seconds: 4, ")
                .append("takeover_delay_seconds: 2, timezone: UTC, takeover_dispatch: {type: webhook, url: \"")
                .append(gateway.url("/takeover"))
                .append("\"}}\n");
        yaml.append("monitoring: {heartbeat_interval: 300ms}\n");
        if (SYNC) {
            yaml.append("sync: {interval: 2s, folders: [{path: knowledge}]}\n");
        }
        Files.writeString(dir.resolve("twins.yaml"), yaml);
    }

    private void start(String twin) throws IOException {
        List<String> command = List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-Xmx64m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.openclaw.twin.cli.Main",
                "daemon",
                "--config",
                dir.resolve("twins.yaml").toString(),
                "--twin",
                twin,
                "--port",
                Integer.toString(ports.get(twin)));
        daemons.put(
                twin,
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve(twin + ".log").toFile())
                        .start());
    }

    /** A daemon's own heartbeat seq, read from its file (the fuzzer never touches these two). */
    private long seq(String twin) {
        try {
            return JSON.readTree(Files.readString(share.resolve("twin/heartbeats/" + twin + ".json")))
                    .get("seq")
                    .asLong();
        } catch (IOException | RuntimeException e) {
            return -1; // between a rename and the next read
        }
    }

    private Map<String, Long> seqs() {
        Map<String, Long> seqs = new TreeMap<>();
        for (String twin : TWINS) {
            long seq = -1;
            for (int attempt = 0; attempt < 5 && seq < 0; attempt++) {
                seq = seq(twin);
            }
            seqs.put(twin, seq);
        }
        return seqs;
    }

    private boolean healthy(String twin) {
        return post(twin, "GET", "/healthz", null) != null;
    }

    /** One request to a daemon; its JSON answer, or null if it failed. */
    private JsonNode post(String twin, String method, String path, String body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + ports.get(twin) + path))
                    .timeout(Duration.ofSeconds(10));
            request = body == null
                    ? request.GET()
                    : request.header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body));
            HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return answer.statusCode() == 200 ? JSON.readTree(answer.body()) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Routine messages, as the plugin handles them: decide on both twins, confirm where told to answer. */
    private final class Messages {

        final Map<String, AtomicInteger> sent = new ConcurrentHashMap<>();
        private final HttpReceiver gateway;
        private int takeoversSeen;

        Messages(HttpReceiver gateway) {
            this.gateway = gateway;
        }

        void send(String id) throws InterruptedException {
            sent.put(id, new AtomicInteger());
            String decide = """
                    {"channel":"discord","conversationId":"fuzz","messageId":"%s","senderId":"u1",\
                    "text":"a routine question %s","timestamp":"%d"}""".formatted(id, id, System.currentTimeMillis());
            List<Thread> asks = new ArrayList<>();
            for (String twin : TWINS) {
                asks.add(Thread.ofVirtual().start(() -> {
                    JsonNode answer = post(twin, "POST", "/v1/decide", decide);
                    if (answer != null && answer.get("respond").asBoolean()) {
                        confirm(twin, id);
                    }
                }));
            }
            for (Thread ask : asks) {
                ask.join();
            }
            takeovers();
        }

        private void confirm(String twin, String id) {
            JsonNode confirmed = post(
                    twin,
                    "POST",
                    "/v1/confirm",
                    "{\"channel\":\"discord\",\"conversationId\":\"fuzz\",\"messageId\":\"" + id + "\"}");
            if (confirmed != null && confirmed.get("send").asBoolean()) {
                sent.get(id).incrementAndGet();
            }
        }

        /** A takeover webhook is the plugin's cue to answer on that twin: confirm there. */
        private void takeovers() {
            List<HttpReceiver.Received> all = gateway.received().stream()
                    .filter(r -> r.path().equals("/takeover"))
                    .toList();
            for (HttpReceiver.Received r : all.subList(takeoversSeen, all.size())) {
                JsonNode body = JSON.readTree(r.body());
                confirm(body.get("twin").asString(), body.get("messageId").asString());
            }
            takeoversSeen = all.size();
        }

        /** Lets takeovers of the last messages (due after the takeover delay) arrive. */
        void settle() {
            Instant until = Instant.now().plusSeconds(8);
            await().atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        takeovers();
                        return Instant.now().isAfter(until);
                    });
        }
    }

    // ---- the canary -----------------------------------------------------------------------------

    /** Old files a pruner would delete, files a reader would read, a tree a sync would walk. */
    private void plantCanary() throws IOException {
        Files.writeString(canary.resolve(".bashrc"), "export PATH=/usr/bin\n");
        Files.writeString(canary.resolve("authorized_keys"), "ssh-ed25519 AAAA owner@home\n");
        Files.writeString(canary.resolve(Sha256.hex("victim") + ".json"), "{\"key\":\"victim\"}");
        Files.writeString(canary.resolve("heartbeat.json"), """
                {"twin":"kipp","seq":1,"pid":1,"state":"running"}""");
        Path sub = Files.createDirectories(canary.resolve("knowledge"));
        Files.writeString(sub.resolve("private.md"), "not for the share");
        try (Stream<Path> all = Files.walk(canary)) {
            for (Path p : all.toList()) {
                // Accessed before modified: under relatime, any read moves the access time.
                Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .setTimes(OLD, FileTime.from(OLD.toInstant().minus(Duration.ofDays(1))), null);
            }
        }
    }

    /** Whether this file system records reads (relatime or strictatime), checked on a probe file. */
    private boolean readsUpdateAccessTime() throws IOException {
        Path probe = Files.writeString(dir.resolve("atime-probe"), "x");
        Files.getFileAttributeView(probe, BasicFileAttributeView.class)
                .setTimes(OLD, FileTime.from(OLD.toInstant().minus(Duration.ofDays(1))), null);
        Files.readAllBytes(probe);
        boolean works = !Files.readAttributes(probe, BasicFileAttributes.class)
                .lastAccessTime()
                .equals(FileTime.from(OLD.toInstant().minus(Duration.ofDays(1))));
        System.out.println("HostileShareIT: reads " + (works ? "are" : "are not") + " visible in access times");
        return works;
    }

    /** Each entry's kind, size, sha256, modification and (where reads show) access time. */
    private static Map<String, String> fingerprint(Path root, boolean withAccessTime) throws IOException {
        Map<String, String> prints = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.toList()) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                String atime = withAccessTime ? " atime " + a.lastAccessTime() : "";
                String content = a.isRegularFile() ? " " + Sha256.hex(Files.readAllBytes(p)) : "";
                prints.put(
                        root.relativize(p).toString(),
                        (a.isDirectory() ? "dir" : "file " + a.size()) + content + " mtime " + a.lastModifiedTime()
                                + (a.isDirectory() ? "" : atime));
                if (a.isRegularFile() && withAccessTime) {
                    // Reading it for the hash moved its access time: put it back.
                    Files.getFileAttributeView(p, BasicFileAttributeView.class)
                            .setTimes(null, a.lastAccessTime(), null);
                }
            }
        }
        return prints;
    }

    // ---- the fuzzer ---------------------------------------------------------------------------

    /** Writes hostile entries all over the layout, except the two daemons' own heartbeat files. */
    private final class Fuzzer {

        private final Random random;
        final AtomicInteger done = new AtomicInteger();

        Fuzzer(Random random) {
            this.random = random;
        }

        /** Places: where a file of the layout lives, and what a valid one looks like there. */
        private record Place(String path, String valid) {}

        private List<Place> places() {
            String day = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
            String shard = randomHex(2);
            String hash = shard + randomHex(62);
            return Stream.of(
                            new Place(
                                    "twin-primary.json",
                                    "{\"date\":\"" + day + "\",\"primary\":\"tars\",\"bothRespond\":false}"),
                            new Place("twin/overrides.json", "{\"both\":false,\"by\":\"fuzzer\"}"),
                            new Place(
                                    "twin/heartbeats/kipp.json",
                                    "{\"twin\":\"kipp\",\"seq\":3,\"pid\":1,\"state\":\"running\"}"),
                            new Place("twin/heartbeats/" + randomName() + ".json", "{\"twin\":\"x\",\"seq\":1}"),
                            new Place("twin/heartbeats/" + randomName(), "{}"),
                            new Place(
                                    "twin/claims/" + shard + "/" + hash + ".json",
                                    "{\"key\":\"k\",\"twin\":\"tars\",\"generation\":1}"),
                            new Place(
                                    "twin/claims/" + shard + "/" + hash + ".end1.json",
                                    "{\"kind\":\"sent\",\"twin\":\"tars\"}"),
                            new Place("twin/claims/" + shard + "/" + randomName(), "{}"),
                            new Place("twin/claims/" + randomName(), "{}"),
                            new Place("twin/events/tars/" + day + ".jsonl", "{\"kind\":\"x\"}\n"),
                            new Place("twin/events/case/" + day + ".jsonl", "{\"kind\":\"x\"}\n"),
                            new Place("twin/events/" + randomName() + "/" + day + ".jsonl", "{}\n"),
                            new Place("twin/rescues/tars.json", "{\"twin\":\"tars\",\"at\":\"2026-01-01T00:00:00Z\"}"),
                            new Place("twin/rescues/case.json", "{\"twin\":\"case\",\"at\":\"2026-01-01T00:00:00Z\"}"),
                            new Place("config-backup/tars/" + randomName() + "/manifest.json", "{\"schemaVersion\":1}"),
                            new Place("config-backup/case/" + randomName(), "{}"),
                            new Place("sync/knowledge/index.json", "{\"schemaVersion\":1,\"files\":{}}"),
                            new Place("sync/knowledge/manifests/tars.json", "{\"schemaVersion\":1,\"files\":{}}"),
                            new Place("sync/knowledge/manifests/case.json", "{\"schemaVersion\":1,\"files\":{}}"),
                            new Place("sync/knowledge/files/" + randomName(), "text"),
                            new Place("sync/knowledge/lock", "kipp 2026-01-01T00:00:00Z\n"))
                    .filter(p -> SYNC || !p.path().startsWith("sync/"))
                    .toList();
        }

        /** Directories a link or a file may replace whole: never twin/, twin/heartbeats/ or a shard in use. */
        private List<String> replaceableDirs() {
            return Stream.of(
                            "twin/events/tars",
                            "twin/events/case",
                            "twin/rescues",
                            "config-backup/tars",
                            "config-backup",
                            "sync/knowledge/manifests",
                            "sync/knowledge/files",
                            "twin/claims/z" + randomHex(1))
                    .filter(p -> SYNC || !p.startsWith("sync/"))
                    .toList();
        }

        void run(Duration duration) {
            Instant end = Instant.now().plus(duration);
            while (Instant.now().isBefore(end)) {
                try {
                    once();
                    done.incrementAndGet();
                    if (done.get() % 40 == 0) {
                        clearSome();
                    }
                } catch (IOException e) {
                    // a daemon renamed or deleted what was being planted: try another
                }
                try {
                    Thread.sleep(5); // pacing of the fuzzer itself, not a wait for a condition
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private void once() throws IOException {
            if (random.nextInt(8) == 0) {
                replaceDirectory(
                        replaceableDirs().get(random.nextInt(replaceableDirs().size())));
                return;
            }
            List<Place> places = places();
            Place place = places.get(random.nextInt(places.size()));
            Path target = share.resolve(place.path());
            if (!realDirectoriesUpTo(target)) {
                return; // a link planted earlier is on the way: writing through it would hit the canary
            }
            Files.createDirectories(target.getParent());
            clear(target);
            switch (random.nextInt(8)) {
                case 0 -> write(target, randomBytes(random.nextInt(200)));
                case 1 ->
                    write(
                            target,
                            place.valid()
                                    .substring(0, random.nextInt(place.valid().length()))
                                    .getBytes(StandardCharsets.UTF_8));
                case 2 -> oversized(target);
                case 3 -> write(target, wrongTyped(place.valid()).getBytes(StandardCharsets.UTF_8));
                case 4 -> Files.createSymbolicLink(target, canaryFile());
                case 5 -> Files.createDirectories(target);
                case 6 -> write(target.resolveSibling(unknownName()), randomBytes(32));
                default -> write(target, hostileText(place).getBytes(StandardCharsets.UTF_8));
            }
        }

        /** A whole directory of the layout replaced by a link into the canary, or by a file. */
        private void replaceDirectory(String relative) throws IOException {
            Path target = share.resolve(relative);
            if (!realDirectoriesUpTo(target)) {
                return;
            }
            Files.createDirectories(target.getParent());
            clear(target);
            if (random.nextBoolean()) {
                Files.createSymbolicLink(target, random.nextBoolean() ? canary : canary.resolve("knowledge"));
            } else {
                write(target, randomBytes(16));
            }
        }

        private void oversized(Path target) throws IOException {
            if (random.nextBoolean()) {
                try (RandomAccessFile file = new RandomAccessFile(target.toFile(), "rw")) {
                    file.setLength((long) (1 + random.nextInt(4)) << 30); // sparse gigabytes
                }
            } else {
                write(
                        target,
                        ("{\"host\":\"" + "x".repeat(70_000 + random.nextInt(1 << 20)) + "\"}")
                                .getBytes(StandardCharsets.UTF_8));
            }
        }

        /** The valid document with every value swapped for one of another type. */
        private String wrongTyped(String valid) {
            String[] swaps = {"null", "[]", "{}", "\"7\"", "7", "true", "-1", "1e999", "\"\\u0000\""};
            return valid.replaceAll(":(\"[^\"]*\"|[0-9a-z.-]+|\\{[^}]*\\})", ":" + swaps[random.nextInt(swaps.length)]);
        }

        /** Paths out of the share, control characters, names that are not names. */
        private String hostileText(Place place) {
            return switch (random.nextInt(4)) {
                case 0 ->
                    "{\"schemaVersion\":1,\"files\":{\"../../canary/.bashrc\":{\"sha256\":\"" + randomHex(64)
                            + "\",\"size\":3}}}";
                case 1 -> "{\"twin\":\"../../canary\",\"seq\":1,\"pid\":1,\"state\":\"running\",\"at\":\"x\"}";
                case 2 -> "{\"host\":\"\\u001b]0;pwned\\u0007\",\"by\":\"\\u001b[2J\",\"twin\":\"kipp\"}";
                default -> "{" + "\"a\":[".repeat(2000) + "]".repeat(2000) + "}";
            };
        }

        private Path canaryFile() {
            List<Path> targets = List.of(
                    canary.resolve(".bashrc"),
                    canary.resolve("authorized_keys"),
                    canary.resolve(Sha256.hex("victim") + ".json"),
                    canary.resolve("heartbeat.json"),
                    canary,
                    canary.resolve("knowledge"));
            return targets.get(random.nextInt(targets.size()));
        }

        /** Whether every existing directory between the share and {@code target} is a real one. */
        private boolean realDirectoriesUpTo(Path target) {
            Path p = share;
            for (Path name : share.relativize(target.getParent())) {
                p = p.resolve(name);
                if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    return false;
                }
            }
            return true;
        }

        /** Removes what the fuzzer planted in a few places, so a place can be planted again. */
        private void clearSome() throws IOException {
            for (String relative : replaceableDirs()) {
                Path p = share.resolve(relative);
                if (Files.isSymbolicLink(p) || Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(p);
                }
            }
        }

        /** Deletes {@code path} (a link itself, never its target; a directory with what is in it). */
        private void clear(Path path) throws IOException {
            if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                try (Stream<Path> all = Files.walk(path)) {
                    for (Path p :
                            all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p); // walk does not follow links: a link inside goes, not its target
                    }
                }
            } else {
                Files.deleteIfExists(path);
            }
        }

        private void write(Path target, byte[] bytes) throws IOException {
            if (Files.isSymbolicLink(target)) {
                Files.delete(target);
            }
            Files.write(target, bytes, java.nio.file.StandardOpenOption.CREATE_NEW, LinkOption.NOFOLLOW_LINKS);
            if (random.nextBoolean()) {
                Files.setLastModifiedTime(target, OLD); // old enough to be pruned
            }
        }

        private byte[] randomBytes(int n) {
            byte[] bytes = new byte[n];
            random.nextBytes(bytes);
            return bytes;
        }

        private String randomHex(int n) {
            StringBuilder hex = new StringBuilder();
            for (int i = 0; i < n; i++) {
                hex.append(Character.forDigit(random.nextInt(16), 16));
            }
            return hex.toString();
        }

        private String randomName() {
            String[] names = {
                ".DS_Store",
                "._x",
                "._tars.json",
                "Thumbs.db",
                "x.swp",
                "notes~",
                "..json",
                "kipp",
                "\u001b[2J.json",
                "a b.json",
                randomHex(8)
            };
            return names[random.nextInt(names.length)];
        }

        private String unknownName() {
            String[] names = {".DS_Store", "._" + randomHex(4), "Thumbs.db", "." + randomHex(4) + ".swp", "x~"};
            return names[random.nextInt(names.length)];
        }
    }
}
