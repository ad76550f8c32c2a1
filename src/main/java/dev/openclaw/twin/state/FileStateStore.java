package dev.openclaw.twin.state;

import dev.openclaw.twin.coordination.Overrides;
import dev.openclaw.twin.files.AtomicFile;
import dev.openclaw.twin.files.ExclusiveCreate;
import dev.openclaw.twin.files.Sha256;
import dev.openclaw.twin.files.ShareFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The state as JSON files in one directory on a shared mount (DESIGN §5). Every file is written to
 * a temporary file in the same directory, flushed to disk and renamed over the old one, so readers
 * never see half a file. Everything goes through {@link ShareFiles}: no symbolic link below the root
 * is followed, and each kind of file is read only up to its size limit. Each file read is validated
 * field by field ({@link ShareRecords}); missing, oversized or invalid files are reported as
 * {@link StoreRead.Corrupt}, never thrown. Files this store does not know ({@code .DS_Store},
 * {@code ._*}, {@code Thumbs.db}, editors' swap files) are ignored.
 */
public final class FileStateStore implements StateStore {

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    /** Size limits, far above what this program writes (a heartbeat is ~400 bytes). */
    static final int HEARTBEAT_LIMIT = 16 * 1024;

    static final int CLAIM_LIMIT = 64 * 1024;
    static final int CLAIM_END_LIMIT = 4 * 1024;
    static final int OVERRIDES_LIMIT = 16 * 1024;
    static final int PRIMARY_STATE_LIMIT = 64 * 1024;
    static final int RESCUE_LIMIT = 4 * 1024;

    /** How often a claim end another twin is writing is looked at (2 ms apart) before it counts as unreadable. */
    private static final int END_READ_ATTEMPTS = 100;

    private static final String HEARTBEATS = "twin/heartbeats";
    private static final String CLAIMS = "twin/claims";
    private static final String OVERRIDES = "twin/overrides.json";
    private static final String HEARTBEAT_SUFFIX = ".json";
    private static final Pattern SHARD = Pattern.compile("[0-9a-f]{2}");
    /** {@code <hash>.json}, {@code <hash>.genN.json}, {@code <hash>.endN.json}. */
    private static final Pattern CLAIM_FILE =
            Pattern.compile("([0-9a-f]{64})(?:\\.(?:gen|end)[1-9][0-9]{0,8})?\\.json");
    /** Temporary files of {@link AtomicFile#PLAIN} for a claim file. */
    private static final Pattern CLAIM_TEMP = Pattern.compile("\\.([0-9a-f]{64})\\..*\\.tmp");

    private final Path root;
    private final ShareFiles files;
    private final String stateFileName;
    /** How claims are created exclusively; null until a probe decided (when not fixed). */
    private volatile ExclusiveCreate exclusive;

    private final boolean probeExclusive;

    /** The share's clock, for ages: its stamps are the only times in this store. */
    private final ShareClock shareClock;

    public FileStateStore(Path root, String stateFileName) {
        this(root, stateFileName, null);
    }

    /** @param exclusive how claims are created, or null to find out by probing the share */
    FileStateStore(Path root, String stateFileName, ExclusiveCreate exclusive) {
        this(root, stateFileName, exclusive, Clock.systemUTC(), System::nanoTime);
    }

    /**
     * @param readerClock this host's clock, for ages only where the share's clock cannot be read (a
     *     share this host cannot write)
     * @param nanoTime this host's monotonic clock, to carry one reading of the share's clock forward
     */
    FileStateStore(
            Path root, String stateFileName, ExclusiveCreate exclusive, Clock readerClock, LongSupplier nanoTime) {
        this.root = root;
        this.files = new ShareFiles(root);
        this.stateFileName = stateFileName;
        this.exclusive = exclusive;
        this.probeExclusive = exclusive == null;
        this.shareClock = new ShareClock(this::readShareClock, readerClock, nanoTime);
    }

    @Override
    public boolean looksReachable() {
        return files.rootExists();
    }

    @Override
    public String describe() {
        return root.toString();
    }

    // ---- heartbeats ---------------------------------------------------------------------------

    @Override
    public void writeHeartbeat(Heartbeat heartbeat) throws StoreUnavailableException {
        writeRecord(heartbeatFile(heartbeat.twin()), heartbeat, HEARTBEAT_LIMIT);
    }

    @Override
    public Map<String, StoreRead<Heartbeat>> readHeartbeats() throws StoreUnavailableException {
        requireRoot();
        Map<String, StoreRead<Heartbeat>> result = new TreeMap<>();
        List<ShareFiles.Entry> entries;
        try {
            entries = files.list(HEARTBEATS);
        } catch (IOException e) {
            throw unavailable("cannot list " + HEARTBEATS, e);
        }
        for (ShareFiles.Entry entry : entries) {
            String name = entry.name();
            if (!name.endsWith(HEARTBEAT_SUFFIX)) {
                continue;
            }
            String twin = name.substring(0, name.length() - HEARTBEAT_SUFFIX.length());
            if (!ShareRecords.TWIN_NAME.matcher(twin).matches()) {
                continue; // not a heartbeat: ._tars.json, a temporary file, an editor's backup
            }
            StoreRead<Heartbeat> read = readRecord(heartbeatFile(twin), HEARTBEAT_LIMIT, ShareRecords::heartbeat);
            if (read instanceof StoreRead.Present<Heartbeat> p
                    && !twin.equals(p.value().twin())) {
                read = new StoreRead.Corrupt<>(
                        heartbeatFile(twin) + ": written for twin '" + p.value().twin() + "'");
            }
            result.put(twin, read);
        }
        return result;
    }

    /** The age of each heartbeat file's modification stamp (a file, not a link or directory). */
    @Override
    public Map<String, Duration> heartbeatAges() throws StoreUnavailableException {
        requireRoot();
        List<ShareFiles.Entry> entries;
        try {
            entries = files.list(HEARTBEATS);
        } catch (IOException e) {
            throw unavailable("cannot list " + HEARTBEATS, e);
        }
        Map<String, Duration> ages = new TreeMap<>();
        Instant now = null;
        for (ShareFiles.Entry entry : entries) {
            String name = entry.name();
            if (entry.kind() != ShareFiles.Kind.FILE || !name.endsWith(HEARTBEAT_SUFFIX)) {
                continue;
            }
            String twin = name.substring(0, name.length() - HEARTBEAT_SUFFIX.length());
            if (ShareRecords.TWIN_NAME.matcher(twin).matches()) {
                now = now == null ? shareClock.now() : now;
                ages.put(twin, ageAt(entry.modified(), now));
            }
        }
        return ages;
    }

    /**
     * Now on the share's clock: the modification time the file server stamps on a probe file, the
     * same clock that stamped the heartbeats and claims; empty if the share cannot be written. For
     * {@code twin doctor}'s comparison of clocks; ages read it through {@link ShareClock}.
     */
    public Optional<Instant> shareClockNow() throws StoreUnavailableException {
        requireRoot();
        return readShareClock();
    }

    private Optional<Instant> readShareClock() {
        String probe = "twin/.clock-" + ProcessHandle.current().pid() + "."
                + Thread.currentThread().threadId() + "." + System.nanoTime();
        try {
            files.write(probe, new byte[0]);
            Optional<Instant> now = files.modified(probe);
            files.delete(probe);
            return now;
        } catch (IOException e) {
            return Optional.empty(); // a read-only store: ages fall back to this host's clock
        }
    }

    /** How long before {@code now} {@code stamp} was; a stamp in the future (clock stepped back) is new. */
    private static Duration ageAt(Instant stamp, Instant now) {
        Duration age = Duration.between(stamp, now);
        return age.isNegative() ? Duration.ZERO : age;
    }

    // ---- twin-primary.json and overrides ------------------------------------------------------

    @Override
    public StoreRead<PrimaryState> readPrimaryState() throws StoreUnavailableException {
        requireRoot();
        return readRecord(stateFileName, PRIMARY_STATE_LIMIT, ShareRecords::primaryState);
    }

    @Override
    public void writePrimaryState(PrimaryState state) throws StoreUnavailableException {
        writeRecord(stateFileName, state, PRIMARY_STATE_LIMIT);
    }

    @Override
    public StoreRead<Overrides> readOverrides() throws StoreUnavailableException {
        requireRoot();
        return switch (readRecord(OVERRIDES, OVERRIDES_LIMIT, ShareRecords::overrides)) {
            case StoreRead.Present<OverrideRecord> p ->
                new StoreRead.Present<>(p.value().toOverrides());
            case StoreRead.Absent<OverrideRecord> a -> new StoreRead.Absent<>();
            case StoreRead.Corrupt<OverrideRecord> c -> new StoreRead.Corrupt<>(c.problem());
        };
    }

    @Override
    public void writeOverrides(Overrides overrides) throws StoreUnavailableException {
        writeRecord(OVERRIDES, OverrideRecord.of(overrides), OVERRIDES_LIMIT);
    }

    // ---- manual rescues ----------------------------------------------------------------------

    /** {@code twin/rescues/<twin>.json}: {@code {"twin", "at"}}. */
    record ManualRescue(String twin, Instant at) {}

    @Override
    public void recordManualRescue(String twin, Instant at) throws StoreUnavailableException {
        writeRecord(rescueFile(twin), new ManualRescue(twin, at), RESCUE_LIMIT);
    }

    @Override
    public Optional<Instant> lastManualRescue(String twin) throws StoreUnavailableException {
        requireRoot();
        return switch (readRecord(rescueFile(twin), RESCUE_LIMIT, ShareRecords::manualRescue)) {
            case StoreRead.Present<ManualRescue> p -> Optional.of(p.value().at());
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
        String file = "twin/events/" + name(twin) + "/" + LocalDate.ofInstant(at, ZoneOffset.UTC) + ".jsonl";
        byte[] line = (JSON.writeValueAsString(event) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            // One writer per file and O_APPEND: each line lands whole.
            files.append(file, line);
        } catch (IOException e) {
            throw unavailable("cannot append to " + file, e);
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
        return createExclusive(claimFile(claim.key(), claim.generation()), claim, CLAIM_LIMIT);
    }

    @Override
    public ClaimState readClaim(String key) throws StoreUnavailableException {
        requireRoot();
        ClaimState state = new ClaimState.Unclaimed();
        for (int generation = 1; ; generation++) {
            Claim claim;
            String file = claimFile(key, generation);
            switch (readRecord(file, CLAIM_LIMIT, ShareRecords::claim)) {
                case StoreRead.Absent<Claim> a -> {
                    return state;
                }
                case StoreRead.Corrupt<Claim> c -> {
                    return new ClaimState.Unreadable(generation, c.problem());
                }
                case StoreRead.Present<Claim> p -> claim = p.value();
            }
            if (!claim.key().equals(key) || claim.generation() != generation) {
                return new ClaimState.Unreadable(
                        generation, file + ": holds another claim (generation " + claim.generation() + ")");
            }
            switch (readRecord(endFile(key, generation), CLAIM_END_LIMIT, ShareRecords::claimEnd)) {
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
    public Optional<Duration> claimAge(String key) throws StoreUnavailableException {
        requireRoot();
        Optional<Instant> stored;
        try {
            stored = files.modified(claimFile(key, 1));
        } catch (IOException e) {
            throw unavailable("cannot read " + claimFile(key, 1), e);
        }
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(ageAt(stored.get(), shareClock.now()));
    }

    @Override
    public ClaimEnd endClaim(String key, int generation, ClaimEnd end) throws StoreUnavailableException {
        String file = endFile(key, generation);
        if (createExclusive(file, end, CLAIM_END_LIMIT)) {
            return end;
        }
        // Created by exclusive open, the winner's file may still be empty or half written: look again
        // for a moment before calling it unreadable.
        for (int attempt = 1; ; attempt++) {
            switch (readRecord(file, CLAIM_END_LIMIT, ShareRecords::claimEnd)) {
                case StoreRead.Present<ClaimEnd> p -> {
                    return p.value();
                }
                case StoreRead.Absent<ClaimEnd> a ->
                    throw new StoreUnavailableException(file + " exists and does not (deleted while in use?)", null);
                case StoreRead.Corrupt<ClaimEnd> c -> {
                    if (exclusive == ExclusiveCreate.HARD_LINK || attempt >= END_READ_ATTEMPTS) {
                        throw new StoreUnavailableException(c.problem(), null);
                    }
                    LockSupport.parkNanos(Duration.ofMillis(2).toNanos());
                }
            }
        }
    }

    /**
     * Deletes every file of each key whose newest file is older than {@code retention} by the share's
     * clock, and temporary files left that long. Only names it knows are touched: shards are two hex
     * digits, files are a claim's; links are never entered or deleted, anything else is left alone.
     */
    @Override
    public int pruneOlderThan(Duration retention) throws StoreUnavailableException {
        requireRoot();
        Instant before = shareClock.now().minus(retention);
        List<ShareFiles.Entry> shards;
        try {
            shards = files.list(CLAIMS);
        } catch (IOException e) {
            throw unavailable("cannot list " + CLAIMS, e);
        }
        int pruned = 0;
        IOException failed = null;
        for (ShareFiles.Entry shard : shards) {
            if (shard.kind() != ShareFiles.Kind.DIRECTORY
                    || !SHARD.matcher(shard.name()).matches()) {
                continue;
            }
            try {
                pruned += pruneShard(shard.name(), before);
            } catch (IOException e) {
                failed = failed == null ? e : failed; // one bad shard does not stop the others
            }
        }
        if (failed != null) {
            throw unavailable("pruned " + pruned + " claims, but cannot prune all of " + CLAIMS, failed);
        }
        pruneRepeatMarks(before.minus(REPEAT_MARK_KEEP));
        return pruned;
    }

    // ---- repeat marks: twin/repeats/<sha256 of base>.json {"base", "next"} ------------------------

    /**
     * A mark not raised for this long (beyond the claims' retention) is of no use: every twin has
     * forgotten its count of the base a day after its last repeat, and counts from the mark or 0 alike.
     */
    static final Duration REPEAT_MARK_KEEP = Duration.ofDays(6);

    static final int REPEAT_MARK_LIMIT = 16 * 1024;
    private static final String REPEATS = "twin/repeats";
    private static final Pattern REPEAT_MARK_FILE = Pattern.compile("[0-9a-f]{64}\\.json");

    record RepeatMark(String base, int next) {}

    @Override
    public int repeatsPrunedBelow(String base) throws StoreUnavailableException {
        requireRoot();
        return switch (readRecord(repeatMarkFile(base), REPEAT_MARK_LIMIT, ShareRecords::repeatMark)) {
            case StoreRead.Present<RepeatMark> p ->
                base.equals(p.value().base()) ? p.value().next() : 0;
            case StoreRead.Absent<RepeatMark> a -> 0;
            case StoreRead.Corrupt<RepeatMark> c -> 0;
        };
    }

    /**
     * Before a content key's claims go, raises its base's mark past it. Read, compare, write: two
     * twins pruning at once may leave the lower of two marks, which only ever concerns occurrences
     * whose claims were still there a moment ago, so the claims left in the store cover the rest.
     *
     * @return false if the mark could not be raised: the claims are kept until it can (a share that
     *     deletes but cannot write, e.g. a full disk, would otherwise lose the count with them)
     */
    private boolean keepRepeatMark(String firstGeneration) {
        try {
            if (!(readRecord(firstGeneration, CLAIM_LIMIT, ShareRecords::claim)
                    instanceof StoreRead.Present<Claim> p)) {
                return true;
            }
            String key = p.value().key();
            int hash = key.lastIndexOf('#');
            if (!key.startsWith("content:")
                    || hash < 0
                    || !key.substring(hash + 1).matches("[0-9]{1,9}")) {
                return true;
            }
            String base = key.substring(0, hash);
            int next = Integer.parseInt(key.substring(hash + 1)) + 1;
            if (next > repeatsPrunedBelow(base) && next <= ShareRecords.MAX_REPEAT_MARK) {
                writeRecord(repeatMarkFile(base), new RepeatMark(base, next), REPEAT_MARK_LIMIT);
            }
            return true;
        } catch (StoreUnavailableException e) {
            return false;
        }
    }

    private void pruneRepeatMarks(Instant before) throws StoreUnavailableException {
        try {
            for (ShareFiles.Entry file : files.list(REPEATS)) {
                if (file.kind() == ShareFiles.Kind.FILE
                        && REPEAT_MARK_FILE.matcher(file.name()).matches()
                        && file.modified().isBefore(before)) {
                    files.delete(REPEATS + "/" + file.name());
                }
            }
        } catch (IOException e) {
            throw unavailable("cannot prune " + REPEATS, e);
        }
    }

    private static String repeatMarkFile(String base) {
        return REPEATS + "/" + Sha256.hex(base) + ".json";
    }

    /** Deletes every file of each key whose newest file is older than {@code before}. */
    private int pruneShard(String shard, Instant before) throws IOException {
        String dir = CLAIMS + "/" + shard;
        Map<String, List<String>> byKey = new TreeMap<>();
        Map<String, Instant> newest = new TreeMap<>();
        for (ShareFiles.Entry file : files.list(dir)) {
            if (file.kind() != ShareFiles.Kind.FILE) {
                continue;
            }
            Matcher claim = CLAIM_FILE.matcher(file.name());
            Matcher temp = CLAIM_TEMP.matcher(file.name());
            String hash;
            if (claim.matches()) {
                hash = claim.group(1);
            } else if (temp.matches() && file.modified().isBefore(before)) {
                files.delete(dir + "/" + file.name()); // left by a writer killed mid-write
                continue;
            } else {
                continue;
            }
            if (!hash.startsWith(shard)) {
                continue;
            }
            byKey.computeIfAbsent(hash, h -> new ArrayList<>()).add(file.name());
            newest.merge(hash, file.modified(), (a, b) -> a.isAfter(b) ? a : b);
        }
        int pruned = 0;
        for (Map.Entry<String, List<String>> e : byKey.entrySet()) {
            if (newest.get(e.getKey()).isBefore(before) && keepRepeatMark(dir + "/" + e.getKey() + ".json")) {
                for (String file : e.getValue()) {
                    files.delete(dir + "/" + file);
                }
                pruned++;
            }
        }
        return pruned;
    }

    private static String claimFile(String key, int generation) {
        String hash = Sha256.hex(key);
        return claimShard(hash) + "/" + (generation == 1 ? hash + ".json" : hash + ".gen" + generation + ".json");
    }

    private static String endFile(String key, int generation) {
        String hash = Sha256.hex(key);
        return claimShard(hash) + "/" + hash + ".end" + generation + ".json";
    }

    private static String claimShard(String hash) {
        return CLAIMS + "/" + hash.substring(0, 2);
    }

    private static String heartbeatFile(String twin) {
        return HEARTBEATS + "/" + name(twin) + HEARTBEAT_SUFFIX;
    }

    private static String rescueFile(String twin) {
        return "twin/rescues/" + name(twin) + ".json";
    }

    /** A twin's name as part of a path: configured names are checked, but a path is never built unchecked. */
    private static String name(String twin) {
        if (!ShareRecords.TWIN_NAME.matcher(twin).matches()) {
            throw new IllegalArgumentException("not a twin name: " + ShareText.printable(twin, 64));
        }
        return twin;
    }

    /**
     * Creates {@code file} holding {@code value} unless it exists, atomically across processes and
     * hosts: by hard link where the share supports it (readers never see the file half-written),
     * else by exclusive create (O_EXCL, atomic on SMB2+; a reader may briefly see the file empty,
     * {@link ClaimState.Unreadable}). Which one is decided by linking a probe file once, never by a
     * claim that failed for another reason.
     */
    private boolean createExclusive(String file, Object value, int limit) throws StoreUnavailableException {
        requireRoot();
        byte[] bytes = serialise(file, value, limit);
        ExclusiveCreate how = exclusive;
        try {
            if (how == null) {
                // In twin/, not twin/claims: the previous version's pruning stops at a file among the shards.
                how = files.probeExclusiveCreate("twin");
                exclusive = how;
            }
            return files.createExclusive(file, bytes, how);
        } catch (IOException e) {
            if (probeExclusive && how == ExclusiveCreate.HARD_LINK && ExclusiveCreate.linksUnsupported(e)) {
                exclusive = null; // the share changed under us (remounted?): probe again next time
            }
            throw unavailable("cannot create " + file, e);
        }
    }

    /** How claims are created now; null until the first claim probed the share. */
    ExclusiveCreate exclusiveCreate() {
        return exclusive;
    }

    // ---- files --------------------------------------------------------------------------------

    private void requireRoot() throws StoreUnavailableException {
        if (!files.rootExists()) {
            throw new StoreUnavailableException(
                    "shared state directory " + root + " is missing (is the share mounted?)", null);
        }
    }

    private <T> StoreRead<T> readRecord(String file, int limit, RecordReader<T> reader)
            throws StoreUnavailableException {
        byte[] bytes;
        try {
            switch (files.read(file, limit)) {
                case ShareFiles.Missing m -> {
                    return new StoreRead.Absent<>();
                }
                case ShareFiles.Refused r -> {
                    return new StoreRead.Corrupt<>(file + ": " + r.problem());
                }
                case ShareFiles.Content c -> bytes = c.bytes();
            }
        } catch (IOException e) {
            throw unavailable("cannot read " + file, e);
        }
        if (bytes.length == 0 || new String(bytes, StandardCharsets.UTF_8).isBlank()) {
            return new StoreRead.Corrupt<>(file + ": empty file");
        }
        JsonNode json;
        try {
            json = JSON.readTree(bytes);
        } catch (JacksonException e) {
            int line = e.getLocation() == null ? 1 : Math.max(1, e.getLocation().getLineNr());
            return new StoreRead.Corrupt<>(file + ": not valid JSON (line " + line + ")");
        }
        try {
            return new StoreRead.Present<>(reader.read(json));
        } catch (ShareRecords.Invalid e) {
            return new StoreRead.Corrupt<>(file + ": " + e.getMessage());
        }
    }

    /** One kind of record from its JSON. */
    @FunctionalInterface
    private interface RecordReader<T> {
        T read(JsonNode json) throws ShareRecords.Invalid;
    }

    private void writeRecord(String file, Object value, int limit) throws StoreUnavailableException {
        requireRoot();
        byte[] bytes = serialise(file, value, limit);
        try {
            files.write(file, bytes);
        } catch (IOException e) {
            throw unavailable("cannot write " + file, e);
        }
    }

    /** {@code value} as JSON, refused if readers would find it too large. */
    private static byte[] serialise(String file, Object value, int limit) throws StoreUnavailableException {
        byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(value);
        if (bytes.length > limit) {
            throw new StoreUnavailableException(
                    "not writing " + file + ": too large (" + bytes.length + " bytes, limit " + limit + ")", null);
        }
        return bytes;
    }

    private StoreUnavailableException unavailable(String what, IOException e) {
        String reason = e instanceof FileSystemException fse && fse.getReason() != null
                ? (e instanceof ShareFiles.RefusedException ? fse.getFile() + " " : "") + fse.getReason()
                : e.getClass().getSimpleName();
        return new StoreUnavailableException(what + " in " + root + " (" + ShareText.printable(reason) + ")", e);
    }
}
