package dev.openclaw.twin.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped alerting rules through Prometheus's own {@code promtool} (Debian package {@code
 * prometheus}, installed by .ci/run): they load, and they fire on made-up series as meant.
 */
class PrometheusRulesIT {

    @TempDir
    Path dir;

    static Path promtool;

    @BeforeAll
    static void findPromtool() {
        promtool = java.util.Arrays.stream(
                        System.getenv().getOrDefault("PATH", "/usr/bin").split(":"))
                .map(d -> Path.of(d, "promtool"))
                .filter(Files::isExecutable)
                .findFirst()
                .orElse(null);
        assumeThat(promtool)
                .as("promtool not on this machine: apt-get install prometheus (.ci/run does) to check the rules")
                .isNotNull();
    }

    private static String promtool(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(promtool.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    @Test
    void theRulesPassPromtoolCheckRules() throws Exception {
        assertThat(promtool("check", "rules", DashboardsTest.RULES.toString())).contains("SUCCESS: 10 rules found");
    }

    @Test
    void aTwinDownAFailoverAndADuplicateAnswerFireTheirAlerts() throws Exception {
        Path test = dir.resolve("openclaw-twin.rules.test.yml");
        Files.writeString(test, """
                rule_files:
                  - %s
                evaluation_interval: 1m
                tests:
                  - interval: 1m
                    input_series:
                      - series: 'twin_up{instance="tars:7420", twin="tars"}'
                        values: '1x10'
                      - series: 'twin_up{instance="tars:7420", twin="case"}'
                        values: '1 1 0x8'
                      - series: 'twin_primary{instance="tars:7420", twin="case"}'
                        values: '1x10'
                      - series: 'twin_acting_primary{instance="tars:7420", twin="case"}'
                        values: '1 1 0x8'
                      - series: 'twin_acting_primary{instance="tars:7420", twin="tars"}'
                        values: '0 0 1x8'
                      - series: 'twin_duplicate_answers_total{instance="tars:7420"}'
                        values: '0 0 0 1x7'
                    alert_rule_test:
                      - eval_time: 1m
                        alertname: OpenClawTwinDown
                        exp_alerts: []
                      - eval_time: 6m
                        alertname: OpenClawTwinDown
                        exp_alerts:
                          - exp_labels: {severity: critical, twin: case}
                            exp_annotations:
                              summary: "twin case is down"
                              description: "No daemon has seen a fresh heartbeat of case for 2 minutes. Another twin answers in its place; 'twin rescue case' brings it back."
                      - eval_time: 6m
                        alertname: OpenClawTwinFailover
                        exp_alerts:
                          - exp_labels: {severity: warning, twin: case}
                            exp_annotations:
                              summary: "failover: case is primary today but another twin answers"
                              description: "The flock answers through another twin while case (today's primary) is down or not ready."
                      - eval_time: 5m
                        alertname: OpenClawTwinDuplicateAnswers
                        exp_alerts:
                          - exp_labels: {severity: critical}
                            exp_annotations:
                              summary: "two twins answered the same message"
                              description: "1 messages were answered twice in the last hour (only possible across a store outage)."
                """.formatted(DashboardsTest.RULES));
        assertThat(promtool("test", "rules", test.toString())).contains("SUCCESS");
    }
}
