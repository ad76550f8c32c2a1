package dev.openclaw.twin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openclaw.twin.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code twin connect} where it must stop before changing anything. (The whole run against a real
 * gateway is {@code ConnectOpenClawIT}.) The {@code openclaw} here is a script that answers the two
 * read-only questions connect asks first and logs every argument vector it gets, so the test sees
 * that nothing else was run.
 */
class ConnectCommandTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    @TempDir
    Path dir;

    private Path config;
    private Path openclaw;
    private Path calls;
    private Path gatewayConfig;

    @BeforeEach
    void files() throws Exception {
        calls = dir.resolve("calls.log");
        gatewayConfig = dir.resolve("openclaw.json");
        Files.writeString(
                gatewayConfig,
                "{\"gateway\": {\"mode\": \"local\"}, \"hooks\": {\"enabled\": true, \"token\": \"the-gateways-token\"}}");
        openclaw = dir.resolve("openclaw");
        Files.writeString(openclaw, """
                #!/bin/sh
                printf '%%s\\n' "$*" >> '%s'
                case "$*" in
                  "--version") echo "OpenClaw 2026.9.6 (test)";;
                  "config file --json") echo '{"path": "%s"}';;
                  *) echo "not in this test: $*" >&2; exit 99;;
                esac
                """.formatted(calls, gatewayConfig));
        Files.setPosixFilePermissions(openclaw, PosixFilePermissions.fromString("rwx------"));
        config = dir.resolve("twins.yaml");
    }

    private void twinsYaml(String hooksToken) throws Exception {
        Files.writeString(config, """
                twins:
                  tars: {hostname: 127.0.0.1}
                  case: {hostname: 127.0.0.2}
                shared_storage: {type: local, path: %s}
                coordination:
                  takeover_dispatch:
                    type: openclaw
                    hooks_token: %s
                """.formatted(dir, hooksToken));
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
    }

    private CliRun connect(String... extra) {
        String[] args = new String[4 + extra.length];
        args[0] = "connect";
        args[1] = "--config";
        args[2] = config.toString();
        args[3] = "--twin=tars";
        System.arraycopy(extra, 0, args, 4, extra.length);
        return CliRun.run(NOW, dir, args);
    }

    @Test
    void aHooksTokenInTwinsYamlThatIsNotTheGatewaysIsNamedAndLeftAloneWithoutForce() throws Exception {
        twinsYaml("\"an-older-token\"");
        String before = Files.readString(config);

        CliRun run = connect("--openclaw", openclaw.toString());

        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(ExitCodes.FAILED);
        assertThat(run.out())
                .contains("✗ twins.yaml")
                .contains(
                        "coordination.takeover_dispatch.hooks_token is an inline secret, not the gateway's hooks.token")
                .contains("\"file:~/.config/openclaw-twin/hooks-token\"")
                .contains("--force")
                .doesNotContain("an-older-token")
                .doesNotContain("the-gateways-token");
        assertThat(Files.readAllLines(calls)).containsExactly("--version", "config file --json");
        assertThat(Files.readString(config)).isEqualTo(before);
        assertThat(dir.resolve("home/.config/openclaw-twin/hooks-token")).doesNotExist();
    }

    @Test
    void aDryRunAsksOnlyWhatItReadsAndShowsArgumentVectorsWithoutSecrets() throws Exception {
        twinsYaml("\"file:~/.config/openclaw-twin/hooks-token\"");
        Files.writeString(gatewayConfig, "{\"gateway\": {\"mode\": \"local\"}}");
        String before = Files.readString(config);

        CliRun run = connect("--openclaw", openclaw.toString(), "--dry-run");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out())
                .contains("$ '" + openclaw + "' 'plugins' 'install' '--link' '")
                .contains("$ '" + openclaw + "' 'config' 'patch' '--stdin'")
                .contains("\"token\":\"<hooks token>\"")
                .contains("\"allowedSessionKeyPrefixes\":[\"hook:\",\"agent:main:\"]")
                .contains("\"daemonUrl\":\"http://127.0.0.1:7420\"")
                .contains("✓ twins.yaml")
                .contains("· hooks token file") // the copied reference's file is not on this host yet
                .contains("would be made");
        assertThat(Files.readAllLines(calls)).containsExactly("--version", "config file --json");
        assertThat(Files.readString(config)).isEqualTo(before);
        assertThat(dir.resolve("home/.config")).doesNotExist();
    }

    @Test
    void withoutOpenclawItSaysHowToPointAtIt() throws Exception {
        twinsYaml("\"x\"");

        CliRun run = connect();

        assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(run.out()).contains("✗ openclaw").contains("--openclaw PATH or set OPENCLAW_BIN");
        assertThat(connect("--openclaw", dir.resolve("nowhere").toString()).exitCode())
                .isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void aBadTwinsYamlExits78() throws Exception {
        Files.writeString(
                config, "twins:\n  tars: {hostname: h}\n  case: {hostname: h2}\ncoordination: {rotaton: daily}\n");

        CliRun run = connect("--openclaw", openclaw.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_CONFIG);
        assertThat(run.err()).contains("coordination.rotaton");
        assertThat(calls).doesNotExist();
    }
}
