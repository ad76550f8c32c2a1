package dev.openclaw.twin.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's cloud-sync service, one round at a time: what reaches which copy, and what wins. */
class CloudFolderSyncTest {

    @TempDir
    Path dir;

    private final Instant t0 = Instant.parse("2026-03-28T12:00:00Z");

    private CloudFolderSync service(Path service, Path... copies) {
        return new CloudFolderSync(service, List.of(copies), Duration.ofSeconds(1));
    }

    private static void write(Path file, String text, Instant modified) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, FileTime.from(modified));
    }

    @Test
    void aChangeInOneCopyReachesTheOthersWithItsModificationTime() throws Exception {
        Path service = Files.createDirectories(dir.resolve("service"));
        Path tars = Files.createDirectories(dir.resolve("tars"));
        Path kase = Files.createDirectories(dir.resolve("case"));
        write(tars.resolve("twin/heartbeats/tars.json"), "{\"seq\":1}", t0);

        CloudFolderSync sync = service(service, tars, kase);
        sync.syncOnce();
        sync.syncOnce(); // case's turn came before tars's upload in the first round

        Path atCase = kase.resolve("twin/heartbeats/tars.json");
        assertThat(atCase).hasContent("{\"seq\":1}");
        assertThat(Files.getLastModifiedTime(atCase).toInstant()).isEqualTo(t0);
    }

    @Test
    void whenBothSidesChangedTheNewerWinsEverywhere() throws Exception {
        Path service = Files.createDirectories(dir.resolve("service"));
        Path tars = Files.createDirectories(dir.resolve("tars"));
        Path kase = Files.createDirectories(dir.resolve("case"));
        write(tars.resolve("twin-primary.json"), "tars's", t0.plusSeconds(5));
        write(kase.resolve("twin-primary.json"), "case's", t0);

        CloudFolderSync sync = service(service, tars, kase);
        sync.syncOnce();
        sync.syncOnce();

        assertThat(kase.resolve("twin-primary.json")).hasContent("tars's");
        assertThat(service.resolve("twin-primary.json")).hasContent("tars's");
        assertThat(tars.resolve("twin-primary.json")).hasContent("tars's");
    }

    @Test
    void aCopyThatIsGoneIsNeverRecreatedAndHiddenTemporaryFilesNeverTravel() throws Exception {
        Path service = Files.createDirectories(dir.resolve("service"));
        Path tars = Files.createDirectories(dir.resolve("tars"));
        Path gone = dir.resolve("case");
        write(tars.resolve("twin/claims/ab/.ab12.json.123.tmp"), "half", t0);
        write(tars.resolve("twin/claims/ab/ab12.json"), "{}", t0);

        service(service, tars, gone).syncOnce();

        assertThat(gone).doesNotExist();
        assertThat(service.resolve("twin/claims/ab/ab12.json")).hasContent("{}");
        assertThat(service.resolve("twin/claims/ab/.ab12.json.123.tmp")).doesNotExist();
    }
}
