package io.github.keycloakobo.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/grafana/keycloak-obo.json} is a dashboard Grafana imports (the structure its dashboard model requires)
 * and queries only meters and labels the extension really publishes, with the panels the README promises.
 */
class GrafanaDashboardTest {

    private static final Path DASHBOARD = Path.of("docs/grafana/keycloak-obo.json");
    private static final Set<String> PANEL_TYPES = Set.of("timeseries", "stat", "table", "row", "text", "bargauge");
    private static final Pattern METRIC = Pattern.compile("\\b(keycloak_obo_[a-z_]+)\\b");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)}?");
    private static final Set<String> GRAFANA_VARIABLES = Set.of("__rate_interval", "__interval", "__range");
    private static final Pattern GROUPING = Pattern.compile("\\bby\\s*\\(([^)]*)\\)");
    private static final Pattern MATCHER = Pattern.compile("([a-z_]+)\\s*(=~|!=|!~|=)\\s*\"");

    private static JsonNode dashboard;
    private static Set<String> realNames;
    private static Set<String> realLabels;

    @BeforeAll
    static void load() throws IOException {
        dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
        // the names and labels as Keycloak's Prometheus registry publishes them
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        OboMetrics.install(prometheus, new MetricsSettings(true, 10, true)).record("r", "s", "rfc8693", List.of("t"),
                id -> true, null, TimeUnit.MILLISECONDS.toNanos(1));
        OboMetrics.uninstall();
        PrometheusText text = PrometheusText.parse(prometheus.scrape());
        realNames = new HashSet<>();
        realLabels = new HashSet<>();
        for (String name : List.of("keycloak_obo_exchanges_total", "keycloak_obo_exchange_duration_seconds_bucket",
                "keycloak_obo_exchange_duration_seconds_count", "keycloak_obo_exchange_duration_seconds_sum",
                "keycloak_obo_exchange_duration_seconds_max")) {
            List<PrometheusText.Sample> samples = text.samples(name);
            assertFalse(samples.isEmpty(), name + " is not published");
            realNames.add(name);
            samples.forEach(s -> realLabels.addAll(s.labels().keySet()));
        }
    }

    private static List<JsonNode> panels() {
        List<JsonNode> panels = new ArrayList<>();
        dashboard.path("panels").forEach(p -> {
            panels.add(p);
            p.path("panels").forEach(panels::add); // collapsed rows
        });
        return panels;
    }

    private static List<String> expressions() {
        List<String> exprs = new ArrayList<>();
        for (JsonNode p : panels()) {
            p.path("targets").forEach(t -> exprs.add(t.path("expr").asText()));
        }
        return exprs;
    }

    private static Set<String> variableNames() {
        Set<String> names = new HashSet<>();
        dashboard.path("templating").path("list").forEach(v -> names.add(v.path("name").asText()));
        return names;
    }

    @Test
    void theDashboardModelHasWhatGrafanaRequires() {
        assertTrue(dashboard.isObject());
        assertTrue(dashboard.path("uid").asText().matches("[A-Za-z0-9_-]{1,40}"), "uid");
        assertFalse(dashboard.path("title").asText().isBlank(), "title");
        assertTrue(dashboard.path("schemaVersion").isInt() && dashboard.path("schemaVersion").asInt() >= 36,
                "schemaVersion of a current Grafana");
        assertTrue(dashboard.path("time").path("from").isTextual() && dashboard.path("time").path("to").isTextual());
        assertTrue(dashboard.path("templating").path("list").isArray());
        assertTrue(dashboard.path("panels").isArray() && !dashboard.path("panels").isEmpty());
        assertFalse(dashboard.has("id") && !dashboard.get("id").isNull(), "no instance id: importable anywhere");
    }

    @Test
    void prometheusIsTheDataSourceThroughAVariable() {
        JsonNode datasource = null;
        for (JsonNode v : dashboard.path("templating").path("list")) {
            if (v.path("type").asText().equals("datasource")) {
                datasource = v;
            }
        }
        assertTrue(datasource != null, "a data source variable");
        assertEquals("prometheus", datasource.path("query").asText());
        String ref = "${" + datasource.path("name").asText() + "}";
        for (JsonNode p : panels()) {
            if (p.path("type").asText().equals("row")) {
                continue;
            }
            assertEquals("prometheus", p.path("datasource").path("type").asText(), () -> "panel " + p.path("title"));
            assertEquals(ref, p.path("datasource").path("uid").asText(), () -> "panel " + p.path("title"));
            p.path("targets").forEach(t -> assertEquals(ref, t.path("datasource").path("uid").asText()));
        }
    }

    @Test
    void panelsAreWellFormedAndLaidOutOnTheGrid() {
        Set<Integer> ids = new HashSet<>();
        for (JsonNode p : panels()) {
            String title = p.path("title").asText();
            assertFalse(title.isBlank(), "every panel has a title");
            assertTrue(p.path("id").isInt() && ids.add(p.path("id").asInt()), () -> "unique id: " + title);
            assertTrue(PANEL_TYPES.contains(p.path("type").asText()), () -> "panel type of " + title);
            JsonNode g = p.path("gridPos");
            for (String k : List.of("x", "y", "w", "h")) {
                assertTrue(g.path(k).isInt() && g.path(k).asInt() >= 0, () -> "gridPos." + k + " of " + title);
            }
            assertTrue(g.path("w").asInt() >= 1 && g.path("x").asInt() + g.path("w").asInt() <= 24,
                    () -> "within the 24 columns: " + title);
            if (p.path("type").asText().equals("row")) {
                continue;
            }
            JsonNode targets = p.path("targets");
            assertTrue(targets.isArray() && !targets.isEmpty(), () -> "targets of " + title);
            Set<String> refIds = new HashSet<>();
            targets.forEach(t -> {
                assertTrue(refIds.add(t.path("refId").asText()) && !t.path("refId").asText().isEmpty(),
                        () -> "unique refId in " + title);
                assertFalse(t.path("expr").asText().isBlank(), () -> "PromQL of " + title);
            });
        }
    }

    @Test
    void everyQueryNamesRealMetersLabelsAndVariables() {
        Set<String> variables = variableNames();
        for (String expr : expressions()) {
            Matcher m = METRIC.matcher(expr);
            boolean any = false;
            while (m.find()) {
                any = true;
                assertTrue(realNames.contains(m.group(1)), () -> "not a published meter: " + m.group(1) + " in " + expr);
            }
            assertTrue(any, () -> "queries no OBO meter: " + expr);
            Matcher g = GROUPING.matcher(expr);
            while (g.find()) {
                for (String label : g.group(1).split(",")) {
                    assertTrue(realLabels.contains(label.trim()), () -> "not a label: " + label + " in " + expr);
                }
            }
            Matcher l = MATCHER.matcher(expr);
            while (l.find()) {
                assertTrue(realLabels.contains(l.group(1)), () -> "not a label: " + l.group(1) + " in " + expr);
            }
            Matcher v = VARIABLE.matcher(expr);
            while (v.find()) {
                assertTrue(variables.contains(v.group(1)) || GRAFANA_VARIABLES.contains(v.group(1)),
                        () -> "undefined variable $" + v.group(1) + " in " + expr);
            }
            assertBalanced(expr);
        }
    }

    @Test
    void thePromisedPanelsAreThere() {
        List<String> exprs = expressions().stream().map(e -> e.replaceAll("\\s+", " ")).toList();
        assertTrue(exprs.stream().anyMatch(e -> e.contains("by (source, target)") && e.contains("outcome=\"issued\"")
                && e.contains("rate(keycloak_obo_exchanges_total")), "exchanges per second by source -> target");
        assertTrue(exprs.stream().anyMatch(e -> e.contains("by (error)") && e.contains("outcome=\"refused\"")),
                "refusals by error");
        for (String quantile : List.of("0.5", "0.99")) {
            assertTrue(exprs.stream().anyMatch(e -> e.startsWith("histogram_quantile(" + quantile + ",")
                    && e.contains("keycloak_obo_exchange_duration_seconds_bucket")), "p" + quantile);
        }
    }

    private static void assertBalanced(String expr) {
        StringBuilder open = new StringBuilder();
        boolean quoted = false;
        for (char c : expr.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && "({[".indexOf(c) >= 0) {
                open.append(c);
            } else if (!quoted && ")}]".indexOf(c) >= 0) {
                if (open.isEmpty() || "({[".indexOf(open.charAt(open.length() - 1)) != ")}]".indexOf(c)) {
                    fail("unbalanced " + c + " in " + expr);
                }
                open.setLength(open.length() - 1);
            }
        }
        assertTrue(open.isEmpty() && !quoted, () -> "unbalanced: " + expr);
    }

    @Test
    void theRealmVariableListsTheRealmsOfTheMeter() {
        JsonNode realm = null;
        for (JsonNode v : dashboard.path("templating").path("list")) {
            if (v.path("name").asText().equals("realm")) {
                realm = v;
            }
        }
        assertTrue(realm != null);
        assertEquals("label_values(keycloak_obo_exchanges_total, realm)", realm.path("definition").asText());
        Set<String> usedVariables = expressions().stream().flatMap(e -> VARIABLE.matcher(e).results())
                .map(r -> r.group(1)).collect(Collectors.toSet());
        assertTrue(usedVariables.contains("realm"), "the queries filter by the realm variable");
    }
}
