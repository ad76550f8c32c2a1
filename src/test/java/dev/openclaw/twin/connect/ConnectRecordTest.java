package dev.openclaw.twin.connect;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.BooleanNode;
import tools.jackson.databind.node.NullNode;

class ConnectRecordTest {

    @TempDir
    Path dir;

    @Test
    void whatWasThereBeforeTheFirstRunWinsWhenRunsAreMerged() {
        ConnectRecord first = new ConnectRecord(
                1,
                "/c/openclaw.json",
                true,
                true,
                Map.of("enabled", NullNode.getInstance()),
                true,
                true,
                true,
                true,
                null,
                "    # hooks_token: x");
        ConnectRecord later = new ConnectRecord(
                1,
                "/c/openclaw.json",
                false,
                false,
                Map.of("enabled", BooleanNode.TRUE, "token", NullNode.getInstance()),
                false,
                false,
                false,
                true,
                "file:elsewhere",
                null);

        ConnectRecord merged = first.merge(later);

        assertThat(merged.hooksBefore()).containsEntry("enabled", NullNode.getInstance());
        assertThat(merged.hooksKeys()).containsExactly("enabled", "token");
        assertThat(merged.linked()).isTrue();
        assertThat(merged.twinsYamlBefore()).isNull();
        assertThat(merged.twinsYamlLine()).isEqualTo("    # hooks_token: x");
        assertThat(ConnectRecord.empty("/c").changedAnything()).isFalse();
        assertThat(merged.changedAnything()).isTrue();
    }

    @Test
    void itIsWrittenOwnerOnlyAndReadBack() throws Exception {
        Path file = dir.resolve("cfg/openclaw-twin/connect.json");
        ConnectRecord record =
                ConnectRecord.empty("/c/openclaw.json").withLinked(true).withTokenFileCreated(true);

        record.write(file);

        assertThat(ConnectRecord.read(file)).contains(record);
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(ConnectRecord.read(dir.resolve("none.json"))).isEmpty();
    }
}
