package dev.openclaw.twin.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openclaw.twin.config.ConfigEnvironment;
import dev.openclaw.twin.config.TwinsConfig;
import dev.openclaw.twin.testing.TestConfigs;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        assertThat(wiring.pluginDaemonUrl()).contains(URI.create("http://127.0.0.1:7421"));
        assertThat(wiring.pluginToken()).contains("d-token");
        assertThat(wiring.gatewayPort()).contains(18789);
        assertThat(wiring.gatewayToken()).contains("gw-secret");
    }

    @Test
    void anAllowlistWithoutThePluginAndAMissingEntryAreSeen() throws Exception {
        Path file = Files.writeString(dir.resolve("openclaw.json"), "{plugins: {allow: [\"irc\"]}}");

        GatewayWiring wiring = GatewayWiring.read(file);

        assertThat(wiring.pluginAllowed()).isFalse();
        assertThat(wiring.pluginEntry()).isEmpty();
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
    void theFileIsTheTwinsOpenclawConfigElseOpenClawsOwnVariablesElseTheDefault() {
        TwinsConfig defaults = TestConfigs.parse("twins: {tars: {hostname: h1}, case: {hostname: h2}}\n");
        TwinsConfig explicit = TestConfigs.parse(
                "twins: {tars: {hostname: h1, openclaw_config: ~/oc/openclaw.json}, case: {hostname: h2}}\n");
        Path home = Path.of("/home/op");
        ConfigEnvironment none = new ConfigEnvironment(Map.of(), home, dir);
        ConfigEnvironment stateDir = new ConfigEnvironment(Map.of("OPENCLAW_STATE_DIR", "/srv/oc"), home, dir);
        ConfigEnvironment both = new ConfigEnvironment(
                Map.of("OPENCLAW_STATE_DIR", "/srv/oc", "OPENCLAW_CONFIG_PATH", "~/custom.json"), home, dir);

        assertThat(GatewayWiring.locate(none, defaults.twin("tars")))
                .isEqualTo(home.resolve(".openclaw/openclaw.json"));
        assertThat(GatewayWiring.locate(stateDir, defaults.twin("tars"))).isEqualTo(Path.of("/srv/oc/openclaw.json"));
        assertThat(GatewayWiring.locate(both, defaults.twin("tars"))).isEqualTo(home.resolve("custom.json"));
        assertThat(GatewayWiring.locate(both, explicit.twin("tars"))).isEqualTo(home.resolve("oc/openclaw.json"));
    }
}
