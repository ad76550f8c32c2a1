package dev.openclaw.twin.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The one check every sync path passes, from an index, a manifest or a local file name. */
class SyncPathTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(
            strings = {
                "a.md",
                "notes/2026/plan.md",
                ".hidden",
                "..dots-in-name..md",
                "meeting 10:30.md",
                "naïve/résumé.md",
                "a~b.md"
            })
    void normalisedRelativePathsAreAccepted(String path) {
        assertThat(SyncPath.problem(path)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "..",
                "../x",
                "a/../../x",
                "a/..",
                "./a",
                "a/./b",
                "a//b",
                "a/",
                "/etc/passwd",
                "~/x",
                "~root/x",
                "C:/x",
                "c:x",
                "a\\..\\x",
                "a\u0000b",
                "a\nb",
                "a\u001b[31mb",
                "a\u007fb",
                "a\u0085b"
            })
    void everythingElseIsRefused(String path) {
        assertThat(SyncPath.problem(path)).isPresent();
    }

    @Test
    void lengthsAreBounded() {
        assertThat(SyncPath.problem("a".repeat(255))).isEmpty();
        assertThat(SyncPath.problem("a".repeat(256))).contains("a name longer than 255 bytes");
        assertThat(SyncPath.problem("é".repeat(128))).contains("a name longer than 255 bytes");
        assertThat(SyncPath.problem("abcd/".repeat(205) + "x")).contains("a path longer than 1024 characters");
    }

    @Test
    void resolvingRefusesASymlinkAnywhereBelowTheRootButNotTheRootItself() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Path realRoot = Files.createDirectories(dir.resolve("real-root"));
        Path root = Files.createSymbolicLink(dir.resolve("root"), realRoot); // a configured path may be a link
        Files.createDirectories(root.resolve("a"));
        Files.createSymbolicLink(root.resolve("a/link"), outside);
        Files.createSymbolicLink(root.resolve("file-link"), outside.resolve("x"));

        assertThat(SyncPath.resolve(root, "a/new/deeper.md")).isEqualTo(root.resolve("a/new/deeper.md"));
        assertThatThrownBy(() -> SyncPath.resolve(root, "a/link/x.md"))
                .isInstanceOf(SyncPath.Refused.class)
                .hasMessage("a/link/x.md: refused, a/link is a symlink");
        assertThatThrownBy(() -> SyncPath.resolve(root, "file-link"))
                .hasMessage("file-link: refused, file-link is a symlink");
        assertThatThrownBy(() -> SyncPath.resolve(root, "../outside/x"))
                .hasMessage("../outside/x: refused, a '..' component");
    }

    @Test
    void printableEscapesControlCharactersAndCutsLongText() {
        assertThat(SyncPath.printable("a\u001b[2Jb\u0007")).isEqualTo("a\\u001b[2Jb\\u0007");
        assertThat(SyncPath.printable("x".repeat(500))).hasSize(201).endsWith("…");
    }
}
