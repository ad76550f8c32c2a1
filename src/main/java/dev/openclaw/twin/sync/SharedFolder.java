package dev.openclaw.twin.sync;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * One synced folder on the shared store, {@code <store>/sync/<name>/}: {@code files/} holds the
 * shared copy, {@code index.json} what it holds (path → sha256), {@code manifests/<twin>.json}
 * what each twin had after its last sync (so a file deleted since is told apart from one it never
 * saw). Two twins never sync a folder at once: {@link FolderLock}, in the store's claims.
 *
 * <p>Everything read here is untrusted: the listings are read with a size cap, never through a
 * symlink, and validated entry by entry ({@link Listing}).
 */
final class SharedFolder {

    /**
     * A listing larger than this is refused whole: 16 MB, some 120,000 entries (10,000 files make
     * 1.3 MB), well past what sync.max_file_size-bounded folders of notes need.
     */
    static final long MAX_LISTING_BYTES = 16L * 1024 * 1024;

    /** How recent a lock file left by the previous version must be to be honoured (store clock). */
    static final Duration LEGACY_LOCK_LEASE = Duration.ofMinutes(10);

    /** Refused entries named one by one; beyond this, counted. */
    static final int MAX_PROBLEMS_LISTED = 50;

    /** Bounded per token: one path or field cannot be megabytes, nor an entry nested deep. */
    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxStringLength(64 * 1024)
                            .maxNameLength(64 * 1024)
                            .maxNestingDepth(16)
                            .build())
                    .build())
            // entries are read one by one from a parser that goes on
            .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final Path storeRoot;
    private final String name;
    private final Path dir;

    SharedFolder(Path storeRoot, String name) {
        this.storeRoot = storeRoot;
        this.name = name;
        this.dir = storeRoot.resolve("sync").resolve(name);
    }

    Path files() {
        return dir.resolve("files");
    }

    Path dir() {
        return dir;
    }

    /** Creates {@code sync/<name>/} on a store that is there (never the store itself), through no symlink. */
    void create() throws IOException {
        if (!Files.isDirectory(storeRoot)) {
            throw new NoSuchFileException(storeRoot.toString(), null, "went away during the sync");
        }
        Files.createDirectories(SyncPath.resolve(storeRoot, "sync/" + name));
    }

    /**
     * The store's copy of {@code path}, once it is a valid path and nothing on the way to it
     * ({@code sync/}, the folder, {@code files/}, its directories) is a symlink.
     */
    Path file(String path) throws SyncPath.Refused {
        SyncPath.check(path);
        return SyncPath.resolve(storeRoot, "sync/" + name + "/files/" + path);
    }

    /** A listing as read: its valid entries, the entries refused (kept as they were) and why. */
    record Listing(Map<String, FileState> files, Map<String, JsonNode> refused, List<String> problems) {
        static Listing empty() {
            return new Listing(new TreeMap<>(), new TreeMap<>(), new ArrayList<>());
        }
    }

    Listing index() throws IOException {
        return read("index.json", 0);
    }

    /**
     * Writes the index: {@code files}, and the refused entries whose path is valid as they were (so
     * an entry this version cannot read is not taken for a deletion by the next sync either).
     */
    void writeIndex(String twin, Instant at, Map<String, FileState> files, Map<String, JsonNode> refused)
            throws IOException {
        Map<String, Object> entries = new TreeMap<>();
        refused.forEach((path, raw) -> {
            if (SyncPath.problem(path).isEmpty()) {
                entries.put(path, raw);
            }
        });
        entries.putAll(files);
        write("index.json", twin, at, entries);
    }

    Listing manifest(String twin) throws IOException {
        return read("manifests/" + twin + ".json", FolderSync.UNKNOWN_TIME);
    }

    void writeManifest(String twin, Instant at, Map<String, FileState> files) throws IOException {
        write("manifests/" + twin + ".json", twin, at, new TreeMap<>(files));
    }

    /**
     * Who holds the lock file the previous version took ({@code sync/<name>/lock}), if another twin
     * wrote it within {@link #LEGACY_LOCK_LEASE} by the store's own clock: during an upgrade, a twin
     * still on it may be syncing the folder.
     */
    Optional<String> legacyLockHolder(String twin, Optional<Instant> storeNow) throws IOException {
        Path lock = SyncPath.resolve(storeRoot, "sync/" + name + "/lock");
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(lock, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (!attrs.isRegularFile() || storeNow.isEmpty()) {
            return Optional.empty();
        }
        Instant written = attrs.lastModifiedTime().toInstant();
        if (written.isBefore(storeNow.get().minus(LEGACY_LOCK_LEASE))) {
            return Optional.empty();
        }
        String holder;
        try (InputStream in = Files.newInputStream(lock, LinkOption.NOFOLLOW_LINKS)) {
            holder = new String(in.readNBytes(200), StandardCharsets.UTF_8).strip();
        }
        if (holder.startsWith(twin + " ")) {
            return Optional.empty(); // this twin's own, left by a sync that died
        }
        return Optional.of(holder.isEmpty() ? "a lock file being written" : SyncPath.printable(holder));
    }

    /**
     * Writes the previous version's lock file for the length of a sync ({@code "<twin> <time>"}, by
     * exclusive create, as that version does), so a twin still on it, which knows no other lock,
     * waits too. One left by this twin or older than {@link #LEGACY_LOCK_LEASE} is replaced.
     *
     * @return false if a twin on the previous version holds it
     */
    boolean takeLegacyLock(String twin, Instant at, Optional<Instant> storeNow) throws IOException {
        create();
        Path lock = SyncPath.resolve(storeRoot, "sync/" + name + "/lock");
        byte[] text = (twin + " " + at + "\n").getBytes(StandardCharsets.UTF_8);
        if (SyncFiles.createExclusively(lock, text)) {
            return true;
        }
        if (legacyLockHolder(twin, storeNow).isPresent()) {
            return false;
        }
        if (Files.isRegularFile(lock, LinkOption.NOFOLLOW_LINKS)) {
            SyncFiles.writeAtomically(dir, lock, text); // a rename: replaces the name, follows nothing
        }
        return true;
    }

    /** Removes the previous version's lock file if this twin wrote it. */
    void releaseLegacyLock(String twin) throws IOException {
        Path lock = SyncPath.resolve(storeRoot, "sync/" + name + "/lock");
        if (!Files.isRegularFile(lock, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        String holder;
        try (InputStream in = Files.newInputStream(lock, LinkOption.NOFOLLOW_LINKS)) {
            holder = new String(in.readNBytes(200), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return;
        }
        if (holder.startsWith(twin + " ")) {
            Files.deleteIfExists(lock);
        }
    }

    private Listing read(String relative, long defaultModified) throws IOException {
        Path file = SyncPath.resolve(storeRoot, "sync/" + name + "/" + relative);
        String shown = "sync/" + name + "/" + relative;
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return Listing.empty();
        }
        if (!attrs.isRegularFile()) {
            throw new IOException(shown + " is not a regular file");
        }
        if (attrs.size() > MAX_LISTING_BYTES) {
            throw tooLarge(shown);
        }
        // Streamed entry by entry through a capped stream: never the whole file, nor a tree of it, in
        // memory at once (the daemon runs in a 64 MB heap).
        Listing listing = Listing.empty();
        int refusedCount = 0;
        try (InputStream in = new Capped(Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS), shown);
                JsonParser parser = JSON.createParser(in)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw notAListing(shown, "not a JSON object");
            }
            boolean sawFiles = false;
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String property = parser.currentName();
                JsonToken value = parser.nextToken();
                if (!property.equals("files")) {
                    parser.skipChildren();
                    continue;
                }
                if (value != JsonToken.START_OBJECT) {
                    throw notAListing(shown, "no \"files\" object");
                }
                sawFiles = true;
                while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                    String path = parser.currentName();
                    parser.nextToken();
                    JsonNode e = JSON.readTree(parser);
                    Optional<String> problem = SyncPath.problem(path).or(() -> entryProblem(e));
                    if (problem.isPresent()) {
                        listing.refused().put(path, e);
                        if (++refusedCount <= MAX_PROBLEMS_LISTED) {
                            listing.problems()
                                    .add(shown + ": entry \"" + SyncPath.printable(path) + "\" refused ("
                                            + problem.get() + ")");
                        }
                        continue;
                    }
                    JsonNode modified = e.get("modifiedMillis");
                    listing.files()
                            .put(
                                    path,
                                    new FileState(
                                            e.get("sha256").stringValue(),
                                            e.get("size").longValue(),
                                            modified == null ? defaultModified : modified.longValue()));
                }
            }
            if (!sawFiles) {
                throw notAListing(shown, "no \"files\" object");
            }
        } catch (JacksonException e) {
            throw notAListing(shown, e.getOriginalMessage());
        }
        if (refusedCount > MAX_PROBLEMS_LISTED) {
            listing.problems().add(shown + ": " + (refusedCount - MAX_PROBLEMS_LISTED) + " more entries refused");
        }
        return listing;
    }

    private static IOException notAListing(String shown, String why) {
        return new IOException(shown + " is not a readable sync listing (" + why + ")");
    }

    private static IOException tooLarge(String shown) {
        return new IOException(
                shown + " is too large (over " + MAX_LISTING_BYTES / (1024 * 1024) + " MB): not read, nothing synced");
    }

    /** Fails a read that goes past {@link #MAX_LISTING_BYTES} (the file may grow while it is read). */
    private static final class Capped extends java.io.FilterInputStream {
        private final String shown;
        private long read;

        Capped(InputStream in, String shown) {
            super(in);
            this.shown = shown;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count(b < 0 ? 0 : 1);
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            count(Math.max(n, 0));
            return n;
        }

        private void count(int n) throws IOException {
            read += n;
            if (read > MAX_LISTING_BYTES) {
                throw tooLarge(shown);
            }
        }
    }

    /** Why one listing entry is unusable, field by field. */
    private static Optional<String> entryProblem(JsonNode e) {
        if (e == null || !e.isObject()) {
            return Optional.of("not an object");
        }
        JsonNode sha = e.get("sha256");
        if (sha == null || !sha.isString() || !SHA256.matcher(sha.stringValue()).matches()) {
            return Optional.of("sha256 is not 64 lowercase hex digits");
        }
        JsonNode size = e.get("size");
        if (size == null || !size.isIntegralNumber() || !size.canConvertToLong() || size.longValue() < 0) {
            return Optional.of("size is not a whole number ≥ 0");
        }
        JsonNode modified = e.get("modifiedMillis");
        if (modified != null && (!modified.isIntegralNumber() || !modified.canConvertToLong())) {
            return Optional.of("modifiedMillis is not a whole number");
        }
        return Optional.empty();
    }

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private void write(String relative, String twin, Instant at, Map<String, Object> files) throws IOException {
        Path file = SyncPath.resolve(storeRoot, "sync/" + name + "/" + relative);
        Map<String, Object> listing = new LinkedHashMap<>();
        listing.put("schemaVersion", 1);
        listing.put("writtenBy", twin);
        listing.put("writtenAt", at.toString());
        listing.put("files", files);
        SyncFiles.writeAtomically(dir, file, JSON.writeValueAsBytes(listing));
    }
}
