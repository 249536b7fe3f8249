package io.github.keycloakobo.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OboMetricsTest {

    private static final Predicate<String> KNOWN = Set.of("orders-api", "inventory-api", "billing-api")::contains;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @AfterEach
    void off() {
        OboMetrics.uninstall();
    }

    private OboMetrics install(int maxClientTags, boolean histograms) {
        return OboMetrics.install(registry, new MetricsSettings(true, maxClientTags, histograms));
    }

    private double count(String... tags) {
        Counter c = registry.find(OboMetrics.EXCHANGES).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void anIssuedExchangeIsCountedWithAllItsTags() {
        install(10, false).record("r1", "orders-api", "rfc8693", List.of("inventory-api"), KNOWN, null, 1_000_000);
        List<Meter> meters = List.copyOf(registry.find(OboMetrics.EXCHANGES).meters());
        assertEquals(1, meters.size());
        assertEquals(Set.of(Tag.of("realm", "r1"), Tag.of("source", "orders-api"), Tag.of("target", "inventory-api"),
                        Tag.of("form", "rfc8693"), Tag.of("outcome", "issued"), Tag.of("error", "none")),
                Set.copyOf(meters.get(0).getId().getTags()));
        assertEquals(1.0, ((Counter) meters.get(0)).count());
    }

    @Test
    void refusalsAndFaultsHaveTheirOutcomeAndError() {
        OboMetrics m = install(10, false);
        m.record("r1", "orders-api", "entra", List.of("billing-api"), KNOWN, "invalid_target", -1);
        m.record("r1", "orders-api", "entra", List.of("billing-api"), KNOWN, "invalid_target", -1);
        m.record("r1", "orders-api", "refresh", List.of(), KNOWN, "server_error", -1);
        assertEquals(2.0, count("form", "entra", "outcome", "refused", "error", "invalid_target", "target",
                "billing-api"));
        assertEquals(1.0, count("form", "refresh", "outcome", "failed", "error", "server_error", "target", "none"));
    }

    @Test
    void aRefusedAudienceThatIsNoClientIsUnknownAndSeveralAreSortedInOneTag() {
        OboMetrics m = install(10, false);
        m.record("r1", "orders-api", "rfc8693", List.of("a-user-typed-this"), KNOWN, "invalid_target", -1);
        m.record("r1", "orders-api", "rfc8693", List.of("inventory-api", "billing-api"), KNOWN, null, -1);
        assertEquals(1.0, count("target", "unknown", "error", "invalid_target"));
        assertEquals(1.0, count("target", "billing-api,inventory-api", "outcome", "issued"));
    }

    @Test
    void beyondTheCapPerRealmAValueIsOtherAndAdmittedValuesStay() {
        OboMetrics m = install(2, false);
        for (String source : List.of("s1", "s2", "s3", "s4", "s1")) {
            m.record("r1", source, "rfc8693", List.of("t-" + source), id -> true, null, -1);
        }
        m.record("r2", "s3", "rfc8693", List.of("t-s3"), id -> true, null, -1);
        assertEquals(2.0, count("realm", "r1", "source", "s1", "target", "t-s1"));
        assertEquals(1.0, count("realm", "r1", "source", "s2", "target", "t-s2"));
        assertEquals(2.0, count("realm", "r1", "source", "other", "target", "other"));
        // the cap is per realm
        assertEquals(1.0, count("realm", "r2", "source", "s3", "target", "t-s3"));
        Set<String> sources = registry.find(OboMetrics.EXCHANGES).tag("realm", "r1").counters().stream()
                .map(c -> c.getId().getTag("source")).collect(Collectors.toSet());
        assertEquals(Set.of("s1", "s2", "other"), sources);
    }

    @Test
    void theFixedTargetValuesTakeNoPlaceUnderTheCap() {
        OboMetrics m = install(1, false);
        m.record("r1", "s1", "rfc8693", List.of(), KNOWN, "invalid_request", -1);
        m.record("r1", "s1", "rfc8693", List.of("nobody"), KNOWN, "invalid_target", -1);
        m.record("r1", "s1", "rfc8693", List.of("inventory-api"), KNOWN, null, -1);
        m.record("r1", "s1", "rfc8693", List.of("billing-api"), KNOWN, null, -1);
        assertEquals(1.0, count("target", "none"));
        assertEquals(1.0, count("target", "unknown"));
        assertEquals(1.0, count("target", "inventory-api"));
        assertEquals(1.0, count("target", "other"));
    }

    @Test
    void aMalformedErrorCodeIsOther() {
        install(10, false).record("r1", "orders-api", "rfc8693", List.of(), KNOWN, "Not An <OAuth> code", -1);
        assertEquals(1.0, count("error", "other", "outcome", "refused"));
    }

    @Test
    void theTimerRecordsMeasuredWorkByRealmFormAndOutcomeOnly() {
        OboMetrics m = install(10, false);
        m.record("r1", "orders-api", "rfc8693", List.of("inventory-api"), KNOWN, null, TimeUnit.MILLISECONDS.toNanos(5));
        m.record("r1", "orders-api", "rfc8693", List.of("inventory-api"), KNOWN, "invalid_scope", -1);
        Timer t = registry.find(OboMetrics.DURATION).tags("realm", "r1", "form", "rfc8693", "outcome", "issued").timer();
        assertEquals(1, t.count());
        assertEquals(5.0, t.totalTime(TimeUnit.MILLISECONDS), 0.001);
        assertEquals(Set.of("realm", "form", "outcome"),
                t.getId().getTags().stream().map(Tag::getKey).collect(Collectors.toSet()));
        assertNull(registry.find(OboMetrics.DURATION).tag("outcome", "refused").timer(),
                "an unmeasured refusal is not timed");
        assertEquals(0, t.takeSnapshot().histogramCounts().length, "no buckets unless switched on");
    }

    /** The names Prometheus scrapes from Keycloak's management interface (and the dashboard queries). */
    private static PrometheusText scrape(boolean histograms) {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        OboMetrics.install(prometheus, new MetricsSettings(true, 10, histograms)).record("r1", "orders-api", "entra",
                List.of("inventory-api"), KNOWN, null, TimeUnit.MILLISECONDS.toNanos(3));
        return PrometheusText.parse(prometheus.scrape());
    }

    @Test
    void prometheusNamesAreThoseOfTheDocsAndTheDashboard() {
        PrometheusText text = scrape(false);
        List<PrometheusText.Sample> exchanges = text.samples("keycloak_obo_exchanges_total");
        assertEquals(1, exchanges.size(), exchanges::toString);
        assertEquals(Map.of("realm", "r1", "source", "orders-api", "target", "inventory-api", "form", "entra",
                "outcome", "issued", "error", "none"), exchanges.get(0).labels());
        assertEquals(1.0, exchanges.get(0).value());
        Map<String, String> timerTags = Map.of("realm", "r1", "form", "entra", "outcome", "issued");
        assertEquals(1.0, text.sum("keycloak_obo_exchange_duration_seconds_count", timerTags));
        assertEquals(0.003, text.sum("keycloak_obo_exchange_duration_seconds_sum", timerTags), 1e-9);
        assertTrue(text.samples("keycloak_obo_exchange_duration_seconds_bucket").isEmpty());
    }

    @Test
    void histogramBucketsAreOptIn() {
        List<PrometheusText.Sample> buckets = scrape(true).samples("keycloak_obo_exchange_duration_seconds_bucket");
        assertTrue(buckets.size() > 5, buckets::toString);
        for (PrometheusText.Sample bucket : buckets) {
            double le = bucket.labels().get("le").equals("+Inf") ? Double.POSITIVE_INFINITY
                    : Double.parseDouble(bucket.labels().get("le"));
            assertEquals(le >= 0.003 ? 1.0 : 0.0, bucket.value(), bucket::toString);
            assertTrue(le >= 0.001, "no bucket below a millisecond: " + bucket);
        }
    }

    @Test
    void switchedOffNothingIsRegistered() {
        OboMetrics.start(new MetricsSettings(false, 10, true));
        OboMetrics m = OboMetrics.get();
        assertFalse(m.enabled());
        m.record("r1", "orders-api", "rfc8693", List.of("inventory-api"), KNOWN, null, 1);
        assertTrue(registry.getMeters().isEmpty());
    }

    @Test
    void aNegativeCapIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new MetricsSettings(true, -1, false));
    }
}
