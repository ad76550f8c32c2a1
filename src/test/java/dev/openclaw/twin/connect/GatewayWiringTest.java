package dev.openclaw.twin.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

class GatewayWiringTest {

    @TempDir
    Path dir;

    @Test
    void readsTheWiringFromJson5AsPeopleWriteIt() throws IOException {
        Path plugin = Files.createDirectories(dir.resolve("openclaw-plugin"));
        Files.createSymbolicLink(dir.resolve("plugin-link"), plugin);
        Path file = dir.resolve("openclaw.json");
        Files.writeString(file, """
                // hand-edited
                {
                  gateway: {mode: 'local', port: 18789, reload: {mode: "off"}},
                  plugins: {
                    load: {paths: ["%s"]},
                    allow: ["irc"],
                    entries: {
                      "openclaw-twin": {enabled: true, hooks: {allowConversationAccess: true},
                        config: {daemonUrl: "http://127.0.0.1:7420", decideTimeoutMs: 800,},},
                    },
                  },
                  hooks: {enabled: true, token: "t0k", path: "/in/", allowedSessionKeyPrefixes: ["hook:"]},
                }
                """.formatted(dir.resolve("plugin-link")));

        GatewayWiring wiring = GatewayWiring.read(file);

        assertThat(wiring.linked(plugin))
                .as("a load path that is a symlink to the plugin")
                .isTrue();
        assertThat(wiring.linked(dir)).isFalse();
        assertThat(wiring.pluginEnabled()).contains(true);
        assertThat(wiring.conversationAccess()).isTrue();
        assertThat(wiring.pluginDaemonUrl()).contains("http://127.0.0.1:7420");
        assertThat(wiring.pluginAllowed())
                .as("plugins.allow without openclaw-twin")
                .isFalse();
        assertThat(wiring.hooksEnabled()).isTrue();
        assertThat(wiring.hooksToken()).contains("t0k");
        assertThat(wiring.hooksPath()).isEqualTo("/in");
        assertThat(wiring.allowRequestSessionKey()).isFalse();
        assertThat(wiring.sessionKeyPrefixes()).containsExactly("hook:");
        assertThat(wiring.reloadMode()).isEqualTo("off");
        assertThat(wiring.gatewayPort()).contains(18789);
        assertThat(wiring.includes()).isEmpty();
    }

    @Test
    void aMissingFileIsAFreshConfiguration() throws IOException {
        GatewayWiring wiring = GatewayWiring.read(dir.resolve("openclaw.json"));

        assertThat(wiring.pluginEntryPresent()).isFalse();
        assertThat(wiring.pluginEnabled()).isEmpty();
        assertThat(wiring.pluginAllowed()).isTrue();
        assertThat(wiring.hooksEnabled()).isFalse();
        assertThat(wiring.hooksToken()).isEmpty();
        assertThat(wiring.hooksPath()).isEqualTo("/hooks");
        assertThat(wiring.reloadMode()).isEqualTo("hybrid");
    }

    @Test
    void includesAreNamedAndBrokenFilesReported() throws IOException {
        Path file = dir.resolve("openclaw.json");
        Files.writeString(file, "{\"plugins\": {\"$include\": \"./plugins.json5\"}}");
        assertThat(GatewayWiring.read(file).includes()).containsExactly("plugins");

        Files.writeString(file, "{\"plugins\": ");
        assertThatThrownBy(() -> GatewayWiring.read(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not valid JSON5");
    }

    @Test
    void thePluginStateComesFromThePluginsListAnswer() {
        JsonMapper json = new JsonMapper();
        var answer = json.readTree("""
                {"generation": 7, "plugins": [
                  {"id": "irc", "runtime": {"state": "active"}},
                  {"id": "openclaw-twin", "state": "enabled", "runtime": {"state": "active"}}]}
                """);
        assertThat(RunningGateway.pluginState(answer, "openclaw-twin"))
                .isEqualTo(new RunningGateway.PluginState.Active(7));
        var disabled = json.readTree("""
                {"plugins": [{"id": "openclaw-twin", "state": "disabled", "runtime": {"state": "inactive"}}]}
                """);
        assertThat(RunningGateway.pluginState(disabled, "openclaw-twin"))
                .isEqualTo(new RunningGateway.PluginState.Inactive("inactive", ""));
        assertThat(RunningGateway.pluginState(json.readTree("{\"plugins\": []}"), "openclaw-twin"))
                .isEqualTo(new RunningGateway.PluginState.Missing());
    }

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
        String shown = Connector.redacted((tools.jackson.databind.node.ObjectNode) patch);

        assertThat(shown).doesNotContain("secret").contains("<hooks token>", "<daemon token>");
        assertThat(Connector.summary(patch))
                .isEqualTo("plugins.entries.openclaw-twin (config.daemonUrl, config.token), hooks (enabled, token)");
        assertThat(Connector.leafPaths(patch)).hasSize(4);
    }
}
