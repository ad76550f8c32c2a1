package dev.openclaw.twin.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openclaw.twin.testing.TestConfigs;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each kind of bad configuration is reported with its exact file, line, column and key path. */
class ConfigProblemsTest {

    /** Lines 1-5; anything appended starts at line 6. */
    private static final String TWO_TWINS = """
            twins:
              tars:
                hostname: 10.0.0.1
              case:
                hostname: 10.0.0.2
            """;

    static Stream<Arguments> badConfigs() {
        return Stream.of(
                Arguments.of(
                        "YAML syntax error",
                        "twins:\n  tars: {hostname: a\n",
                        "twins.yaml:2:21 YAML syntax error: while parsing a flow mapping; expected ',' or '}', but got"
                                + " <stream end>"),
                Arguments.of(
                        "bad indentation",
                        "twins:\n  tars:\n    hostname: a\n   bad: x\n",
                        "twins.yaml:4:4 YAML syntax error: while parsing a block mapping; expected <block end>, but"
                                + " found '<block mapping start>'"),
                Arguments.of(
                        "unknown key with a suggestion",
                        TWO_TWINS + "coordination:\n  rotaton: daily\n",
                        "twins.yaml:7:3 coordination.rotaton: unknown key (did you mean 'rotation'? allowed: rotation,"
                                + " odd_primary, even_primary, primary, order, timezone, fallback_timeout_minutes,"
                                + " offline_after_seconds, takeover_delay_seconds, takeover_dispatch,"
                                + " machine_specific_patterns)"),
                Arguments.of(
                        "unknown top-level key",
                        TWO_TWINS + "monitorng:\n  heartbeat_interval: 5s\n",
                        "twins.yaml:6:1 monitorng: unknown key (did you mean 'monitoring'? allowed: twins,"
                                + " shared_storage, coordination, monitoring, rescue, backup, sync, daemon)"),
                Arguments.of(
                        "unknown twin key",
                        "twins:\n  tars:\n    hostname: a\n    host_name: b\n  case:\n    hostname: c\n",
                        "twins.yaml:4:5 twins.tars.host_name: unknown key (did you mean 'hostname'? allowed: hostname,"
                                + " username, openclaw_path, openclaw_config, aliases, bot_ids, strict_mentions, ssh, gateway_url,"
                                + " daemon_url)"),
                Arguments.of(
                        "wrong type: text for a number",
                        "twins:\n  tars:\n    hostname: a\n    ssh: {port: abc}\n  case:\n    hostname: c\n",
                        "twins.yaml:4:17 twins.tars.ssh.port: 'abc' is not a whole number (allowed: 1..65535)"),
                Arguments.of(
                        "wrong type: a string for a list",
                        "twins:\n  tars:\n    hostname: a\n    aliases: TARS\n  case:\n    hostname: c\n",
                        "twins.yaml:4:14 twins.tars.aliases: expected a list, e.g. [a, b], got a string"),
                Arguments.of(
                        "wrong type: a list of twins",
                        "twins: [tars, case]\n",
                        "twins.yaml:1:8 twins: expected a mapping of names to settings, got a list"),
                Arguments.of(
                        "wrong type: not a boolean",
                        TWO_TWINS + "rescue:\n  auto: sometimes\n",
                        "twins.yaml:7:9 rescue.auto: 'sometimes' is not a boolean (allowed: true, false)"),
                Arguments.of(
                        "fewer than two twins",
                        "twins:\n  tars:\n    hostname: 10.0.0.1\n",
                        "twins.yaml:1:1 twins: a flock needs at least 2 twins, found 1"),
                Arguments.of(
                        "odd_primary is not a twin",
                        TWO_TWINS + "coordination:\n  odd_primary: agent-c\n",
                        "twins.yaml:7:16 coordination.odd_primary: 'agent-c' is not a twin (twins: tars, case)"),
                Arguments.of(
                        "even_primary misspelt",
                        TWO_TWINS + "coordination:\n  even_primary: caes\n",
                        "twins.yaml:7:17 coordination.even_primary: 'caes' is not a twin (twins: tars, case; did you"
                                + " mean 'case'?)"),
                Arguments.of(
                        "order names a stranger",
                        TWO_TWINS + "coordination:\n  order: [tars, bob]\n",
                        "twins.yaml:7:17 coordination.order[1]: 'bob' is not a twin (twins: tars, case)"),
                Arguments.of(
                        "bad duration",
                        TWO_TWINS + "monitoring:\n  heartbeat_interval: 5 minutes\n",
                        "twins.yaml:7:23 monitoring.heartbeat_interval: '5 minutes' is not a duration (allowed: 500ms,"
                                + " 30s, 5m, 1h, 1d or ISO-8601 such as PT5M)"),
                Arguments.of(
                        "bad timezone",
                        TWO_TWINS + "coordination:\n  timezone: Europe/Londn\n",
                        "twins.yaml:7:13 coordination.timezone: 'Europe/Londn' is not a time zone (allowed: a region"
                                + " such as Europe/London, America/New_York, or UTC)"),
                Arguments.of(
                        "bad regex",
                        TWO_TWINS + "coordination:\n  machine_specific_patterns:\n    - \"(unclosed\"\n",
                        "twins.yaml:8:7 coordination.machine_specific_patterns[0]: '(unclosed' is not a valid regular"
                                + " expression (Unclosed group near index 9)"),
                Arguments.of(
                        "unset environment variable",
                        TWO_TWINS + "daemon:\n  token: \"${TWIN_TOKEN}\"\n",
                        "twins.yaml:7:10 daemon.token: environment variable TWIN_TOKEN is not set (export it, or write"
                                + " ${TWIN_TOKEN:-default})"),
                Arguments.of(
                        "non-loopback bind without a token",
                        TWO_TWINS + "daemon:\n  bind: 0.0.0.0\n",
                        "twins.yaml:7:9 daemon.bind: '0.0.0.0' is not a loopback address, so daemon.token is required"
                                + " (set daemon.token, or bind 127.0.0.1)"),
                Arguments.of(
                        "seed placeholder left in",
                        "twins:\n  agent-a:\n    hostname: <AGENT_A_IP_OR_HOSTNAME>\n  agent-b:\n    hostname: b\n",
                        "twins.yaml:3:15 twins.agent-a.hostname: '<AGENT_A_IP_OR_HOSTNAME>' is still the example's"
                                + " placeholder (write the real value)"),
                Arguments.of(
                        "missing hostname",
                        "twins:\n  tars:\n    username: mark\n  case:\n    hostname: b\n",
                        "twins.yaml:2:3 twins.tars.hostname: missing (this key is required)"),
                Arguments.of(
                        "port out of range",
                        TWO_TWINS + "daemon:\n  port: 70000\n",
                        "twins.yaml:7:9 daemon.port: 70000 is out of range (allowed: 1..65535)"),
                Arguments.of(
                        "duplicate key",
                        TWO_TWINS + "rescue:\n  auto: true\n  auto: false\n",
                        "twins.yaml:8:3 rescue.auto: duplicate key (first written at line 7)"),
                Arguments.of(
                        "not a URL",
                        "twins:\n  tars:\n    hostname: a\n    gateway_url: localhost:18789\n  case:\n    hostname: c\n",
                        "twins.yaml:4:18 twins.tars.gateway_url: 'localhost:18789' is not an http(s) URL (e.g."
                                + " http://127.0.0.1:7420)"),
                Arguments.of(
                        "unknown alert channel",
                        TWO_TWINS + "monitoring:\n  alert_channels: [discord, pager]\n",
                        "twins.yaml:7:29 monitoring.alert_channels[1]: 'pager' is not an alert channel (allowed:"
                                + " discord, telegram, email, slack, ntfy, webhook)"),
                Arguments.of(
                        "an alias that is another twin's name",
                        "twins:\n  tars:\n    hostname: a\n    aliases: [case]\n  case:\n    hostname: c\n",
                        "twins.yaml:4:15 twins.tars.aliases[0]: 'case' already names twin 'case' (names and aliases"
                                + " are compared ignoring case)"),
                Arguments.of(
                        "two names that differ only in case",
                        "twins:\n  tars:\n    hostname: a\n  TARS:\n    hostname: c\n",
                        "twins.yaml:4:3 twins.TARS: 'TARS' and 'tars' differ only in case (names are compared ignoring"
                                + " case)"),
                Arguments.of(
                        "rotation not allowed",
                        TWO_TWINS + "coordination:\n  rotation: weekly\n",
                        "twins.yaml:7:13 coordination.rotation: 'weekly' is not allowed (allowed: daily, manual,"
                                + " round-robin)"),
                Arguments.of("empty file", "", "twins.yaml:1:1 the file is empty (expected a 'twins:' mapping)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badConfigs")
    void reportsTheExactLineAndKey(String description, String yaml, String expected) {
        assertThat(TestConfigs.problems(yaml, Map.of())).containsExactly(expected);
    }

    @Test
    void reportsEveryProblemAtOnce() {
        String yaml = TWO_TWINS + """
                coordination:
                  odd_primary: agent-c
                  timezone: Mars/Olympus
                monitoring:
                  heartbeat_interval: soon
                daemon:
                  bind: 0.0.0.0
                  port: -1
                """;
        List<String> problems = TestConfigs.problems(yaml, Map.of());
        assertThat(problems)
                .extracting(line -> line.substring(0, line.indexOf(':', "twins.yaml:".length() + 4)))
                .containsExactly(
                        "twins.yaml:7:16 coordination.odd_primary",
                        "twins.yaml:8:13 coordination.timezone",
                        "twins.yaml:10:23 monitoring.heartbeat_interval",
                        "twins.yaml:12:9 daemon.bind",
                        "twins.yaml:13:9 daemon.port");
    }

    @Test
    void aSetEnvironmentVariableIsUsedAndATokenAllowsAPublicBind() {
        TwinsConfig config = TestConfigs.parse(
                TWO_TWINS + "daemon:\n  bind: 0.0.0.0\n  token: \"${TWIN_TOKEN}\"\n", Map.of("TWIN_TOKEN", "s3cret"));
        assertThat(config.daemon().token()).map(Secret::value).contains("s3cret");
        assertThat(config.daemon().token().orElseThrow().toString()).doesNotContain("s3cret");
    }

    @Test
    void aDefaultInTheReferenceCoversAnUnsetVariable() {
        TwinsConfig config = TestConfigs.parse(TWO_TWINS + "daemon:\n  port: \"${TWIN_PORT:-7555}\"\n");
        assertThat(config.daemon().port()).isEqualTo(7555);
    }
}
