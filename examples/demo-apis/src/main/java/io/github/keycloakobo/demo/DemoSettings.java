package io.github.keycloakobo.demo;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Configuration of the demo APIs and the walkthrough.
 *
 * <p>Every setting has an environment-variable name (e.g. {@code KEYCLOAK_URL}). It is looked up, in order, in the
 * explicit overrides, the system property of the same name in lower case with dots (e.g. {@code -Dkeycloak.url=...}),
 * the environment, and finally the demo default. The defaults match {@code realm-export/obo-demo-realm.json} and
 * {@code ./run-demo}; the client secret default is a demo-only value.
 */
public final class DemoSettings {

    public static final String KEYCLOAK_URL = "KEYCLOAK_URL";
    public static final String KEYCLOAK_REALM = "KEYCLOAK_REALM";
    /** The {@code iss} the APIs expect; defaults to {@code KEYCLOAK_URL/realms/KEYCLOAK_REALM}. */
    public static final String KEYCLOAK_ISSUER = "KEYCLOAK_ISSUER";
    public static final String BIND_HOST = "BIND_HOST";
    public static final String ORDERS_API_PORT = "ORDERS_API_PORT";
    public static final String INVENTORY_API_PORT = "INVENTORY_API_PORT";
    public static final String ORDERS_API_URL = "ORDERS_API_URL";
    public static final String INVENTORY_API_URL = "INVENTORY_API_URL";
    public static final String ORDERS_API_CLIENT_ID = "ORDERS_API_CLIENT_ID";
    public static final String ORDERS_API_CLIENT_SECRET = "ORDERS_API_CLIENT_SECRET";
    public static final String INVENTORY_API_CLIENT_ID = "INVENTORY_API_CLIENT_ID";
    public static final String INVENTORY_API_REQUIRED_ROLE = "INVENTORY_API_REQUIRED_ROLE";
    public static final String DEMO_APP_CLIENT_ID = "DEMO_APP_CLIENT_ID";

    /** Demo-only secret of the {@code orders-api} client in {@code realm-export/obo-demo-realm.json}. */
    public static final String DEMO_ORDERS_SECRET = "demo-orders-secret";

    private final Map<String, String> overrides;
    private final boolean useEnvironment;

    private DemoSettings(Map<String, String> overrides, boolean useEnvironment) {
        this.overrides = Map.copyOf(overrides);
        this.useEnvironment = useEnvironment;
    }

    /** Settings from system properties and environment variables. */
    public static DemoSettings fromEnvironment() {
        return new DemoSettings(Map.of(), true);
    }

    /** Settings from the given values and the defaults only (ignores system properties and environment). */
    public static DemoSettings of(Map<String, String> values) {
        return new DemoSettings(values, false);
    }

    public String get(String name) {
        String value = overrides.get(name);
        if (value == null && useEnvironment) {
            value = System.getProperty(name.toLowerCase(Locale.ROOT).replace('_', '.'));
            if (value == null || value.isBlank()) {
                value = System.getenv(name);
            }
        }
        if (value != null && !value.isBlank()) {
            return value.trim();
        }
        return Optional.ofNullable(defaultValue(name))
                .orElseThrow(() -> new IllegalStateException("missing setting " + name));
    }

    private String defaultValue(String name) {
        switch (name) {
            case KEYCLOAK_URL: return "http://127.0.0.1:8080";
            case KEYCLOAK_REALM: return "obo-demo";
            case KEYCLOAK_ISSUER: return keycloakUrl() + "/realms/" + realm();
            case BIND_HOST: return "127.0.0.1";
            case ORDERS_API_PORT: return "8081";
            case INVENTORY_API_PORT: return "8082";
            case ORDERS_API_URL: return "http://127.0.0.1:" + get(ORDERS_API_PORT);
            case INVENTORY_API_URL: return "http://127.0.0.1:" + get(INVENTORY_API_PORT);
            case ORDERS_API_CLIENT_ID: return "orders-api";
            case ORDERS_API_CLIENT_SECRET: return DEMO_ORDERS_SECRET;
            case INVENTORY_API_CLIENT_ID: return "inventory-api";
            case INVENTORY_API_REQUIRED_ROLE: return "stock.read";
            case DEMO_APP_CLIENT_ID: return "demo-app";
            default: return null;
        }
    }

    public String keycloakUrl() {
        return stripSlash(get(KEYCLOAK_URL));
    }

    public String realm() {
        return get(KEYCLOAK_REALM);
    }

    public String issuer() {
        return stripSlash(get(KEYCLOAK_ISSUER));
    }

    public String realmUrl() {
        return keycloakUrl() + "/realms/" + realm();
    }

    public String tokenEndpoint() {
        return realmUrl() + "/protocol/openid-connect/token";
    }

    public String jwksUri() {
        return realmUrl() + "/protocol/openid-connect/certs";
    }

    public String bindHost() {
        return get(BIND_HOST);
    }

    public int port(String name) {
        String value = get(name);
        try {
            int port = Integer.parseInt(value);
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalStateException(name + " is not a port number: " + value, e);
        }
    }

    public String url(String name) {
        return stripSlash(get(name));
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
