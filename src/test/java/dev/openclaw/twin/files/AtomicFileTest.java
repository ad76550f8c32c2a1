package dev.openclaw.twin.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one temp-fsync-rename, exclusive-create and sha256 primitive, on real files. */
class AtomicFileTest {

    @TempDir
    Path dir;

    @Test
    void aWriteReplacesTheFileWholeAndLeavesNothingBehind() throws Exception {
        Path file = dir.resolve("twins.yaml");
        AtomicFile.OWNER_ONLY.write(file, "one".getBytes(StandardCharsets.UTF_8));
        AtomicFile.OWNER_ONLY.write(file, out -> out.write("two".getBytes(StandardCharsets.UTF_8)));
        assertThat(file).hasContent("two");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("twins.yaml");
        }
    }

    @Test
    void aWriteWithAModeGivesTheNewFileThatModeFromBeforeTheRename() throws Exception {
        Path file = Files.writeString(dir.resolve("twins.yaml"), "one");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        AtomicFile.OWNER_ONLY.write(file, "two".getBytes(StandardCharsets.UTF_8), Files.getPosixFilePermissions(file));
        assertThat(file).hasContent("two");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-r-----");
        AtomicFile.OWNER_ONLY.write(file, "three".getBytes(StandardCharsets.UTF_8), null);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("twins.yaml");
        }
    }

    @Test
    void aLinkAtTheTargetIsReplacedNeverWrittenThrough() throws Exception {
        Path victim = Files.writeString(dir.resolve("victim"), "precious");
        Path link = Files.createSymbolicLink(dir.resolve("state.json"), victim);
        AtomicFile.PLAIN.write(link, "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(victim).hasContent("precious");
        assertThat(Files.isSymbolicLink(link)).isFalse();
        assertThat(link).hasContent("{}");
    }

    @Test
    void exclusiveCreateHasOneWinnerOnEitherPathAndNeverFollowsALink() throws Exception {
        for (ExclusiveCreate how : ExclusiveCreate.values()) {
            Path file = dir.resolve(how + ".json");
            assertThat(AtomicFile.PLAIN.createExclusive(file, new byte[] {'1'}, how))
                    .isTrue();
            assertThat(AtomicFile.PLAIN.createExclusive(file, new byte[] {'2'}, how))
                    .isFalse();
            assertThat(file).hasContent("1");

            Path victim = Files.writeString(dir.resolve(how + ".victim"), "precious");
            Path link = Files.createSymbolicLink(dir.resolve(how + ".link"), victim);
            assertThat(AtomicFile.PLAIN.createExclusive(link, new byte[] {'3'}, how))
                    .isFalse();
            assertThat(victim).hasContent("precious");
        }
        assertThat(ExclusiveCreate.probe(dir)).isEqualTo(ExclusiveCreate.HARD_LINK);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("."));
        }
    }

    @Test
    void sha256IsTheStandardOneHoweverItIsFed() throws Exception {
        String abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assertThat(Sha256.hex("abc")).isEqualTo(abc);
        assertThat(Sha256.hex("abc".getBytes(StandardCharsets.UTF_8))).isEqualTo(abc);
        assertThat(Sha256.hex(Files.writeString(dir.resolve("abc"), "abc"))).isEqualTo(abc);
        try (Sha256.Hashing in = Sha256.hashing(new ByteArrayInputStream("abc".getBytes(StandardCharsets.UTF_8)))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            assertThat(in.hex()).isEqualTo(abc);
        }
    }
}
