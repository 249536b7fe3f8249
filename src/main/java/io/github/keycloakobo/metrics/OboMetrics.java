package io.github.keycloakobo.metrics;

import java.time.Duration;
import java.util.Collection;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;

/**
 * The OBO meters, registered as Keycloak registers its own event metrics (a {@link Meter.MeterProvider} on Keycloak's
 * global registry, created once at start-up and only with {@code --metrics-enabled=true}):
 * <ul>
 * <li>{@value #EXCHANGES} (Prometheus {@code keycloak_obo_exchanges_total}): one count per answered exchange or OBO
 * refresh, tagged {@code realm}, {@code source}, {@code target}, {@code form} ({@code rfc8693}, {@code entra},
 * {@code refresh}), {@code outcome} ({@code issued}, {@code refused}, {@code failed}) and {@code error} (the OAuth
 * error code, {@code none} when issued);</li>
 * <li>{@value #DURATION} (Prometheus {@code keycloak_obo_exchange_duration_seconds}): the server-side duration of the
 * OBO work, tagged {@code realm}, {@code form} and {@code outcome}; histogram buckets only when switched on.</li>
 * </ul>
 * No tag carries a user, a token or a token id: the values are the realm's name, client ids of the realm (at most
 * {@link MetricsSettings#maxClientTags()} distinct ones per realm and tag, then {@value #OTHER}), the fixed form and
 * outcome names and OAuth error codes.
 */
public final class OboMetrics {

    public static final String EXCHANGES = "keycloak.obo.exchanges";
    public static final String DURATION = "keycloak.obo.exchange.duration";

    public static final String TAG_REALM = "realm";
    public static final String TAG_SOURCE = "source";
    public static final String TAG_TARGET = "target";
    public static final String TAG_FORM = "form";
    public static final String TAG_OUTCOME = "outcome";
    public static final String TAG_ERROR = "error";

    public static final String ISSUED = "issued";
    public static final String REFUSED = "refused";
    public static final String FAILED = "failed";
    /** The {@code error} of an issued token; the {@code target} of a request that named none (yet). */
    public static final String NONE = "none";
    /** A value beyond the cap of distinct values per realm, or a malformed error code. */
    public static final String OTHER = "other";
    /** The {@code target} of a refused request that named something which is not a client of the realm. */
    public static final String UNKNOWN = "unknown";
    /** The error of a fault that is the server's, not a refusal. */
    public static final String SERVER_ERROR = "server_error";

    /** OAuth error codes as RFC 6749 allows them, bounded in length; anything else is {@code other}. */
    private static final Pattern ERROR_CODE = Pattern.compile("[a-z0-9_.-]{1,64}");

    private static final OboMetrics OFF = new OboMetrics(null, null, null, null);
    private static volatile OboMetrics installed = OFF;

    private final Meter.MeterProvider<Counter> exchanges;
    private final Meter.MeterProvider<Timer> durations;
    private final ClientTagValues sources;
    private final ClientTagValues targets;

    private OboMetrics(Meter.MeterProvider<Counter> exchanges, Meter.MeterProvider<Timer> durations,
                       ClientTagValues sources, ClientTagValues targets) {
        this.exchanges = exchanges;
        this.durations = durations;
        this.sources = sources;
        this.targets = targets;
    }

    /** The meters in use: switched off (every call a no-op) until {@link #install} ran. */
    public static OboMetrics get() {
        return installed;
    }

    /** Registers the meters in {@code registry} and uses them from now on. */
    public static OboMetrics install(MeterRegistry registry, MetricsSettings settings) {
        Meter.MeterProvider<Counter> exchanges = Counter.builder(EXCHANGES)
                .description("On-behalf-of token exchanges and refreshes, by source, target, form, outcome and error")
                .withRegistry(registry);
        Timer.Builder timer = Timer.builder(DURATION)
                .description("Server-side duration of the on-behalf-of work of an exchange or refresh");
        if (settings.histogramsEnabled()) {
            timer = timer.publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofSeconds(10));
        }
        OboMetrics metrics = new OboMetrics(exchanges, timer.withRegistry(registry),
                new ClientTagValues(settings.maxClientTags()), new ClientTagValues(settings.maxClientTags()));
        installed = metrics;
        return metrics;
    }

    /**
     * At start-up: the meters in Keycloak's global registry (the one its management interface publishes on
     * {@code /metrics}) when Keycloak runs with metrics, none otherwise.
     */
    public static void start(MetricsSettings settings) {
        if (settings.enabled()) {
            install(Metrics.globalRegistry, settings);
        } else {
            uninstall();
        }
    }

    /** Back to no meters (tests, and a factory that closes). */
    public static void uninstall() {
        installed = OFF;
    }

    public boolean enabled() {
        return exchanges != null;
    }

    /**
     * Counts one answered request and, when {@code nanos >= 0}, times it.
     *
     * @param realm     the realm's name
     * @param source    the requesting client's client id
     * @param form      the request form's audit name ({@code rfc8693}, {@code entra}, {@code refresh})
     * @param targets   the audiences issued, or on a refusal those the request named
     * @param isClient  whether a named audience is a client of the realm (asked for refusals only)
     * @param error     the OAuth error code of a refusal, {@value #SERVER_ERROR} for a fault, null when issued
     * @param nanos     the duration of the OBO work, negative when it was not measured
     */
    public void record(String realm, String source, String form, Collection<String> targets,
                       Predicate<String> isClient, String error, long nanos) {
        if (!enabled()) {
            return;
        }
        String realmTag = realm == null ? UNKNOWN : realm;
        String outcome = error == null ? ISSUED : SERVER_ERROR.equals(error) ? FAILED : REFUSED;
        String formTag = form == null ? UNKNOWN : form;
        exchanges.withTags(
                TAG_REALM, realmTag,
                TAG_SOURCE, source == null ? UNKNOWN : sources.admit(realmTag, source),
                TAG_TARGET, this.targets.admit(realmTag, targetTag(targets, error == null ? id -> true : isClient)),
                TAG_FORM, formTag,
                TAG_OUTCOME, outcome,
                TAG_ERROR, error == null ? NONE : ERROR_CODE.matcher(error).matches() ? error : OTHER)
                .increment();
        if (nanos >= 0) {
            durations.withTags(TAG_REALM, realmTag, TAG_FORM, formTag, TAG_OUTCOME, outcome)
                    .record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    /** The audiences in one tag value: sorted, comma-separated, a name that is no client as {@code unknown}. */
    static String targetTag(Collection<String> targets, Predicate<String> isClient) {
        if (targets == null || targets.isEmpty()) {
            return NONE;
        }
        TreeSet<String> names = new TreeSet<>();
        for (String target : targets) {
            names.add(isClient.test(target) ? target : UNKNOWN);
        }
        return String.join(",", names);
    }
}
