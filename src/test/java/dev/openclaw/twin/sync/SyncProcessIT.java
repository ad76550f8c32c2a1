package dev.openclaw.twin.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.openclaw.twin.testing.TwinLauncher;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code twin sync} as a real process, SIGKILLed half way through, then run again. */
class SyncProcessIT {

    private static final int FILES = 200;

    @TempDir
    Path dir;

    @Test
    void aSyncKilledHalfWayLeavesOnlyWholeFilesAndTheNextRunFinishesTheJob() throws Exception {
        Path tarsKnowledge = Files.createDirectories(dir.resolve("tars/knowledge"));
        Files.createDirectories(dir.resolve("case/knowledge"));
        Path store = Files.createDirectories(dir.resolve("store"));
        for (int i = 0; i < FILES; i++) {
            Files.writeString(tarsKnowledge.resolve("note-" + i + ".md"), ("note " + i + "\n").repeat(200));
        }
        Path config = dir.resolve("twins.yaml");
        Files.writeString(config, """
                twins:
                  tars: {hostname: 10.0.0.1, openclaw_path: %s}
                  case: {hostname: 10.0.0.2, openclaw_path: %s}
                shared_storage: {type: local, path: %s}
                sync:
                  folders: [{path: knowledge}]
                """.formatted(dir.resolve("tars"), dir.resolve("case"), store));
        Path shared = store.resolve("sync/knowledge/files");

        Process slow = TwinLauncher.twin("sync", "--twin", "tars", "--pace-ms", "20", "--config", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("killed-sync.log").toFile())
                .start();
        await().atMost(Duration.ofSeconds(60)).until(() -> count(shared) >= FILES / 4);
        slow.destroyForcibly(); // SIGKILL
        assertThat(slow.waitFor(10, TimeUnit.SECONDS)).isTrue();
        int copied = count(shared);
        assertThat(copied).as("killed half way").isBetween(1, FILES - 1);
        // Everything under a real name is whole: equal to its source.
        for (var entry : contents(shared).entrySet()) {
            assertThat(entry.getValue()).isEqualTo(Files.readString(tarsKnowledge.resolve(entry.getKey())));
        }

        assertThat(run(config, "tars")).isZero();
        assertThat(run(config, "case")).isZero();

        assertThat(contents(dir.resolve("case/knowledge")))
                .isEqualTo(contents(tarsKnowledge))
                .hasSize(FILES);
        assertThat(contents(shared)).isEqualTo(contents(tarsKnowledge));
        try (Stream<Path> all = Files.walk(store)) {
            assertThat(all.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(FileRules.TEMP_PREFIX));
        }
        assertThat(store.resolve("sync/knowledge/lock")).doesNotExist();
    }

    private static int run(Path config, String twin) throws Exception {
        Process p = TwinLauncher.twin("sync", "--twin", twin, "--config", config.toString())
                .redirectErrorStream(true)
                .start();
        p.getInputStream().transferTo(System.out);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    private static int count(Path dir) throws Exception {
        return contents(dir).size();
    }

    /**
     * Files under {@code dir} by relative path, temporary files left out. A sync may be renaming
     * files meanwhile: one that vanishes while this looks is simply not there.
     */
    private static Map<String, String> contents(Path dir) throws Exception {
        Map<String, String> files = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return files;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile() && !file.getFileName().toString().startsWith(FileRules.TEMP_PREFIX)) {
                    try {
                        files.put(dir.relativize(file).toString(), Files.readString(file));
                    } catch (NoSuchFileException gone) {
                        // renamed or removed by the running sync
                    }
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE;
            }
        });
        return files;
    }
}
