package io.llmgateway.system.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard and the alert rules in the runbook are built on a fixed set of metric names (agreed
 * with the routing, metering and auth services); a renamed metric must fail here, not silently
 * blank a panel or an alert.
 */
class GrafanaDashboardTest {

    /** The agreed application metrics, as Prometheus exposes them. */
    static final Set<String> GATEWAY_METRICS = Set.of(
            "gateway_requests_total", "gateway_request_duration_seconds", "gateway_ttft_seconds",
            "gateway_tokens_total", "gateway_cost_usd_total", "gateway_circuit_state",
            "gateway_usage_queue_depth", "metering_ingest_events_total", "metering_ingest_lag_seconds",
            "auth_debits_total");
    /** Quarkus/Micrometer built-ins the dashboard may also use. */
    static final Set<String> BUILT_IN = Set.of(
            "http_server_requests_seconds", "jvm_memory_used_bytes", "jvm_gc_pause_seconds", "process_cpu_usage");
    static final Pattern METRIC = Pattern.compile("\\b((?:gateway|metering|auth|http_server|jvm|process)_[a-z0-9_]+)\\b");

    static JsonNode dashboard;

    @BeforeAll
    static void load() throws IOException {
        Path file = Manifests.k8s().resolve("grafana/llm-gateway-dashboard.json");
        dashboard = new ObjectMapper().readTree(Files.readString(file));
    }

    @Test
    void isAnImportableDashboardWithADatasourceVariable() {
        assertEquals("llm-gateway", dashboard.path("uid").asText());
        assertTrue(dashboard.path("schemaVersion").asInt() >= 30, "schemaVersion");
        boolean datasourceVar = false;
        for (JsonNode v : dashboard.path("templating").path("list")) {
            datasourceVar |= "datasource".equals(v.path("type").asText()) && "prometheus".equals(v.path("query").asText());
        }
        assertTrue(datasourceVar, "a `datasource` variable lets the dashboard be imported into any Grafana");
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertTrue(ids.add(panel.path("id").asInt()), "duplicate panel id " + panel.path("id"));
            assertTrue(panel.path("gridPos").has("w") && panel.path("gridPos").has("h"), "gridPos of " + panel.path("title"));
            if (!"row".equals(panel.path("type").asText())) {
                assertEquals("${datasource}", panel.path("datasource").path("uid").asText(), panel.path("title").asText());
                assertTrue(panel.path("targets").size() > 0, "panel without query: " + panel.path("title"));
            }
        }
    }

    @Test
    void everyQueryUsesOnlyAgreedMetricNamesAndEveryAgreedMetricIsShown() {
        List<String> expressions = new ArrayList<>();
        dashboard.path("panels").forEach(p -> p.path("targets").forEach(t -> expressions.add(t.path("expr").asText())));
        Set<String> used = metrics(expressions);
        Set<String> unknown = new TreeSet<>(used);
        unknown.removeAll(GATEWAY_METRICS);
        unknown.removeAll(BUILT_IN);
        assertEquals(Set.of(), unknown, "queries use metric names nobody exports");
        Set<String> unused = new TreeSet<>(GATEWAY_METRICS);
        unused.removeAll(used);
        assertEquals(Set.of(), unused, "agreed metrics without a panel");
    }

    @Test
    void alertRulesAndRunbookQueriesUseOnlyAgreedMetricNames() throws IOException {
        List<String> promql = new ArrayList<>();
        JsonNode rules = new ObjectMapper(new YAMLFactory())
                .readTree(Files.readString(Manifests.k8s().resolve("monitoring/llm-gateway-alerts.yaml")));
        Set<String> alerts = new TreeSet<>();
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                String name = rule.path("alert").asText();
                assertTrue(!name.isBlank() && !rule.path("expr").asText().isBlank(), "alert without name or expr: " + rule);
                assertTrue(rule.path("labels").has("severity"), name + ": severity label");
                assertTrue(rule.path("annotations").path("runbook_url").asText().contains("docs/operations.md#"),
                        name + ": runbook_url into docs/operations.md");
                alerts.add(name);
                promql.add(rule.path("expr").asText());
            }
        }
        String runbook = Files.readString(Manifests.repoRoot().resolve("docs/operations.md"));
        for (String alert : alerts) {
            assertTrue(runbook.contains(alert), "docs/operations.md does not explain alert " + alert);
        }
        Matcher block = Pattern.compile("(?s)```promql\\n(.*?)```").matcher(runbook);
        while (block.find()) {
            promql.add(block.group(1));
        }
        Set<String> used = metrics(promql);
        Set<String> unknown = new TreeSet<>(used);
        unknown.removeAll(GATEWAY_METRICS);
        unknown.removeAll(BUILT_IN);
        assertEquals(Set.of(), unknown, "alerts / runbook queries use metric names nobody exports");
        assertTrue(used.containsAll(Set.of("gateway_requests_total", "gateway_circuit_state",
                "metering_ingest_lag_seconds", "auth_debits_total")), "alerts cover errors, circuits and both consumer lags: " + used);
    }

    /** Metric families named in PromQL, with the histogram/summary suffixes folded into the family. */
    static Set<String> metrics(List<String> expressions) {
        Set<String> names = new TreeSet<>();
        for (String expr : expressions) {
            Matcher m = METRIC.matcher(expr);
            while (m.find()) {
                names.add(m.group(1).replaceAll("_(bucket|count|sum|max)$", ""));
            }
        }
        return names;
    }
}
