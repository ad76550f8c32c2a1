package dev.openclaw.twin.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.state.FileStateStore;
import dev.openclaw.twin.testing.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Someone who can write to the share (another computer on the NAS, a half-synced cloud folder)
 * plants entries in a folder's index and manifest, and symlinks in the store and in the workspace:
 * nothing outside the folder is written, read into it or deleted (a canary directory beside the
 * workspace is compared byte for byte), each entry is reported, and the good files still sync.
 */
class HostileShareSyncTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    private Path tars;
    private Path casey;
    private Path store;
    private Path canary;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));
    private final TwinsConfig.SyncFolder folder =
            new TwinsConfig.SyncFolder("knowledge", "knowledge", List.of(), List.of());

    @BeforeEach
    void dirs() throws IOException {
        tars = Files.createDirectories(dir.resolve("tars/workspace/knowledge"));
        casey = Files.createDirectories(dir.resolve("case/workspace/knowledge"));
        store = Files.createDirectories(dir.resolve("store"));
        // The victim's home beside case's workspace: ../../victimhome from the folder.
        canary = Files.createDirectories(dir.resolve("case/victimhome"));
        write(canary, ".ssh/authorized_keys", "ssh-ed25519 AAAA the owner's own key\n");
        write(canary, "delete-me.txt", "must stay");
        write(canary, "victim.txt", "must stay too");
        write(canary, "secret.txt", "root:$6$hash:19000:0:99999:7:::\n");
    }

    private SyncReport sync(String twin) throws IOException {
        clock.advance(Duration.ofSeconds(1));
        return new FolderSync(
                        twin,
                        folder,
                        twin.equals("tars") ? tars : casey,
                        store,
                        new FileStateStore(store, "twin-primary.json"),
                        1024 * 1024,
                        clock,
                        (action, path) -> {},
                        file -> {})
                .run(false);
    }

    private static void write(Path root, String path, String text) throws IOException {
        Files.createDirectories(root.resolve(path).getParent());
        Files.writeString(root.resolve(path), text);
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Every file under {@code root}, symlinks as "-> target", without following any. */
    private static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                String rel = root.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    files.put(rel, "-> " + Files.readSymbolicLink(p));
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    files.put(rel, Files.readString(p));
                } else {
                    files.put(rel + "/", "");
                }
            }
        }
        return files;
    }

    private Path listing(String relative) {
        return store.resolve("sync/knowledge").resolve(relative);
    }

    private void addEntries(String relative, Map<String, String> entries) throws Exception {
        Path file = listing(relative);
        ObjectNode root = Files.exists(file)
                ? (ObjectNode) JSON.readTree(file.toFile())
                : JSON.createObjectNode().put("schemaVersion", 1);
        ObjectNode files = root.has("files") ? (ObjectNode) root.get("files") : root.putObject("files");
        for (Map.Entry<String, String> e : entries.entrySet()) {
            files.putObject(e.getKey())
                    .put("sha256", sha256(e.getValue()))
                    .put("size", e.getValue().length())
                    .put("modifiedMillis", 0);
        }
        Files.createDirectories(file.getParent());
        Files.write(file, JSON.writeValueAsBytes(root));
    }

    @Test
    void hostileIndexAndManifestEntriesAndSymlinksTouchNothingOutsideTheFolder() throws Exception {
        write(tars, "good.md", "good knowledge");
        write(tars, "notes/also-good.md", "more");
        sync("tars");
        Path files = listing("files");

        // Sources the attacker placed on the share for the entries below.
        String key = "ssh-ed25519 AAAA the attacker's key\n";
        write(store.resolve("sync"), "victimhome/.ssh/authorized_keys", key); // files/../../victimhome/...
        write(files, "backslash\\..\\..\\x.txt", "b");
        write(files, "C:/victimhome/x.txt", "c");
        write(files, "planted/x.txt", "planted through a symlinked directory");
        Files.createSymbolicLink(files.resolve("shadow.txt"), canary.resolve("secret.txt"));
        Files.createSymbolicLink(files.resolve("docs"), canary);
        // A symlinked directory inside case's own folder, where the index says a file goes.
        Files.createSymbolicLink(casey.resolve("planted"), canary);

        addEntries(
                "index.json",
                Map.of(
                        "../../victimhome/.ssh/authorized_keys",
                        key,
                        canary.resolve("absolute.txt").toString(),
                        "a",
                        "backslash\\..\\..\\x.txt",
                        "b",
                        "C:/victimhome/x.txt",
                        "c",
                        "nul\u0000.txt",
                        "n",
                        "planted/x.txt",
                        "planted through a symlinked directory",
                        "shadow.txt",
                        "root:$6$hash:19000:0:99999:7:::\n",
                        // with the manifest below: "deleted here", so deleted on the store...
                        "../../../../case/victimhome/delete-me.txt",
                        "must stay",
                        "docs/victim.txt",
                        "must stay too"));
        addEntries(
                "manifests/case.json",
                Map.of(
                        "../../../../case/victimhome/delete-me.txt", "must stay",
                        "docs/victim.txt", "must stay too"));
        Map<String, String> canaryBefore = snapshot(canary);

        SyncReport report = sync("case");

        assertThat(snapshot(canary)).isEqualTo(canaryBefore);
        assertThat(snapshot(casey))
                .isEqualTo(Map.of(
                        "/", "", // the folder itself
                        "good.md", "good knowledge",
                        "notes/", "",
                        "notes/also-good.md", "more",
                        "planted", "-> " + canary));
        assertThat(report.pulled()).containsExactlyInAnyOrder("good.md", "notes/also-good.md");
        assertThat(report.deletedShared()).isEmpty();
        assertThat(report.deletedHere()).isEmpty();
        assertThat(String.join("\n", report.problems()))
                .contains("\"../../victimhome/.ssh/authorized_keys\" refused (a '..' component)")
                .contains("\"" + canary.resolve("absolute.txt") + "\" refused (an absolute path)")
                .contains("refused (a backslash in the path)")
                .contains("\"C:/victimhome/x.txt\" refused (a drive letter)")
                .contains("\"nul\\u0000.txt\" refused (a control character in the path)")
                .contains("planted/x.txt: refused, planted is a symlink")
                .contains("shadow.txt: refused, sync/knowledge/files/shadow.txt is a symlink")
                .contains("manifests/case.json: entry \"../../../../case/victimhome/delete-me.txt\" refused")
                .contains("docs/victim.txt: refused, sync/knowledge/files/docs is a symlink");
        assertThat(report.problems()).allSatisfy(p -> assertThat(p).doesNotContain("\u0000"));

        // The next syncs, both ways, still leave everything outside alone and carry good files.
        write(casey, "from-case.md", "case's note");
        sync("case");
        sync("tars");
        assertThat(Files.readString(tars.resolve("from-case.md"))).isEqualTo("case's note");
        assertThat(snapshot(canary)).isEqualTo(canaryBefore);
        assertThat(tars.resolve("shadow.txt")).doesNotExist();
    }

    /** Plants one kind of attack, syncs case, and checks the canary, the good file and the report. */
    private void attack(String entry, String content, boolean alsoInManifest, String expectedProblem) throws Exception {
        write(tars, "good.md", "good knowledge");
        sync("tars");
        addEntries("index.json", Map.of(entry, content));
        if (alsoInManifest) {
            addEntries("manifests/case.json", Map.of(entry, content));
        }
        Map<String, String> canaryBefore = snapshot(canary);

        SyncReport report = sync("case");

        assertThat(snapshot(canary)).isEqualTo(canaryBefore);
        assertThat(report.pulled()).containsExactly("good.md");
        assertThat(Files.readString(casey.resolve("good.md"))).isEqualTo("good knowledge");
        assertThat(report.deletedShared()).isEmpty();
        assertThat(String.join("\n", report.problems())).contains(expectedProblem);
    }

    @Test
    void theReportedAttackAnIndexEntryWritingAnAuthorizedKeyOutsideTheFolderIsRefused() throws Exception {
        String key = "ssh-ed25519 AAAA the attacker's key\n";
        write(store.resolve("sync"), "victimhome/.ssh/authorized_keys", key); // files/../../victimhome/...
        attack("../../victimhome/.ssh/authorized_keys", key, false, "refused (a '..' component)");
    }

    @Test
    void anEntryMadeToLookDeletedHereDeletesNothingOutsideTheStore() throws Exception {
        // In the index and in case's manifest, absent from case's folder: "deleted here", so the old
        // code deleted files/../../../../case/victimhome/delete-me.txt.
        attack("../../../../case/victimhome/delete-me.txt", "must stay", true, "refused (a '..' component)");
    }

    @Test
    void aSymlinkedDirectoryInTheWorkspaceFolderDoesNotRedirectAWrite() throws Exception {
        write(listing("files"), "planted/x.txt", "planted through a symlinked directory");
        Files.createSymbolicLink(casey.resolve("planted"), canary);
        attack("planted/x.txt", "planted through a symlinked directory", false, "planted is a symlink");
    }

    @Test
    void aSymlinkedDirectoryInTheStoreDoesNotRedirectADelete() throws Exception {
        Files.createDirectories(listing("files"));
        Files.createSymbolicLink(listing("files/docs"), canary);
        attack("docs/victim.txt", "must stay too", true, "sync/knowledge/files/docs is a symlink");
    }

    @Test
    void aSymlinkInTheStoresFilesIsNeverReadIntoTheWorkspace() throws Exception {
        Files.createDirectories(listing("files"));
        Files.createSymbolicLink(listing("files/shadow.txt"), canary.resolve("secret.txt"));
        attack("shadow.txt", "root:$6$hash:19000:0:99999:7:::\n", false, "files/shadow.txt is a symlink");
        assertThat(casey.resolve("shadow.txt")).doesNotExist();
    }

    @Test
    void malformedEntriesAreRefusedOneByOneAndNeverTakenForDeletions() throws Exception {
        write(tars, "plan.md", "the plan");
        write(tars, "other.md", "other");
        sync("tars");
        sync("case");
        // The index's entry for plan.md goes bad (a twin of another version, a damaged write).
        Path index = listing("index.json");
        ObjectNode root = (ObjectNode) JSON.readTree(index.toFile());
        ObjectNode entries = (ObjectNode) root.get("files");
        entries.putObject("plan.md").put("sha256", "NOT-A-HASH").put("size", -3);
        entries.put("weird.md", "just a string");
        Files.write(index, JSON.writeValueAsBytes(root));

        write(casey, "other.md", "other, edited by case");
        SyncReport report = sync("case");

        assertThat(report.problems())
                .containsExactlyInAnyOrder(
                        "sync/knowledge/index.json: entry \"plan.md\" refused (sha256 is not 64 lowercase hex digits)",
                        "sync/knowledge/index.json: entry \"weird.md\" refused (not an object)");
        assertThat(report.pushed()).containsExactly("other.md");
        assertThat(report.deletedHere()).isEmpty();
        assertThat(Files.readString(casey.resolve("plan.md"))).isEqualTo("the plan");
        // The entry this version cannot read is kept as it was, so the next sync does not delete either.
        assertThat(JSON.readTree(index.toFile())
                        .get("files")
                        .get("plan.md")
                        .get("sha256")
                        .stringValue())
                .isEqualTo("NOT-A-HASH");
        sync("tars");
        sync("case");
        assertThat(Files.readString(casey.resolve("plan.md"))).isEqualTo("the plan");
        assertThat(Files.readString(tars.resolve("plan.md"))).isEqualTo("the plan");
        assertThat(Files.readString(tars.resolve("other.md"))).isEqualTo("other, edited by case");
    }

    @Test
    void aCorruptOrOversizedIndexStopsTheFolderWithAClearProblemAndLosesNothing() throws Exception {
        write(tars, "plan.md", "the plan");
        sync("tars");
        sync("case");
        Map<String, String> before = snapshot(casey);
        Path index = listing("index.json");

        Files.writeString(index, "{\"schemaVersion\":1,\"files\":{\"plan.md\":"); // truncated
        assertThatThrownBy(() -> sync("case")).hasMessageContaining("is not a readable sync listing");
        assertThat(snapshot(casey)).isEqualTo(before);

        Files.writeString(index, "{\"schemaVersion\":1,\"files\":[]}");
        assertThatThrownBy(() -> sync("case")).hasMessageContaining("no \"files\" object");
        assertThat(snapshot(casey)).isEqualTo(before);

        try (var out = Files.newOutputStream(index)) {
            out.write("{\"files\":{\"pad\":\"".getBytes(StandardCharsets.UTF_8));
            byte[] pad = new byte[1024 * 1024];
            java.util.Arrays.fill(pad, (byte) 'x');
            for (int i = 0; i <= SharedFolder.MAX_LISTING_BYTES / pad.length; i++) {
                out.write(pad);
            }
            out.write("\"}}".getBytes(StandardCharsets.UTF_8));
        }
        assertThatThrownBy(() -> sync("case")).hasMessageContaining("index.json is too large (over 16 MB)");
        assertThat(snapshot(casey)).isEqualTo(before);

        // A symlinked index is not read either (it could be any file on the host).
        Files.delete(index);
        Files.createSymbolicLink(index, canary.resolve("secret.txt"));
        assertThatThrownBy(() -> sync("case")).hasMessageContaining("index.json is a symlink");
        assertThat(snapshot(casey)).isEqualTo(before);
    }
}
