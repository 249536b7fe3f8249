package io.github.keycloakobo.metrics;

import java.util.List;

import io.github.keycloakobo.compat.ServerOptions;
import org.keycloak.Config;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

/**
 * How the OBO meters are set up: options of the {@code obo} provider of the {@code oauth2-token-exchange} SPI, e.g.
 * {@code --spi-oauth2-token-exchange--obo--metrics-max-client-tags=50}, and Keycloak's own
 * {@code --metrics-enabled}, without which there are no OBO meters either.
 *
 * @param enabled           Keycloak's {@code metrics-enabled}
 * @param maxClientTags     the most distinct values of the {@code source} tag, and of the {@code target} tag, per realm
 * @param histogramsEnabled whether the duration timer publishes histogram buckets
 */
public record MetricsSettings(boolean enabled, int maxClientTags, boolean histogramsEnabled) {

    // runtime options: Keycloak reads an SPI option whose name ends in -enabled or -provider as a build option
    public static final String MAX_CLIENT_TAGS = "metrics-max-client-tags";
    public static final String HISTOGRAMS = "metrics-histograms";
    public static final int DEFAULT_MAX_CLIENT_TAGS = 100;
    /** Keycloak's build option, read as Keycloak's own metrics read it. */
    static final String KEYCLOAK_METRICS_ENABLED = "metrics-enabled";

    public MetricsSettings {
        if (maxClientTags < 0) {
            throw new IllegalArgumentException(MAX_CLIENT_TAGS + " must be 0 or more, not " + maxClientTags);
        }
    }

    /** The settings in the provider's configuration scope. */
    public static MetricsSettings from(Config.Scope config) {
        return new MetricsSettings(ServerOptions.getBoolean(config, KEYCLOAK_METRICS_ENABLED, false),
                config.getInt(MAX_CLIENT_TAGS, DEFAULT_MAX_CLIENT_TAGS),
                config.getBoolean(HISTOGRAMS, false));
    }

    /** The options as {@code kc.sh show-config} and the provider info page list them. */
    public static List<ProviderConfigProperty> metadata() {
        return ProviderConfigurationBuilder.create()
                .property().name(MAX_CLIENT_TAGS).type(ProviderConfigProperty.INTEGER_TYPE)
                .defaultValue(DEFAULT_MAX_CLIENT_TAGS)
                .helpText("Most distinct client ids per realm in the source tag and in the target tag of the "
                        + "on-behalf-of metrics; later ones are counted as 'other'")
                .add()
                .property().name(HISTOGRAMS).type(ProviderConfigProperty.BOOLEAN_TYPE)
                .defaultValue(false)
                .helpText("Publish histogram buckets of the on-behalf-of exchange duration (for percentiles in "
                        + "Prometheus)")
                .add()
                .build();
    }
}
