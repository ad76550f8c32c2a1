package dev.openclaw.twin.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openclaw.twin.config.ConfigEnvironment;
import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.testing.TestConfigs;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

class GatewayWiringTest {

    @TempDir
    Path dir;

    @Test
    void readsOpenClawsJson5WithCommentsUnquotedKeysAndTrailingCommas() throws Exception {
        Path file = Files.writeString(dir.resolve("openclaw.json"), """
                // the gateway's config
                {
                  gateway: {port: 18789, auth: {mode: 'token', token: "gw-secret"}},
                  /* our plugin */
                  plugins: {
                    allow: ["irc", "openclaw-twin",],
                    entries: {
                      "openclaw-twin": {enabled: true, hooks: {allowConversationAccess: true},
                                        config: {daemonUrl: "http://127.0.0.1:7421", token: "d-token"}},
                    },
                  },
                }
                """);

        GatewayWiring wiring = GatewayWiring.read(file);

        assertThat(wiring.problem()).isEmpty();
        assertThat(wiring.pluginEnabled()).contains(true);
        assertThat(wiring.pluginAllowed()).isTrue();
        assertThat(wiring.conversationAccess()).isTrue();
        assertThat(wiring.pluginDaemonUri()).contains(URI.create("http://127.0.0.1:7421"));
        assertThat(wiring.pluginToken()).contains("d-token");
        assertThat(wiring.gatewayPort()).contains(18789);
        assertThat(wiring.gatewayToken()).contains("gw-secret");
    }

    @Test
    void anAllowlistWithoutThePluginAndAMissingEntryAreSeen() throws Exception {
        Path file = Files.writeString(dir.resolve("openclaw.json"), "{plugins: {allow: [\"irc\"]}}");

        GatewayWiring wiring = GatewayWiring.read(file);

        assertThat(wiring.pluginAllowed()).isFalse();
        assertThat(wiring.pluginEntryPresent()).isFalse();
        assertThat(wiring.pluginEnabled()).isEmpty();
        assertThat(wiring.pluginDaemonUrl()).isEmpty();
        assertThat(wiring.conversationAccess()).isFalse();
    }

    @Test
    void aMissingOrBrokenFileIsAProblemNotAnException() throws Exception {
        assertThat(GatewayWiring.read(dir.resolve("none.json")).problem())
                .hasValueSatisfying(p -> assertThat(p).startsWith("there is no "));
        Path broken = Files.writeString(dir.resolve("broken.json"), "{plugins: [");
        assertThat(GatewayWiring.read(broken).problem())
                .hasValueSatisfying(p -> assertThat(p).contains("is not valid JSON5"));
        Path array = Files.writeString(dir.resolve("array.json"), "[1, 2]");
        assertThat(GatewayWiring.read(array).problem())
                .hasValueSatisfying(p -> assertThat(p).contains("not a JSON object"));
    }

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
        GatewayWiring wiring = GatewayWiring.readToEdit(dir.resolve("openclaw.json"));

        assertThat(wiring.problem()).isEmpty();
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
        assertThatThrownBy(() -> GatewayWiring.readToEdit(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not valid JSON5");
    }

    @Test
    void thePluginStateComesFromThePluginsListAnswer() {
        JsonMapper json = new JsonMapper();
        var answer = json.readTree("""
                {"generation": 7, "plugins": [
                  {"id": "irc", "runtime": {"state": "active"}},
                  {"id": "openclaw-twin", "enabled": true, "version": "0.3.0", "runtime": {"state": "active"}}]}
                """);
        assertThat(RunningGateway.pluginState(answer, "openclaw-twin"))
                .isEqualTo(new RunningGateway.PluginState.Active(7, true, "0.3.0"));
        var disabled = json.readTree("""
                {"plugins": [{"id": "openclaw-twin", "state": "disabled", "runtime": {"state": "inactive"}}]}
                """);
        assertThat(RunningGateway.pluginState(disabled, "openclaw-twin"))
                .isEqualTo(new RunningGateway.PluginState.Inactive("inactive", "", false));
        assertThat(RunningGateway.pluginState(json.readTree("{\"plugins\": []}"), "openclaw-twin"))
                .isEqualTo(new RunningGateway.PluginState.Missing());
    }

    @Test
    void theFileIsTheTwinsOpenclawConfigElseOpenClawsOwnVariablesElseTheDefault() {
        TwinsConfig defaults = TestConfigs.parse("twins: {tars: {hostname: h1}, case: {hostname: h2}}\n");
        TwinsConfig explicit = TestConfigs.parse(
                "twins: {tars: {hostname: h1, openclaw_config: ~/oc/openclaw.json}, case: {hostname: h2}}\n");
        Path home = Path.of("/home/op");
        ConfigEnvironment none = new ConfigEnvironment(Map.of(), home, dir);
        ConfigEnvironment stateDir = new ConfigEnvironment(Map.of("OPENCLAW_STATE_DIR", "/srv/oc"), home, dir);
        ConfigEnvironment both = new ConfigEnvironment(
                Map.of("OPENCLAW_STATE_DIR", "/srv/oc", "OPENCLAW_CONFIG_PATH", "~/custom.json"), home, dir);

        assertThat(OpenClawConfigFile.locate(none, defaults.twin("tars")))
                .as("OpenClaw's default file, which openclaw is told to use")
                .isEqualTo(new OpenClawConfigFile(home.resolve(".openclaw/openclaw.json"), true));
        assertThat(OpenClawConfigFile.locate(stateDir, defaults.twin("tars")))
                .as("with a state dir openclaw's own lookup is left alone")
                .isEqualTo(new OpenClawConfigFile(Path.of("/srv/oc/openclaw.json"), false));
        assertThat(OpenClawConfigFile.locate(both, defaults.twin("tars")))
                .isEqualTo(new OpenClawConfigFile(home.resolve("custom.json"), false));
        assertThat(OpenClawConfigFile.locate(both, explicit.twin("tars")))
                .isEqualTo(new OpenClawConfigFile(home.resolve("oc/openclaw.json"), true));
    }

    @Test
    void openclawIsAskedOnlyWhenNeitherTwinsYamlNorTheEnvironmentSayAndIsToldAPinnedFile() throws Exception {
        Path asked = dir.resolve("asked");
        // a real process standing in for openclaw: counts its runs, answers like 'config file --json'
        Path script = Files.writeString(dir.resolve("openclaw"), """
                #!/bin/sh
                echo run >> "%s"
                printf 'config %%s\\n' "${OPENCLAW_CONFIG_PATH:-unset}" >&2
                echo '{"path": "/from/openclaw/openclaw.json"}'
                """.formatted(asked));
        script.toFile().setExecutable(true);
        OpenClawCli openclaw = new OpenClawCli(script, java.time.Duration.ofSeconds(30));
        TwinsConfig defaults = TestConfigs.parse("twins: {tars: {hostname: h1}, case: {hostname: h2}}\n");
        TwinsConfig explicit = TestConfigs.parse(
                "twins: {tars: {hostname: h1, openclaw_config: ~/oc/openclaw.json}, case: {hostname: h2}}\n");
        Path home = Path.of("/home/op");
        ConfigEnvironment none = new ConfigEnvironment(Map.of(), home, dir);
        ConfigEnvironment configPath = new ConfigEnvironment(Map.of("OPENCLAW_CONFIG_PATH", "/etc/oc.json"), home, dir);

        assertThat(OpenClawConfigFile.locate(configPath, defaults.twin("tars"), openclaw))
                .isEqualTo(new OpenClawConfigFile(Path.of("/etc/oc.json"), false));
        OpenClawConfigFile pinned = OpenClawConfigFile.locate(none, explicit.twin("tars"), openclaw);
        assertThat(pinned).isEqualTo(new OpenClawConfigFile(home.resolve("oc/openclaw.json"), true));
        assertThat(asked)
                .as("no process run while twins.yaml or the environment names the file")
                .doesNotExist();

        assertThat(OpenClawConfigFile.locate(none, defaults.twin("tars"), openclaw))
                .isEqualTo(new OpenClawConfigFile(Path.of("/from/openclaw/openclaw.json"), false));
        assertThat(Files.readAllLines(asked)).hasSize(1);
        assertThat(pinned.applyTo(openclaw).run(java.util.List.of("x")).stderr())
                .contains("config " + home.resolve("oc/openclaw.json"));
    }

    @Test
    void aPluginsListThatFailsSaysWhyFromItsJsonError() throws Exception {
        Path script = Files.writeString(dir.resolve("openclaw"), """
                #!/bin/sh
                echo '{"error": {"type": "gateway_transport_error", "message": "connect ECONNREFUSED"}}'
                exit 1
                """);
        script.toFile().setExecutable(true);
        RunningGateway gateway = new RunningGateway(
                new OpenClawCli(script, java.time.Duration.ofSeconds(30)),
                java.net.http.HttpClient.newHttpClient(),
                java.time.Duration.ofSeconds(5));

        assertThat(gateway.plugin())
                .isEqualTo(new RunningGateway.PluginState.Unreachable(
                        RunningGateway.Why.NO_GATEWAY, "connect ECONNREFUSED"));
        assertThat(new RunningGateway(
                                new OpenClawCli(dir.resolve("none"), java.time.Duration.ofSeconds(30)),
                                java.net.http.HttpClient.newHttpClient(),
                                java.time.Duration.ofSeconds(5))
                        .plugin())
                .isInstanceOfSatisfying(
                        RunningGateway.PluginState.Unreachable.class,
                        u -> assertThat(u.why()).isEqualTo(RunningGateway.Why.NOT_RUN));
    }
}
