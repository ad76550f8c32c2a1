package dev.openclaw.twin.connect;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** The hooks token file connect keeps, and how a config patch is shown without its secrets. */
class HooksTokenAndPatchTest {

    @TempDir
    Path dir;

    @Test
    void theHooksTokenFileIsOwnerOnlyAndTheTokenRandomBase64url() throws IOException {
        HooksTokenFile file = HooksTokenFile.inHome(dir.resolve("home"));
        String token = HooksTokenFile.generate(new java.security.SecureRandom());

        file.write(token);

        assertThat(token).matches("[A-Za-z0-9_-]{43}");
        assertThat(token).isNotEqualTo(HooksTokenFile.generate(new java.security.SecureRandom()));
        assertThat(file.read()).contains(token);
        assertThat(Files.getPosixFilePermissions(file.file()))
                .containsExactlyInAnyOrderElementsOf(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(file.file().getParent()))
                .containsExactlyInAnyOrderElementsOf(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        assertThat(file.reference()).isEqualTo("~/.config/openclaw-twin/hooks-token");
    }

    @Test
    void aPatchIsShownWithoutItsSecrets() {
        var patch = new JsonMapper().readTree("""
                {"plugins": {"entries": {"openclaw-twin": {"config": {"daemonUrl": "u", "token": "daemon-secret"}}}},
                 "hooks": {"enabled": true, "token": "hooks-secret"}}
                """);
        String shown = PatchDisplay.redacted((tools.jackson.databind.node.ObjectNode) patch);

        assertThat(shown).doesNotContain("secret").contains("<hooks token>", "<daemon token>");
        assertThat(PatchDisplay.summary(patch))
                .isEqualTo("plugins.entries.openclaw-twin (config.daemonUrl, config.token), hooks (enabled, token)");
        assertThat(PatchDisplay.leafPaths(patch)).hasSize(4);
    }
}
