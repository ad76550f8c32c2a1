package dev.openclaw.twin.state;

import dev.openclaw.twin.coordination.Overrides;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The state as JSON files in one directory on a shared mount (DESIGN §5). Every file is written to
 * a temporary file in the same directory, flushed to disk and renamed over the old one, so readers
 * never see half a file. Missing, empty or corrupt files are reported, never thrown.
 */
public final class FileStateStore implements StateStore {

    /**
     * Lenient on read: a seed's twin-primary.json lacks our extension fields, and a newer version's
     * files may carry fields this one does not know.
     */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private static final String HEARTBEAT_SUFFIX = ".json";

    private final Path root;
    private final String stateFileName;
    private final AtomicLong tempCounter = new AtomicLong();
    /** Whether this share supports hard links; found out on the first claim. */
    private volatile boolean hardLinks = true;

    public FileStateStore(Path root, String stateFileName) {
        this.root = root;
        this.stateFileName = stateFileName;
    }

    Path heartbeatDir() {
        return root.resolve("twin").resolve("heartbeats");
    }

    Path primaryStateFile() {
        return root.resolve(stateFileName);
    }

    Path overridesFile() {
        return root.resolve("twin").resolve("overrides.json");
    }

    @Override
    public boolean looksReachable() {
        return Files.isDirectory(root);
    }

    @Override
    public String describe() {
        return root.toString();
    }

    // ---- heartbeats ---------------------------------------------------------------------------

    @Override
    public void writeHeartbeat(Heartbeat heartbeat) throws StoreUnavailableException {
        writeJson(heartbeatDir().resolve(heartbeat.twin() + HEARTBEAT_SUFFIX), heartbeat);
    }

    @Override
    public Map<String, StoreRead<Heartbeat>> readHeartbeats() throws StoreUnavailableException {
        requireRoot();
        Map<String, StoreRead<Heartbeat>> result = new TreeMap<>();
        Path dir = heartbeatDir();
        if (!Files.isDirectory(dir)) {
            return result;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + HEARTBEAT_SUFFIX)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.startsWith(".")) {
                    continue;
                }
                String twin = name.substring(0, name.length() - HEARTBEAT_SUFFIX.length());
                StoreRead<Heartbeat> read = readJson(file, Heartbeat.class);
                if (read instanceof StoreRead.Present<Heartbeat> p
                        && !twin.equals(p.value().twin())) {
                    read = new StoreRead.Corrupt<>(
                            relative(file) + ": written for twin '" + p.value().twin() + "'");
                }
                result.put(twin, read);
            }
        } catch (IOException e) {
            throw unavailable("cannot list " + dir, e);
        }
        return result;
    }

    @Override
    public Optional<Instant> heartbeatChangedAt(String twin) throws StoreUnavailableException {
        try {
            return Optional.of(Files.getLastModifiedTime(heartbeatDir().resolve(twin + HEARTBEAT_SUFFIX))
                    .toInstant());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw unavailable("cannot read " + relative(heartbeatDir()), e);
        }
    }

    /**
     * Touches a probe file and reads back its modification time: the file server's clock, the same
     * one that stamped the heartbeats, so ages computed from the two ignore every twin's clock.
     */
    @Override
    public Optional<Instant> storeNow() throws StoreUnavailableException {
        requireRoot();
        Path probe =
                root.resolve("twin").resolve(".clock-" + ProcessHandle.current().pid());
        try {
            createBelowRoot(probe.getParent());
            Files.write(probe, new byte[0]);
            Instant now = Files.getLastModifiedTime(probe).toInstant();
            Files.deleteIfExists(probe);
            return Optional.of(now);
        } catch (IOException e) {
            return Optional.empty(); // a read-only store: the caller falls back to its own clock
        }
    }

    // ---- twin-primary.json and overrides ------------------------------------------------------

    @Override
    public StoreRead<PrimaryState> readPrimaryState() throws StoreUnavailableException {
        requireRoot();
        return readJson(primaryStateFile(), PrimaryState.class);
    }

    @Override
    public void writePrimaryState(PrimaryState state) throws StoreUnavailableException {
        writeJson(primaryStateFile(), state);
    }

    @Override
    public StoreRead<Overrides> readOverrides() throws StoreUnavailableException {
        requireRoot();
        return switch (readJson(overridesFile(), OverrideRecord.class)) {
            case StoreRead.Present<OverrideRecord> p ->
                new StoreRead.Present<>(p.value().toOverrides());
            case StoreRead.Absent<OverrideRecord> a -> new StoreRead.Absent<>();
            case StoreRead.Corrupt<OverrideRecord> c -> new StoreRead.Corrupt<>(c.problem());
        };
    }

    @Override
    public void writeOverrides(Overrides overrides) throws StoreUnavailableException {
        writeJson(overridesFile(), OverrideRecord.of(overrides));
    }

    // ---- manual rescues ----------------------------------------------------------------------

    /** {@code twin/rescues/<twin>.json}: {@code {"twin", "at"}}. */
    record ManualRescue(String twin, Instant at) {}

    @Override
    public void recordManualRescue(String twin, Instant at) throws StoreUnavailableException {
        writeJson(root.resolve("twin").resolve("rescues").resolve(twin + ".json"), new ManualRescue(twin, at));
    }

    @Override
    public Optional<Instant> lastManualRescue(String twin) throws StoreUnavailableException {
        requireRoot();
        return switch (readJson(root.resolve("twin").resolve("rescues").resolve(twin + ".json"), ManualRescue.class)) {
            case StoreRead.Present<ManualRescue> p ->
                Optional.ofNullable(p.value().at());
            case StoreRead.Absent<ManualRescue> a -> Optional.empty();
            case StoreRead.Corrupt<ManualRescue> c -> Optional.empty();
        };
    }

    // ---- events -------------------------------------------------------------------------------

    @Override
    public void appendEvent(String twin, Instant at, String kind, Map<String, Object> details)
            throws StoreUnavailableException {
        requireRoot();
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("at", at.toString());
        event.put("twin", twin);
        event.put("kind", kind);
        event.putAll(details);
        Path file = root.resolve("twin")
                .resolve("events")
                .resolve(twin)
                .resolve(LocalDate.ofInstant(at, ZoneOffset.UTC) + ".jsonl");
        byte[] line = (JSON.writeValueAsString(event) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            createBelowRoot(file.getParent());
            // One writer per file and O_APPEND: each line lands whole.
            try (FileChannel channel = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                channel.write(ByteBuffer.wrap(line));
            }
        } catch (IOException e) {
            throw unavailable("cannot append to " + relative(file), e);
        }
    }

    // ---- claims -------------------------------------------------------------------------------
    //
    // twin/claims/<first two hex digits>/<sha256 of key>.json is generation 1 (DESIGN §5 names a
    // <date> folder instead, but a folder chosen by each twin's own date could put two twins'
    // claims for one message in different places around midnight; the hash alone cannot).
    // Later files: <hash>.end1.json (how generation 1 ended), <hash>.gen2.json, <hash>.end2.json...

    @Override
    public boolean createClaim(Claim claim) throws StoreUnavailableException {
        return createExclusive(claimFile(claim.key(), claim.generation()), claim);
    }

    @Override
    public ClaimState readClaim(String key) throws StoreUnavailableException {
        requireRoot();
        ClaimState state = new ClaimState.Unclaimed();
        for (int generation = 1; ; generation++) {
            Claim claim;
            switch (readJson(claimFile(key, generation), Claim.class)) {
                case StoreRead.Absent<Claim> a -> {
                    return state;
                }
                case StoreRead.Corrupt<Claim> c -> {
                    return new ClaimState.Unreadable(generation, c.problem());
                }
                case StoreRead.Present<Claim> p -> claim = p.value();
            }
            switch (readJson(endFile(key, generation), ClaimEnd.class)) {
                case StoreRead.Absent<ClaimEnd> a -> {
                    return new ClaimState.Held(claim);
                }
                case StoreRead.Corrupt<ClaimEnd> c -> {
                    return new ClaimState.Unreadable(generation, c.problem());
                }
                case StoreRead.Present<ClaimEnd> p -> {
                    if (p.value().sent()) {
                        return new ClaimState.Sent(claim, p.value());
                    }
                    state = new ClaimState.Revoked(claim, p.value());
                }
            }
        }
    }

    @Override
    public Optional<Instant> claimStoredAt(String key) throws StoreUnavailableException {
        requireRoot();
        try {
            return Optional.of(Files.getLastModifiedTime(claimFile(key, 1)).toInstant());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw unavailable("cannot read " + relative(claimFile(key, 1)), e);
        }
    }

    @Override
    public ClaimEnd endClaim(String key, int generation, ClaimEnd end) throws StoreUnavailableException {
        Path file = endFile(key, generation);
        if (createExclusive(file, end)) {
            return end;
        }
        return switch (readJson(file, ClaimEnd.class)) {
            case StoreRead.Present<ClaimEnd> p -> p.value();
            case StoreRead.Absent<ClaimEnd> a ->
                throw new StoreUnavailableException(
                        relative(file) + " exists and does not (deleted while in use?)", null);
            case StoreRead.Corrupt<ClaimEnd> c -> throw new StoreUnavailableException(c.problem(), null);
        };
    }

    @Override
    public int pruneClaims(Instant before) throws StoreUnavailableException {
        requireRoot();
        Path claims = root.resolve("twin").resolve("claims");
        if (!Files.isDirectory(claims)) {
            return 0;
        }
        int pruned = 0;
        try (DirectoryStream<Path> shards = Files.newDirectoryStream(claims)) {
            for (Path shard : shards) {
                pruned += pruneShard(shard, before);
            }
        } catch (IOException e) {
            throw unavailable("cannot list " + relative(claims), e);
        }
        pruneRepeatMarks(before.minus(REPEAT_MARK_KEEP));
        return pruned;
    }

    // ---- repeat marks: twin/repeats/<sha256 of base>.json {"base", "next"} ------------------------

    /**
     * A mark not raised for this long (beyond the claims' retention) is of no use: every twin has
     * forgotten its count of the base a day after its last repeat, and counts from the mark or 0 alike.
     */
    static final java.time.Duration REPEAT_MARK_KEEP = java.time.Duration.ofDays(6);
    /** More occurrences of one text than any channel will ever carry: a larger mark is corrupt. */
    private static final int MAX_REPEAT_MARK = 100_000_000;

    record RepeatMark(String base, int next) {}

    @Override
    public int repeatsPrunedBelow(String base) throws StoreUnavailableException {
        requireRoot();
        return switch (readJson(repeatMarkFile(base), RepeatMark.class)) {
            case StoreRead.Present<RepeatMark> p ->
                validMark(p.value(), base) ? p.value().next() : 0;
            case StoreRead.Absent<RepeatMark> a -> 0;
            case StoreRead.Corrupt<RepeatMark> c -> 0;
        };
    }

    private static boolean validMark(RepeatMark mark, String base) {
        return base.equals(mark.base()) && mark.next() >= 0 && mark.next() <= MAX_REPEAT_MARK;
    }

    /**
     * Before a content key's claims go, raises its base's mark past it. Read, compare, write: two
     * twins pruning at once may leave the lower of two marks, which only ever concerns occurrences
     * whose claims were still there a moment ago, so the claims left in the store cover the rest.
     */
    private void keepRepeatMark(Path firstGeneration) {
        try {
            if (!(readJson(firstGeneration, Claim.class) instanceof StoreRead.Present<Claim> p)
                    || p.value().key() == null) {
                return;
            }
            String key = p.value().key();
            int hash = key.lastIndexOf('#');
            if (!key.startsWith("content:")
                    || hash < 0
                    || !key.substring(hash + 1).matches("[0-9]{1,9}")) {
                return;
            }
            String base = key.substring(0, hash);
            int next = Integer.parseInt(key.substring(hash + 1)) + 1;
            if (next > repeatsPrunedBelow(base) && next <= MAX_REPEAT_MARK) {
                writeJson(repeatMarkFile(base), new RepeatMark(base, next));
            }
        } catch (StoreUnavailableException e) {
            // The claims are kept this round (the prune fails on them too) or the mark is lost:
            // the twins that still count this base agree by their counts.
        }
    }

    private void pruneRepeatMarks(Instant before) throws StoreUnavailableException {
        Path dir = root.resolve("twin").resolve("repeats");
        if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path file : files) {
                try {
                    if (Files.getLastModifiedTime(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                            .toInstant()
                            .isBefore(before)) {
                        Files.deleteIfExists(file);
                    }
                } catch (NoSuchFileException e) {
                    // pruned by another twin meanwhile
                }
            }
        } catch (IOException e) {
            throw unavailable("cannot prune " + relative(dir), e);
        }
    }

    private Path repeatMarkFile(String base) {
        return root.resolve("twin").resolve("repeats").resolve(sha256(base) + ".json");
    }

    /** Deletes every file of each key whose newest file is older than {@code before}. */
    private int pruneShard(Path shard, Instant before) throws IOException {
        Map<String, java.util.List<Path>> byKey = new TreeMap<>();
        Map<String, Instant> newest = new TreeMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(shard, "*.json")) {
            for (Path file : files) {
                String hash = file.getFileName()
                        .toString()
                        .substring(0, Math.min(64, file.getFileName().toString().length()));
                Instant modified;
                try {
                    modified = Files.getLastModifiedTime(file).toInstant();
                } catch (NoSuchFileException e) {
                    continue; // pruned by another twin meanwhile
                }
                byKey.computeIfAbsent(hash, h -> new java.util.ArrayList<>()).add(file);
                newest.merge(hash, modified, (a, b) -> a.isAfter(b) ? a : b);
            }
        }
        int pruned = 0;
        for (Map.Entry<String, java.util.List<Path>> e : byKey.entrySet()) {
            if (newest.get(e.getKey()).isBefore(before)) {
                keepRepeatMark(shard.resolve(e.getKey() + ".json"));
                for (Path file : e.getValue()) {
                    Files.deleteIfExists(file);
                }
                pruned++;
            }
        }
        return pruned;
    }

    private Path claimFile(String key, int generation) {
        String hash = sha256(key);
        return claimShard(hash).resolve(generation == 1 ? hash + ".json" : hash + ".gen" + generation + ".json");
    }

    private Path endFile(String key, int generation) {
        String hash = sha256(key);
        return claimShard(hash).resolve(hash + ".end" + generation + ".json");
    }

    private Path claimShard(String hash) {
        return root.resolve("twin").resolve("claims").resolve(hash.substring(0, 2));
    }

    private static String sha256(String key) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                            .digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /**
     * Creates {@code file} holding {@code value} unless it exists, atomically across processes and
     * hosts. The content is written to a private file first and hard-linked into place: link(2)
     * fails if the name exists (atomic on local disks and NFS, the classic lock-file technique), and
     * readers never see the file half-written. Where hard links are not supported (some SMB
     * mounts) an exclusive create (O_EXCL, atomic on SMB2+) is used instead, and a reader may
     * briefly see the file empty ({@link ClaimState.Unreadable}).
     */
    private boolean createExclusive(Path file, Object value) throws StoreUnavailableException {
        requireRoot();
        byte[] bytes = JSON.writeValueAsBytes(value);
        Path dir = file.getParent();
        try {
            createBelowRoot(dir);
            if (hardLinks) {
                Path temp = dir.resolve("." + file.getFileName() + "."
                        + ProcessHandle.current().pid() + "." + tempCounter.incrementAndGet() + ".tmp");
                try {
                    Files.write(temp, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    Files.createLink(file, temp);
                    return true;
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    return false;
                } catch (UnsupportedOperationException | FileSystemException e) {
                    if (e instanceof NoSuchFileException || e instanceof AccessDeniedException) {
                        throw e;
                    }
                    hardLinks = false; // this share cannot link: exclusive create from now on
                } finally {
                    Files.deleteIfExists(temp);
                }
            }
            try (FileChannel channel =
                    FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                return true;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                return false;
            }
        } catch (IOException e) {
            throw unavailable("cannot create " + relative(file), e);
        }
    }

    // ---- files --------------------------------------------------------------------------------

    private void requireRoot() throws StoreUnavailableException {
        if (!Files.isDirectory(root)) {
            throw new StoreUnavailableException(
                    "shared state directory " + root + " is missing (is the share mounted?)", null);
        }
    }

    /**
     * Creates the missing folders between the root and {@code dir}, never the root itself: if the
     * share is unmounted mid-write, recreating its mount point would hide the outage.
     */
    void createBelowRoot(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (dir.equals(root)) {
            // The share went away between requireRoot() and here: fail, never recreate the mount point.
            // (root.relativize(root) is one empty name, which the loop below would create.)
            throw new NoSuchFileException(root.toString(), null, "shared state directory is missing");
        }
        Path current = root;
        for (Path part : root.relativize(dir)) {
            current = current.resolve(part);
            try {
                Files.createDirectory(current);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // made by another writer at the same time: fine
            }
        }
    }

    private <T> StoreRead<T> readJson(Path file, Class<T> type) throws StoreUnavailableException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new StoreRead.Absent<>();
        } catch (AccessDeniedException e) {
            return new StoreRead.Corrupt<>(relative(file) + ": permission denied");
        } catch (IOException e) {
            throw unavailable("cannot read " + relative(file), e);
        }
        if (bytes.length == 0 || new String(bytes, StandardCharsets.UTF_8).isBlank()) {
            return new StoreRead.Corrupt<>(relative(file) + ": empty file");
        }
        try {
            T value = JSON.readValue(bytes, type);
            return value == null ? new StoreRead.Corrupt<>(relative(file) + ": null") : new StoreRead.Present<>(value);
        } catch (JacksonException e) {
            int line = e.getLocation() == null ? 1 : Math.max(1, e.getLocation().getLineNr());
            return new StoreRead.Corrupt<>(relative(file) + ": not valid JSON (line " + line + ")");
        }
    }

    private void writeJson(Path file, Object value) throws StoreUnavailableException {
        requireRoot();
        byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(value);
        Path dir = file.getParent();
        Path temp = dir.resolve("." + file.getFileName() + "."
                + ProcessHandle.current().pid() + "." + tempCounter.incrementAndGet() + ".tmp");
        try {
            createBelowRoot(dir);
            try (FileChannel channel =
                    FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // the temp file is hidden and harmless; the write failure below is what matters
            }
            throw unavailable("cannot write " + relative(file), e);
        }
    }

    private String relative(Path file) {
        return file.startsWith(root) ? root.relativize(file).toString() : file.toString();
    }

    private StoreUnavailableException unavailable(String what, IOException e) {
        String reason = e instanceof FileSystemException fse && fse.getReason() != null
                ? fse.getReason()
                : e.getClass().getSimpleName();
        return new StoreUnavailableException(what + " in " + root + " (" + reason + ")", e);
    }
}
