package dev.openclaw.twin.sync;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * One synced folder on the shared store, {@code <store>/sync/<name>/}: {@code files/} holds the
 * shared copy, {@code index.json} what it holds (path → sha256), {@code manifests/<twin>.json}
 * what each twin had after its last sync (so a file deleted since is told apart from one it never
 * saw), and {@code lock} keeps two twins from syncing the folder at once.
 */
final class SharedFolder {

    /** A lock older than this belongs to a sync that died; it is taken over. */
    static final Duration STALE_LOCK = Duration.ofMinutes(10);

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final Path dir;

    SharedFolder(Path storeRoot, String name) {
        this.dir = storeRoot.resolve("sync").resolve(name);
    }

    Path files() {
        return dir.resolve("files");
    }

    Path dir() {
        return dir;
    }

    /** What index.json and the manifests hold. */
    record Listing(int schemaVersion, String writtenBy, Instant writtenAt, Map<String, FileState> files) {}

    Map<String, FileState> index() throws IOException {
        return read(dir.resolve("index.json"));
    }

    void writeIndex(String twin, Instant at, Map<String, FileState> files) throws IOException {
        write(dir.resolve("index.json"), twin, at, files);
    }

    Map<String, FileState> manifest(String twin) throws IOException {
        return read(dir.resolve("manifests").resolve(twin + ".json"));
    }

    void writeManifest(String twin, Instant at, Map<String, FileState> files) throws IOException {
        write(dir.resolve("manifests").resolve(twin + ".json"), twin, at, files);
    }

    /** How taking the lock went. */
    enum Lock {
        TAKEN,
        /** Left by a sync that died (this twin's, or too old): taken over; it may have left temporary files. */
        TAKEN_OVER,
        /** Another twin is syncing the folder now. */
        BUSY
    }

    /**
     * Takes the folder's lock for {@code twin}. A lock left by this twin (a sync that was killed) or
     * older than {@link #STALE_LOCK} is taken over.
     */
    Lock lock(String twin, Instant now) throws IOException {
        Files.createDirectories(dir);
        Path lock = dir.resolve("lock");
        String text = twin + " " + now + "\n";
        try {
            Files.writeString(lock, text, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            return Lock.TAKEN;
        } catch (FileAlreadyExistsException e) {
            String holder;
            try {
                holder = Files.readString(lock).strip();
            } catch (NoSuchFileException gone) {
                return lock(twin, now);
            }
            String[] parts = holder.split(" ", 2);
            Instant since;
            try {
                since = Instant.parse(parts.length > 1 ? parts[1] : "");
            } catch (RuntimeException unreadable) {
                since = Instant.EPOCH;
            }
            if (parts[0].equals(twin) || since.isBefore(now.minus(STALE_LOCK))) {
                SyncFiles.writeAtomically(dir, lock, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                return Lock.TAKEN_OVER;
            }
            return Lock.BUSY;
        }
    }

    /** Who holds the lock, for messages. */
    String lockHolder() {
        try {
            return Files.readString(dir.resolve("lock")).strip();
        } catch (IOException e) {
            return "nobody";
        }
    }

    void unlock(String twin) throws IOException {
        Path lock = dir.resolve("lock");
        try {
            if (Files.readString(lock).startsWith(twin + " ")) {
                Files.deleteIfExists(lock);
            }
        } catch (NoSuchFileException e) {
            // already gone
        }
    }

    private Map<String, FileState> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return new TreeMap<>();
        }
        try {
            Listing listing = JSON.readValue(file.toFile(), Listing.class);
            return listing.files() == null ? new TreeMap<>() : new TreeMap<>(listing.files());
        } catch (JacksonException e) {
            throw new IOException(file + " is not a readable sync listing (" + e.getOriginalMessage() + ")", e);
        }
    }

    private void write(Path file, String twin, Instant at, Map<String, FileState> files) throws IOException {
        Map<String, Object> listing = new LinkedHashMap<>();
        listing.put("schemaVersion", 1);
        listing.put("writtenBy", twin);
        listing.put("writtenAt", at.toString());
        listing.put("files", new TreeMap<>(files));
        SyncFiles.writeAtomically(dir, file, JSON.writeValueAsBytes(listing));
    }
}
