package dev.openclaw.twin.backup;

import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.files.Sha256;
import dev.openclaw.twin.files.ShareFiles;
import dev.openclaw.twin.state.OwnerOnly;
import dev.openclaw.twin.state.ShareText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Snapshots of each twin's OpenClaw config on the shared store: {@code
 * config-backup/<twin>/<id>/} holds the files and a {@code manifest.json} with each file's
 * sha256. A snapshot appears whole or not at all (written aside, then renamed), is readable by
 * its owner only (0600 files, 0700 directories), and is never restored unless its checksums
 * verify.
 */
public final class ConfigBackups {

    public static final String MANIFEST = "manifest.json";
    private static final DateTimeFormatter ID =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final Pattern ID_PATTERN = Pattern.compile("\\d{8}T\\d{6}\\.\\d{3}Z(-\\d+)?");
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    /** A manifest lists a few files: far below this. */
    static final int MANIFEST_LIMIT = 256 * 1024;
    /** A snapshot file is a config: read up to its manifest's size, never more than this. */
    static final int FILE_LIMIT = 16 * 1024 * 1024;

    private final Path root;
    private final TwinsConfig.Backup retention;
    private final Clock clock;
    /** Reads go through the share's checker: no link below the share followed, sizes bounded. */
    private final ShareFiles files;
    /** {@code root} relative to the directory {@link #files} is rooted in. */
    private final String prefix;

    /** @param root the {@code config-backup} directory on the shared store */
    public ConfigBackups(Path root, TwinsConfig.Backup retention, Clock clock) {
        Path absolute = root.toAbsolutePath();
        this.files = new ShareFiles(absolute.getParent());
        this.prefix = absolute.getFileName().toString();
        this.root = root;
        this.retention = retention;
        this.clock = clock;
    }

    /** The {@code config-backup} directory beside the state files. */
    public static Path rootFor(Path sharedStorage) {
        return sharedStorage.resolve("config-backup");
    }

    public Path root() {
        return root;
    }

    /**
     * Stores {@code files} (name → content) as a new snapshot of {@code twin}, then applies the
     * retention. The newest snapshot is never pruned, however old.
     */
    public Snapshot create(String twin, Map<String, byte[]> files, String source) throws IOException {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("a snapshot needs at least one file");
        }
        files.keySet().forEach(ConfigBackups::checkFileName);
        Instant now = clock.instant();
        Path twinDir = twinDir(twin);
        this.files.list(prefix + "/" + twin); // refuses a linked backup directory before anything is written there
        OwnerOnly.directories(twinDir);
        String id = ID.format(now);
        for (int n = 2; Files.exists(twinDir.resolve(id)); n++) {
            id = ID.format(now) + "-" + n;
        }
        Path staging = Files.createTempDirectory(twinDir, ".new-");
        try {
            OwnerOnly.directories(staging);
            List<Snapshot.FileEntry> entries = new ArrayList<>();
            for (var file : files.entrySet()) {
                Path target = staging.resolve(file.getKey());
                Files.write(target, file.getValue());
                OwnerOnly.file(target);
                entries.add(new Snapshot.FileEntry(file.getKey(), file.getValue().length, Sha256.hex(file.getValue())));
            }
            Map<String, Object> manifest = new LinkedHashMap<>();
            manifest.put("schemaVersion", 1);
            manifest.put("twin", twin);
            manifest.put("createdAt", now.toString());
            manifest.put("source", source);
            manifest.put("files", entries);
            Path manifestFile = staging.resolve(MANIFEST);
            Files.writeString(
                    manifestFile, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(manifest));
            OwnerOnly.file(manifestFile);
            Path dir = twinDir.resolve(id);
            try {
                Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(staging, dir);
            }
            Snapshot snapshot = new Snapshot(twin, id, dir, now, source, entries);
            prune(twin);
            return snapshot;
        } finally {
            deleteTree(staging);
        }
    }

    /** {@code twin}'s snapshots, newest first; a directory whose manifest is unreadable is listed as such. */
    public List<Snapshot> list(String twin) throws IOException {
        Path twinDir = twinDir(twin);
        List<Snapshot> snapshots = new ArrayList<>();
        for (ShareFiles.Entry entry : files.list(prefix + "/" + twin)) {
            if (entry.kind() == ShareFiles.Kind.DIRECTORY
                    && ID_PATTERN.matcher(entry.name()).matches()) {
                snapshots.add(read(twin, twinDir.resolve(entry.name())));
            }
        }
        snapshots.sort(Comparator.comparing(Snapshot::id).reversed());
        return snapshots;
    }

    /** The twins that have a snapshot directory. */
    public List<String> twins() throws IOException {
        return files.list(prefix).stream()
                .filter(e -> e.kind() == ShareFiles.Kind.DIRECTORY)
                .map(ShareFiles.Entry::name)
                .filter(name -> FILE_NAME.matcher(name).matches())
                .sorted()
                .toList();
    }

    /** Checks every file of {@code snapshot} against its manifest. */
    public SnapshotCheck verify(Snapshot snapshot) {
        if (snapshot.files().isEmpty()) {
            return new SnapshotCheck.Failed(snapshot, MANIFEST + " is missing or unreadable");
        }
        for (Snapshot.FileEntry entry : snapshot.files()) {
            try {
                byte[] content = readFile(snapshot, entry);
                String actual = Sha256.hex(content);
                if (!actual.equals(entry.sha256())) {
                    return new SnapshotCheck.Failed(
                            snapshot,
                            entry.name() + ": sha256 " + actual + " does not match the manifest's " + entry.sha256());
                }
            } catch (NoSuchFileException e) {
                return new SnapshotCheck.Failed(snapshot, entry.name() + " is missing");
            } catch (ShareFiles.RefusedException e) {
                return new SnapshotCheck.Failed(snapshot, entry.name() + ": " + e.getReason());
            } catch (IOException e) {
                return new SnapshotCheck.Failed(snapshot, entry.name() + ": " + e.getMessage());
            }
        }
        return new SnapshotCheck.Verified(snapshot);
    }

    /** The newest snapshot of {@code twin} whose checksums verify. */
    public Optional<Snapshot> newestVerified(String twin) throws IOException {
        for (Snapshot snapshot : list(twin)) {
            if (verify(snapshot).verified()) {
                return Optional.of(snapshot);
            }
        }
        return Optional.empty();
    }

    /** The snapshot {@code id} of {@code twin}. */
    public Optional<Snapshot> find(String twin, String id) throws IOException {
        return list(twin).stream().filter(s -> s.id().equals(id)).findFirst();
    }

    /**
     * The content of one file of a snapshot, checked against the manifest as it is read: a file
     * changed since {@link #verify} is refused all the same.
     */
    public byte[] content(Snapshot snapshot, String name) throws IOException {
        Snapshot.FileEntry entry = snapshot.files().stream()
                .filter(f -> f.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IOException("snapshot " + snapshot.id() + " has no " + name));
        byte[] content = readFile(snapshot, entry);
        if (!Sha256.hex(content).equals(entry.sha256())) {
            throw new IOException("snapshot " + snapshot.twin() + "/" + snapshot.id() + ": " + name
                    + " does not match its sha256 in the manifest; refusing to use it");
        }
        return content;
    }

    /**
     * Deletes {@code twin}'s snapshots beyond the newest {@code keep} and those older than {@code
     * max_age}, always keeping the newest one.
     *
     * @return the ids deleted
     */
    public List<String> prune(String twin) throws IOException {
        List<Snapshot> snapshots = list(twin);
        Instant oldest = clock.instant().minus(retention.maxAge());
        List<String> deleted = new ArrayList<>();
        for (int i = 1; i < snapshots.size(); i++) {
            Snapshot snapshot = snapshots.get(i);
            if (i >= retention.keep() || snapshot.createdAt().isBefore(oldest)) {
                deleteTree(snapshot.dir());
                deleted.add(snapshot.id());
            }
        }
        return deleted;
    }

    private Path twinDir(String twin) {
        if (!FILE_NAME.matcher(twin).matches()) {
            throw new IllegalArgumentException("'" + twin + "' cannot name a backup directory");
        }
        return root.resolve(twin);
    }

    private static void checkFileName(String name) {
        if (!FILE_NAME.matcher(name).matches() || name.equals(MANIFEST)) {
            throw new IllegalArgumentException("'" + name + "' cannot be a file name in a snapshot");
        }
    }

    /** One snapshot file, up to the size its manifest gives. */
    private byte[] readFile(Snapshot snapshot, Snapshot.FileEntry entry) throws IOException {
        String relative = prefix + "/" + snapshot.twin() + "/" + snapshot.id() + "/" + entry.name();
        int limit = (int) Math.max(0, Math.min(entry.size(), FILE_LIMIT));
        return switch (files.read(relative, limit)) {
            case ShareFiles.Content c -> c.bytes();
            case ShareFiles.Missing m -> throw new NoSuchFileException(relative);
            case ShareFiles.Refused r -> throw new ShareFiles.RefusedException(relative, r.problem());
        };
    }

    private Snapshot read(String twin, Path dir) throws IOException {
        String id = dir.getFileName().toString();
        try {
            byte[] bytes = switch (files.read(prefix + "/" + twin + "/" + id + "/" + MANIFEST, MANIFEST_LIMIT)) {
                case ShareFiles.Content c -> c.bytes();
                case ShareFiles.Missing m -> null;
                case ShareFiles.Refused r -> null;
            };
            if (bytes == null) {
                return new Snapshot(twin, id, dir, idTime(id), "(unreadable manifest)", List.of());
            }
            ManifestJson manifest = JSON.readValue(bytes, ManifestJson.class);
            List<Snapshot.FileEntry> files = manifest.files() == null ? List.of() : manifest.files();
            for (Snapshot.FileEntry file : files) {
                if (file.name() == null
                        || file.sha256() == null
                        || !FILE_NAME.matcher(file.name()).matches()) {
                    return new Snapshot(twin, id, dir, idTime(id), "(bad manifest)", List.of());
                }
            }
            return new Snapshot(
                    twin,
                    id,
                    dir,
                    manifest.createdAt() != null ? manifest.createdAt() : idTime(id),
                    manifest.source() == null ? "" : ShareText.printable(manifest.source()),
                    files);
        } catch (JacksonException | UncheckedIOException e) {
            return new Snapshot(twin, id, dir, idTime(id), "(unreadable manifest)", List.of());
        }
    }

    /** What manifest.json holds; unknown fields are ignored so later versions can add some. */
    private record ManifestJson(
            int schemaVersion, String twin, Instant createdAt, String source, List<Snapshot.FileEntry> files) {}

    private static Instant idTime(String id) {
        return Instant.from(ID.parse(id.substring(0, 20)));
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
