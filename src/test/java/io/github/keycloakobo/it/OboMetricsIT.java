package io.github.keycloakobo.it;

import static io.github.keycloakobo.it.Clients.ORDERS;
import static io.github.keycloakobo.it.Clients.REPORTS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.github.keycloakobo.metrics.PrometheusText;
import org.junit.jupiter.api.Test;

/**
 * The OBO meters on the management interface's {@code /metrics} of the real server (which runs with
 * {@code --metrics-enabled=true} and the duration histogram on): every answered exchange and OBO refresh adds exactly
 * one to the series of its realm, source, target, form, outcome and error. This class's realm is its own, so the
 * increments are exact.
 */
class OboMetricsIT extends AbstractOboIT {

    private static final String EXCHANGES = "keycloak_obo_exchanges_total";
    private static final String DURATION_COUNT = "keycloak_obo_exchange_duration_seconds_count";
    private static final String DURATION_BUCKET = "keycloak_obo_exchange_duration_seconds_bucket";
    private static final Set<String> COUNTER_LABELS = Set.of("realm", "source", "target", "form", "outcome", "error");
    private static final Pattern JWT_LIKE = Pattern.compile("[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.");

    private PrometheusText scrape() {
        String url = realm.keycloak().managementUrl().orElseThrow() + "/metrics";
        HttpResult r = Http.getAccepting(url, "text/plain");
        assertEquals(200, r.status(), () -> "GET " + url + ": " + r.describe());
        return PrometheusText.parse(r.body());
    }

    private Map<String, String> series(String source, String target, String form, String outcome, String error) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("realm", realmName());
        labels.put("source", source);
        labels.put("target", target);
        labels.put("form", form);
        labels.put("outcome", outcome);
        labels.put("error", error);
        return labels;
    }

    private Map<String, String> timer(String form, String outcome) {
        return Map.of("realm", realmName(), "form", form, "outcome", outcome);
    }

    /** Runs {@code requests} and asserts that exactly {@code expected} changed by exactly one each, nothing else. */
    private void assertCounted(Runnable requests, List<Map<String, String>> expected) {
        PrometheusText before = scrape();
        requests.run();
        PrometheusText after = scrape();
        for (Map<String, String> labels : expected) {
            assertEquals(1, after.samples(EXCHANGES, labels).size(), () -> "one series " + labels + " in "
                    + after.samples(EXCHANGES, Map.of("realm", realmName())));
            long times = expected.stream().filter(labels::equals).count();
            assertEquals(before.sum(EXCHANGES, labels) + times, after.sum(EXCHANGES, labels),
                    () -> "increment of " + labels);
        }
        double realmBefore = before.sum(EXCHANGES, Map.of("realm", realmName()));
        double realmAfter = after.sum(EXCHANGES, Map.of("realm", realmName()));
        assertEquals(realmBefore + expected.size(), realmAfter, "no other OBO series of the realm changed");
    }

    @Test
    void anIssuedExchangeIsCountedAndTimed() {
        PrometheusText before = scrape();
        String token = aliceToken();
        assertCounted(() -> assertExchanged(oauth.exchange(ORDERS).subject(token).audience("inventory-api").send()),
                List.of(series("orders-api", "inventory-api", "rfc8693", "issued", "none")));
        PrometheusText after = scrape();
        assertEquals(before.sum(DURATION_COUNT, timer("rfc8693", "issued")) + 1,
                after.sum(DURATION_COUNT, timer("rfc8693", "issued")));
        Map<String, String> inf = new LinkedHashMap<>(timer("rfc8693", "issued"));
        inf.put("le", "+Inf");
        assertEquals(before.sum(DURATION_BUCKET, inf) + 1, after.sum(DURATION_BUCKET, inf),
                "the histogram is on (--" + DistributionKeycloak.METRICS_HISTOGRAMS_OPTION + "=true)");
    }

    @Test
    void refusalsAreCountedByErrorAndTheTargetTheyNamed() {
        String token = aliceToken();
        assertCounted(() -> {
            assertError(oauth.exchange(ORDERS).subject(token).audience("reports-api").send(), 400, "invalid_target");
            assertError(oauth.exchange(ORDERS).subject(token).audience("no-such-api").send(), 400, "invalid_target");
            assertError(oauth.exchange(ORDERS).subject("not-a-token").audience("inventory-api").send(), 400,
                    "invalid_request");
        }, List.of(series("orders-api", "reports-api", "rfc8693", "refused", "invalid_target"),
                series("orders-api", "unknown", "rfc8693", "refused", "invalid_target"),
                series("orders-api", "inventory-api", "rfc8693", "refused", "invalid_request")));
    }

    @Test
    void aRequestRefusedBeforeTheExchangeIsCountedWithoutATarget() {
        String token = aliceToken();
        assertCounted(() -> assertError(oauth.exchange(ORDERS).subject(token).audience("inventory-api")
                        .param("actor_token", token).send(), 400, "invalid_request"),
                List.of(series("orders-api", "none", "rfc8693", "refused", "invalid_request")));
    }

    @Test
    void theEntraFormIsCountedAsEntra() {
        String token = aliceToken();
        PrometheusText before = scrape();
        assertCounted(() -> {
            assertEquals(200, oauth.entraOnBehalfOf(ORDERS, token).scope("inventory-api/.default").send().status());
            assertError(oauth.entraOnBehalfOf(ORDERS, token).scope("reports-api/.default").send(), 400,
                    "invalid_target");
            assertError(oauth.entraOnBehalfOf(ORDERS, "not-a-token").scope("inventory-api/.default").send(), 400,
                    "invalid_grant");
        }, List.of(series("orders-api", "inventory-api", "entra", "issued", "none"),
                series("orders-api", "reports-api", "entra", "refused", "invalid_target"),
                series("orders-api", "inventory-api", "entra", "refused", "invalid_grant")));
        PrometheusText after = scrape();
        assertEquals(before.sum(DURATION_COUNT, timer("entra", "issued")) + 1,
                after.sum(DURATION_COUNT, timer("entra", "issued")));
        assertEquals(before.sum(DURATION_COUNT, timer("entra", "refused")) + 2,
                after.sum(DURATION_COUNT, timer("entra", "refused")));
    }

    @Test
    void oboRefreshesAreCountedAsFormRefresh() {
        String token = aliceToken();
        String[] refreshToken = new String[1];
        assertCounted(() -> {
            HttpResult exchanged = oauth.exchange(REPORTS).subject(token).audience("inventory-api")
                    .requestedTokenType(OAuth.REFRESH_TOKEN_TYPE).send();
            assertEquals(200, exchanged.status(), exchanged::describe);
            refreshToken[0] = exchanged.field("refresh_token");
        }, List.of(series("reports-api", "inventory-api", "rfc8693", "issued", "none")));
        assertCounted(() -> {
            HttpResult refreshed = oauth.refresh(REPORTS, refreshToken[0]);
            assertEquals(200, refreshed.status(), refreshed::describe);
            // another client's OBO refresh token is refused before its recorded audience is read
            assertError(oauth.refresh(ORDERS, refreshToken[0]), 400, "invalid_grant");
        }, List.of(series("reports-api", "inventory-api", "refresh", "issued", "none"),
                series("orders-api", "none", "refresh", "refused", "invalid_grant")));
    }

    @Test
    void beyondTheCapOfTargetsPerRealmATargetIsOther() {
        // a realm of its own, so that no other test's targets take places under the cap
        TestRealm capped = TestRealm.create("OboMetricsCap");
        try {
            OAuth cappedOAuth = capped.oauth();
            String token = cappedOAuth.login(Clients.WEB_APP, "alice", "alice", "openid").accessToken();
            List<String> targets = List.of("reports-api", "loop-a", "loop-b", "plain-api", "batch-job", "builtin-te",
                    "disabled-api");
            int cap = DistributionKeycloak.METRICS_MAX_CLIENT_TAGS;
            assertTrue(targets.size() > cap);
            for (String target : targets) {
                assertError(cappedOAuth.exchange(ORDERS).subject(token).audience(target).send(), 400,
                        "invalid_target");
            }
            PrometheusText text = scrape();
            Map<String, String> refused = Map.of("realm", capped.name(), "source", "orders-api", "form", "rfc8693",
                    "outcome", "refused", "error", "invalid_target");
            for (String target : targets.subList(0, cap)) {
                Map<String, String> labels = new LinkedHashMap<>(refused);
                labels.put("target", target);
                assertEquals(1.0, text.sum(EXCHANGES, labels), () -> "target " + target);
            }
            Map<String, String> other = new LinkedHashMap<>(refused);
            other.put("target", "other");
            assertEquals(targets.size() - cap, text.sum(EXCHANGES, other), "the targets beyond the cap");
            assertEquals(targets.size(), text.sum(EXCHANGES, Map.of("realm", capped.name())));
        } finally {
            if (!ItConfig.keepRealms()) {
                capped.delete();
            }
        }
    }

    @Test
    void noSeriesCarriesAUserATokenOrAnUnexpectedLabel() {
        String token = aliceToken();
        assertExchanged(oauth.exchange(ORDERS).subject(token).audience("inventory-api").send());
        List<PrometheusText.Sample> ours = scrape().samples(EXCHANGES, Map.of("realm", realmName()));
        assertFalse(ours.isEmpty());
        String sub = Jwt.parse(token).sub();
        for (PrometheusText.Sample s : ours) {
            assertEquals(COUNTER_LABELS, s.labels().keySet(), s::toString);
            for (String value : s.labels().values()) {
                assertFalse(value.contains("alice") || value.contains(sub) || JWT_LIKE.matcher(value).find(),
                        () -> "a label carries a user or a token: " + s);
            }
        }
        assertTrue(scrape().samples(DURATION_COUNT, Map.of("realm", realmName())).stream()
                .allMatch(s -> s.labels().keySet().equals(Set.of("realm", "form", "outcome"))));
    }
}
