package dev.openclaw.twin.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openclaw.twin.health.Liveness;
import dev.openclaw.twin.health.LivenessTracker;
import dev.openclaw.twin.notify.Alerter;
import dev.openclaw.twin.protocol.DuplicateAnswer;
import dev.openclaw.twin.state.Heartbeat;
import dev.openclaw.twin.testing.TwinLauncher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The Grafana dashboard and the Prometheus rules shipped in {@code share/} ask only for metrics a
 * daemon exports: every metric name in their PromQL is checked against a scrape of the daemon's
 * own registry, with each metric observed once (histograms as _bucket, _sum, _count).
 */
class DashboardsTest {

    static final Path DASHBOARD = TwinLauncher.REPO.resolve("src/dist/share/grafana/openclaw-twin.json");
    static final Path RULES = TwinLauncher.REPO.resolve("src/dist/share/prometheus/openclaw-twin.rules.yml");

    /** Series Prometheus makes itself for every scrape target. */
    private static final Set<String> PROMETHEUS_OWN = Set.of("up", "scrape_duration_seconds");

    private static final Set<String> KEYWORDS = Set.of(
            "by",
            "without",
            "on",
            "ignoring",
            "group_left",
            "group_right",
            "and",
            "or",
            "unless",
            "bool",
            "offset",
            "inf",
            "nan");

    /** The metric names a PromQL expression reads (functions, keywords, labels and literals left out). */
    static Set<String> metricNames(String expr) {
        String text = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"") // string literals
                .replaceAll("\\{[^}]*}", " ") // label matchers
                .replaceAll("\\[[^]]*]", " ") // ranges, with Grafana's $__rate_interval
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " $1 ")
                .replaceAll("\\$\\w+", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("(?<![\\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*(\\(|by\\b|without\\b)?")
                .matcher(text);
        while (m.find()) {
            String word = m.group(1);
            // A word before "(" is a function, before "by"/"without" an aggregation.
            if (m.group(2) == null && !KEYWORDS.contains(word.toLowerCase(java.util.Locale.ROOT))) {
                names.add(word);
            }
        }
        return names;
    }

    @Test
    void theExtractorFindsMetricsAndNothingElse() {
        assertThat(metricNames("histogram_quantile(0.99, sum by (instance, le) (rate(twin_decide_seconds_bucket[5m])))"
                        + " > 0.1"))
                .containsExactly("twin_decide_seconds_bucket");
        assertThat(metricNames(
                        "(max by (twin) (twin_primary) == 1) unless on (twin) (max by (twin) (twin_acting_primary)"
                                + " == 1)"))
                .containsExactly("twin_acting_primary", "twin_primary");
        assertThat(
                        metricNames(
                                "sum by (outcome) (increase(twin_rescues_total{outcome!=\"ready\",x=~\"a|b\"}[$__rate_interval]))"))
                .containsExactly("twin_rescues_total");
        assertThat(metricNames("up{job=\"openclaw-twin\"} == 0 or vector(1e3)")).containsExactly("up");
    }

    /** Every metric name the daemon's registry exports, each metric observed once. */
    static Set<String> exported() {
        List<String> twins = List.of("tars", "case");
        DaemonMetrics metrics = new DaemonMetrics(twins);
        AtomicLong nanos = new AtomicLong(1_000_000_000L);
        LivenessTracker tracker =
                new LivenessTracker(nanos::get, new Liveness(Duration.ofSeconds(3), Duration.ofSeconds(10)));
        Instant now = Instant.parse("2026-11-29T10:00:00Z");
        tracker.observe(new Heartbeat("tars", 1, 1, "tars", "test", now, now, Heartbeat.RUNNING, null));
        nanos.addAndGet(1_000_000_000L);
        metrics.update(tracker, twins);
        metrics.roles("case", "tars", twins);
        metrics.decided("primary", 1_000_000);
        metrics.claimAttempt(true, 1_000_000);
        metrics.takeover(2_000_000_000L);
        metrics.confirmed(true);
        metrics.duty("heartbeat", true);
        metrics.storeUnavailable();
        metrics.storeError();
        metrics.rescued("failed");
        metrics.alertDelivered("ntfy", false);
        metrics.heartbeatWritten();
        metrics.duplicateAnswer();
        Set<String> names = new TreeSet<>();
        for (String line :
                new String(metrics.scrape(), StandardCharsets.UTF_8).lines().toList()) {
            if (!line.isBlank() && !line.startsWith("#")) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }

    static List<String> dashboardExpressions() throws IOException {
        JsonNode dashboard = new JsonMapper().readTree(Files.readString(DASHBOARD));
        List<String> expressions = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.path("targets")) {
                expressions.add(target.get("expr").asString());
            }
        }
        return expressions;
    }

    static List<String> ruleExpressions() throws IOException {
        JsonNode rules = new YAMLMapper().readTree(Files.readString(RULES));
        List<String> expressions = new ArrayList<>();
        for (JsonNode group : rules.get("groups")) {
            for (JsonNode rule : group.get("rules")) {
                expressions.add(rule.get("expr").asString());
            }
        }
        return expressions;
    }

    @Test
    void everyMetricTheDashboardAndTheRulesAskForIsExportedByTheDaemon() throws IOException {
        Set<String> exported = exported();
        assertThat(exported).contains("twin_up", "twin_decide_seconds_bucket", "twin_decide_seconds_count");

        List<String> expressions = new ArrayList<>(dashboardExpressions());
        expressions.addAll(ruleExpressions());
        assertThat(expressions).hasSizeGreaterThan(20);
        for (String expr : expressions) {
            Set<String> names = metricNames(expr);
            assertThat(names).as(expr).isNotEmpty();
            names.removeAll(PROMETHEUS_OWN);
            assertThat(exported).as("metrics of " + expr).containsAll(names);
        }
    }

    @Test
    void theDashboardShowsWhatAnOperatorLooksFor() throws IOException {
        Set<String> read = new TreeSet<>();
        dashboardExpressions().forEach(e -> read.addAll(metricNames(e)));
        assertThat(read)
                .contains(
                        "twin_up",
                        "twin_gateway_ready",
                        "twin_last_seen_seconds",
                        "twin_acting_primary",
                        "twin_decisions_total",
                        "twin_decide_seconds_bucket",
                        "twin_takeover_seconds_count",
                        "twin_confirms_total",
                        "twin_claim_seconds_count",
                        "twin_store_errors_total",
                        "twin_duplicate_answers_total",
                        "twin_alerts_total",
                        "twin_rescues_total",
                        "twin_heartbeats_written_total");
        String json = Files.readString(DASHBOARD);
        assertThat(json).contains("histogram_quantile(0.5,", "histogram_quantile(0.99,");
    }

    @Test
    void theRulesAlertOnWhatGoesWrong() throws IOException {
        JsonNode rules = new YAMLMapper().readTree(Files.readString(RULES));
        List<String> alerts = new ArrayList<>();
        rules.get("groups")
                .forEach(g ->
                        g.get("rules").forEach(r -> alerts.add(r.get("alert").asString())));
        assertThat(alerts)
                .contains(
                        "OpenClawTwinDown",
                        "OpenClawTwinGatewayNotReady",
                        "OpenClawTwinFailover",
                        "OpenClawTwinTakeoversRising",
                        "OpenClawTwinDecideLatencyHigh",
                        "OpenClawTwinStoreErrors",
                        "OpenClawTwinDuplicateAnswers");
    }

    @Test
    void aDuplicateAnswerCountsOnTheDaemonsMetrics() {
        DaemonMetrics metrics = new DaemonMetrics(List.of("tars", "case"));
        Alerter alerter = new Alerter(
                "tars",
                List.of(),
                Clock.fixed(Instant.parse("2026-11-29T10:00:00Z"), ZoneOffset.UTC),
                d -> {},
                Runnable::run,
                alert -> true,
                (a, d) -> {});
        new DaemonAlerts(alerter, metrics, null, java.util.Optional.empty())
                .duplicateAnswer(new DuplicateAnswer("irc:#flock:42", "case"));
        assertThat(new String(metrics.scrape(), StandardCharsets.UTF_8)).contains("twin_duplicate_answers_total 1.0");
    }
}
