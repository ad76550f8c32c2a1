package dev.openclaw.twin.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openclaw.twin.testing.ReadOnlyDirectory;
import dev.openclaw.twin.testing.TestConfigs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShareCheckTest {

    @TempDir
    Path dir;

    private CheckResult check(String type, Path path) throws Exception {
        return new ShareCheck(TestConfigs.parse("""
                        twins: {tars: {hostname: h1, daemon_url: "http://h1:7420"},
                                case: {hostname: h2, daemon_url: "http://h2:7420"}}
                        shared_storage: {type: %s, path: %s}
                        """.formatted(type, path))).run();
    }

    private static long entries(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        }
    }

    @Test
    void aWritableLocalShareWithExclusiveCreateAndHardLinksIsOkAndTheProbesAreGone() throws Exception {
        CheckResult result = check("local", dir);

        assertThat(result).isInstanceOf(CheckResult.Ok.class);
        assertThat(result.detail())
                .contains("(" + Files.getFileStore(dir).type() + ", type local)")
                .contains("exclusive create and hard links work");
        assertThat(entries(dir)).isZero();
    }

    @Test
    void aReadOnlyShareFailsWithTheFix() throws Exception {
        try (ReadOnlyDirectory readOnly = ReadOnlyDirectory.of(dir)) {
            CheckResult result = check("local", dir);

            assertThat(result).isInstanceOf(CheckResult.Failure.class);
            assertThat(result.detail()).contains("is not writable");
            assertThat(result.fix()).hasValueSatisfying(f -> assertThat(f).contains("write access to " + dir));
        }
        assertThat(entries(dir)).isZero();
    }

    @Test
    void aMissingShareFailsAsNotMounted() throws Exception {
        CheckResult result = check("nfs", dir.resolve("nas"));

        assertThat(result).isInstanceOf(CheckResult.Failure.class);
        assertThat(result.detail()).contains("does not exist (is the share mounted?)");
        assertThat(result.fix()).hasValueSatisfying(f -> assertThat(f).contains("shared_storage.path"));
    }

    @Test
    void aCloudFolderAndAnNfsShareOnALocalDiskAreWarnings() throws Exception {
        CheckResult cloud = check("cloud", dir);
        assertThat(cloud).isInstanceOf(CheckResult.Warning.class);
        assertThat(cloud.detail()).contains("cloud-sync folder");

        CheckResult nfs = check("nfs", dir);
        assertThat(nfs).isInstanceOf(CheckResult.Warning.class);
        assertThat(nfs.detail()).contains("is not nfs: is the share mounted there?");
        assertThat(entries(dir)).isZero();
    }
}
