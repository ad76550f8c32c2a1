package dev.openclaw.twin.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openclaw.twin.testing.TestConfigs;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SyncConfigTest {

    private static final String TWINS = "twins:\n  tars: {hostname: h1}\n  case: {hostname: h2}\n";

    @Test
    void foldersLoadWithDefaults() {
        TwinsConfig config = TestConfigs.parse(TWINS + """
                sync:
                  interval: 10m
                  max_file_size: 2MB
                  folders:
                    - path: knowledge
                    - {path: docs/shared, shared: docs, include: ["**/*.md"], exclude: [drafts/**]}
                """);
        assertThat(config.sync().interval()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.sync().maxFileSize()).isEqualTo(2L * 1024 * 1024);
        assertThat(config.sync().folders())
                .containsExactly(
                        new TwinsConfig.SyncFolder("knowledge", "knowledge", List.of(), List.of()),
                        new TwinsConfig.SyncFolder("docs/shared", "docs", List.of("**/*.md"), List.of("drafts/**")));
        assertThat(TestConfigs.parse(TWINS).sync().folders()).isEmpty();
    }

    @Test
    void aFolderThatWouldSyncWhatStaysPerTwinIsRefusedNamingTheLine() {
        List<String> problems = TestConfigs.problems(TWINS + """
                sync:
                  folders:
                    - path: sessions
                    - path: notes/memory
                    - path: ../outside
                    - path: /etc
                    - {path: ok, include: ["credentials/**", "**/.env", "data/*.sqlite"]}
                    - {path: a, shared: same}
                    - {path: b, shared: same}
                    - {path: c, shared: "no/slashes"}
                  max_file_size: lots
                """, Map.of());
        assertThat(problems)
                .anyMatch(p ->
                        p.startsWith("twins.yaml:6:") && p.contains("sync.folders[0].path: 'sessions' holds sessions"))
                .anyMatch(p -> p.contains("sync.folders[1].path: 'notes/memory' holds memory"))
                .anyMatch(p -> p.contains("sync.folders[2].path: '../outside' must be a relative path"))
                .anyMatch(p -> p.contains("sync.folders[3].path: '/etc' must be a relative path"))
                .anyMatch(p -> p.contains("sync.folders[4].include: 'credentials/**' would sync what stays per twin"))
                .anyMatch(p -> p.contains("'**/.env' would sync"))
                .anyMatch(p -> p.contains("'data/*.sqlite' would sync"))
                .anyMatch(p -> p.contains("sync.folders[6].shared: 'same' is used by another folder"))
                .anyMatch(p -> p.contains("sync.folders[7].shared: 'no/slashes' is not a folder name"))
                .anyMatch(p -> p.contains("sync.max_file_size: 'lots' is not a size"));
    }
}
