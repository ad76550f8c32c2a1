package dev.openclaw.twin.doctor;

import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.config.TwinsConfig.StorageType;
import dev.openclaw.twin.files.AtomicFile;
import dev.openclaw.twin.files.ExclusiveCreate;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The share: there, writable, and able to do the two atomic operations claims rest on, tried for
 * real on probe files that are removed afterwards: an exclusive create must fail the second time,
 * and so must a hard link to a name that exists. Also names the file system, since a share that is
 * not mounted looks like an empty local directory.
 */
public final class ShareCheck implements Check {

    /** File system types (statfs names, as {@code FileStore.type()} gives them) each share type should be on. */
    private static final Map<StorageType, List<String>> EXPECTED = Map.of(
            StorageType.SMB, List.of("cifs", "smb3", "smbfs", "smb2"),
            StorageType.NFS, List.of("nfs", "nfs4"));

    private final TwinsConfig config;

    public ShareCheck(TwinsConfig config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "share";
    }

    @Override
    public CheckResult run() throws IOException {
        TwinsConfig.SharedStorage storage = config.sharedStorage();
        if (!storage.type().isFileBackend()) {
            return CheckResult.warning(
                    name(),
                    "shared_storage.type " + storage.type().configName() + " is not checked by this version",
                    "use a shared directory (smb, nfs, local) for now");
        }
        Path root = storage.path().orElseThrow();
        String type = storage.type().configName();
        if (!Files.isDirectory(root)) {
            return CheckResult.failure(
                    name(),
                    root + " does not exist (is the share mounted?)",
                    "mount the share at " + root + ", or correct shared_storage.path in " + config.source());
        }
        String fileSystem = Files.getFileStore(root).type();
        String where = root + " (" + fileSystem + ", type " + type + ")";
        String unique = ".twin-doctor-" + UUID.randomUUID();
        Path probe = root.resolve(unique + ".probe");
        Path link = root.resolve(unique + ".link");
        try {
            try {
                AtomicFile.PLAIN.createExclusive(probe, new byte[] {'{', '}'}, ExclusiveCreate.EXCLUSIVE_OPEN);
            } catch (IOException e) {
                return CheckResult.failure(
                        name(),
                        where + " is not writable: " + reason(e),
                        "remount it read-write, or give " + System.getProperty("user.name") + " write access to "
                                + root);
            }
            if (createsAgain(probe)) {
                return CheckResult.failure(
                        name(),
                        where + ": an exclusive create of an existing file succeeded, so two twins could both win"
                                + " a claim",
                        "use a share that honours O_EXCL (SMB2+, NFSv3+, a local disk) or etcd");
            }
            String links = hardLinks(probe, link);
            if (links != null) {
                return CheckResult.warning(
                        name(),
                        where + ": writable, exclusive create works, hard links do not (" + links
                                + "): claims fall back to exclusive create, a reader may see one empty for a moment",
                        "mount the share with hard links (SMB: a server with unix extensions; NFS supports them)");
            }
        } finally {
            Files.deleteIfExists(link);
            Files.deleteIfExists(probe);
        }
        if (storage.type() == StorageType.CLOUD) {
            return CheckResult.warning(
                    name(),
                    where + ": writable, but a cloud-sync folder syncs later: claims are arbitrated by one"
                            + " twin's daemon over daemon_url instead, and a takeover waits shared_storage.sync_lag",
                    "for twins on different hosts an SMB/NFS share (type smb/nfs) or etcd needs no arbiter");
        }
        List<String> expected = EXPECTED.get(storage.type());
        if (expected != null && !expected.contains(fileSystem.toLowerCase(Locale.ROOT))) {
            return CheckResult.warning(
                    name(),
                    where + ": writable, but " + fileSystem + " is not " + type + ": is the share mounted there?",
                    "mount the " + type + " share at " + root + " (findmnt " + root + " shows what is mounted)");
        }
        return CheckResult.ok(name(), where + ": writable, exclusive create and hard links work");
    }

    /** Whether an exclusive create, the way a claim is created without hard links, wins over an existing file. */
    private static boolean createsAgain(Path probe) throws IOException {
        return AtomicFile.PLAIN.createExclusive(probe, new byte[0], ExclusiveCreate.EXCLUSIVE_OPEN);
    }

    /** Null when hard links work (a second link to an existing name fails); else why not. */
    private static String hardLinks(Path probe, Path link) throws IOException {
        try {
            Files.createLink(link, probe);
        } catch (UnsupportedOperationException | FileSystemException e) {
            return reason(e);
        }
        try {
            Files.createLink(link, probe);
            return "a second link to an existing name succeeded";
        } catch (FileAlreadyExistsException e) {
            return Files.isSameFile(link, probe) ? null : "the link is not the same file";
        }
    }

    private static String reason(Exception e) {
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
