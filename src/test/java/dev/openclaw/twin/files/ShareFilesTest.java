package dev.openclaw.twin.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The share's one reader and writer, on real files, links and a named pipe. */
class ShareFilesTest {

    @TempDir
    Path dir;

    private Path share;
    private Path outside;
    private ShareFiles files;

    @BeforeEach
    void createShare() throws Exception {
        share = Files.createDirectory(dir.resolve("share"));
        outside = Files.createDirectory(dir.resolve("outside"));
        files = new ShareFiles(share);
    }

    @Test
    void readsAreBoundedAndOnlyOfRegularFiles() throws Exception {
        files.write("twin/a.json", "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(files.read("twin/a.json", 2))
                .isInstanceOfSatisfying(
                        ShareFiles.Content.class,
                        c -> assertThat(new String(c.bytes(), StandardCharsets.UTF_8))
                                .isEqualTo("{}"));
        assertThat(files.read("twin/a.json", 1)).isEqualTo(new ShareFiles.Refused("too large (2 bytes, limit 1)"));
        assertThat(files.read("twin/missing.json", 10)).isEqualTo(new ShareFiles.Missing());
        assertThat(files.read("nowhere/missing.json", 10)).isEqualTo(new ShareFiles.Missing());
        Files.createDirectory(share.resolve("twin/d.json"));
        assertThat(files.read("twin/d.json", 10)).isEqualTo(new ShareFiles.Refused("is a directory, not a file"));
        Files.writeString(share.resolve("file"), "x");
        assertThat(files.read("file/below.json", 10)).isEqualTo(new ShareFiles.Refused("is not a directory"));
    }

    @Test
    void aNamedPipeIsRefusedWithoutBlocking() throws Exception {
        Path pipe = share.resolve("heartbeat.json");
        int made = new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor();
        assumeTrue(made == 0, "mkfifo is not available");
        ShareFiles.Read read =
                assertTimeoutPreemptively(Duration.ofSeconds(10), () -> files.read("heartbeat.json", 100));
        assertThat(read).isEqualTo(new ShareFiles.Refused("is not a regular file"));
        assertThatThrownBy(() -> assertTimeoutPreemptively(
                        Duration.ofSeconds(10), () -> files.append("heartbeat.json", new byte[] {1})))
                .isInstanceOf(ShareFiles.RefusedException.class);
    }

    @Test
    void linksAreNeverFollowedNorDeletedThrough() throws Exception {
        Path victim = Files.writeString(outside.resolve("victim.json"), "precious");
        Files.createDirectories(share.resolve("twin"));
        Files.createSymbolicLink(share.resolve("twin/link.json"), victim);
        Files.createSymbolicLink(share.resolve("twin/out"), outside);

        assertThat(files.read("twin/link.json", 100))
                .isEqualTo(new ShareFiles.Refused("is a symbolic link (not followed)"));
        assertThat(files.read("twin/out/victim.json", 100))
                .isEqualTo(new ShareFiles.Refused("is a symbolic link (not followed)"));
        assertThat(files.delete("twin/link.json")).isFalse();
        assertThatThrownBy(() -> files.delete("twin/out/victim.json")).isInstanceOf(ShareFiles.RefusedException.class);
        assertThatThrownBy(() -> files.write("twin/out/new.json", new byte[1]))
                .isInstanceOf(ShareFiles.RefusedException.class)
                .hasMessageContaining("twin/out");
        assertThatThrownBy(() -> files.list("twin/out")).isInstanceOf(ShareFiles.RefusedException.class);
        assertThat(files.modified("twin/link.json")).isEmpty();
        assertThat(files.list("twin").stream().map(e -> e.name() + " " + e.kind()))
                .containsExactlyInAnyOrder("link.json LINK", "out LINK");
        assertThat(victim).hasContent("precious");
        try (var left = Files.list(outside)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("victim.json");
        }
    }

    @Test
    void aRootThatIsALinkIsTheOperatorsChoiceAndWorks() throws Exception {
        Path alias = Files.createSymbolicLink(dir.resolve("alias"), share);
        ShareFiles viaAlias = new ShareFiles(alias);
        viaAlias.write("twin/heartbeats/tars.json", "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(viaAlias.read("twin/heartbeats/tars.json", 10)).isInstanceOf(ShareFiles.Content.class);
        assertThat(share.resolve("twin/heartbeats/tars.json")).hasContent("{}");
    }

    @Test
    void pathsAreTheProgramsOwnNeverClimbingOut() {
        for (String bad : List.of("../x", "twin/../../x", "/etc/passwd", "twin//x", "twin/./x", "a\\..\\b", "x\0y")) {
            assertThatThrownBy(() -> files.read(bad, 10)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
