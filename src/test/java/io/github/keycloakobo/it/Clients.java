package io.github.keycloakobo.it;

/** The clients of {@code realms/obo-test-realm.json} and their (test-only) credentials. */
public final class Clients {

    private Clients() {
    }

    /** Public app; its access tokens carry aud orders-api, orders-lite, reports-api, loop-a, builtin-te, ... */
    public static final String WEB_APP = "web-app";
    /** Public app whose access tokens live 2 s (aud orders-api). */
    public static final String SHORT_APP = "short-app";

    /** OBO source: obo.audiences = inventory-api billing-api shipping-api disabled-api ghost-api. */
    public static final ClientAuth ORDERS = ClientAuth.basic("orders-api", "orders-secret");
    /** OBO source: one target (inventory-api), obo.scopes = openid profile inventory:read, obo.token-lifetime 60. */
    public static final ClientAuth ORDERS_LITE = ClientAuth.basic("orders-lite", "lite-secret");
    /** Bearer target with roles stock.read / stock.write and obo.resource https://inventory.example.com/api. */
    public static final ClientAuth INVENTORY = ClientAuth.basic("inventory-api", "inventory-secret");
    /** Target (obo.resource https://billing.example.com/api), also an OBO source with default max-hops (1). */
    public static final ClientAuth BILLING = ClientAuth.basic("billing-api", "billing-secret");
    /** Middle of the chain orders-api -> shipping-api -> inventory-api (obo.max-hops 2). */
    public static final ClientAuth SHIPPING = ClientAuth.basic("shipping-api", "shipping-secret");
    /** OBO source allowed refresh tokens (obo.refresh-token true), target inventory-api. */
    public static final ClientAuth REPORTS = ClientAuth.basic("reports-api", "reports-secret");
    /** loop-a and loop-b may exchange to each other (max-hops 3). */
    public static final ClientAuth LOOP_A = ClientAuth.basic("loop-a", "loop-a-secret");
    public static final ClientAuth LOOP_B = ClientAuth.basic("loop-b", "loop-b-secret");
    /** Only Keycloak's built-in standard token exchange (standard.token.exchange.enabled), no OBO. */
    public static final ClientAuth BUILTIN = ClientAuth.basic("builtin-te", "builtin-secret");
    /** Confidential client with no token exchange at all. */
    public static final ClientAuth PLAIN = ClientAuth.basic("plain-api", "plain-secret");
    /** Public client with obo.enabled (must be refused). */
    public static final ClientAuth PUBLIC_OBO = ClientAuth.publicClient("public-obo");
    /** Service account whose client-credentials tokens carry aud orders-api. */
    public static final ClientAuth BATCH = ClientAuth.basic("batch-job", "batch-secret");

    public static final String INVENTORY_RESOURCE = "https://inventory.example.com/api";
    public static final String BILLING_RESOURCE = "https://billing.example.com/api";
    public static final String REPORTS_RESOURCE = "https://reports.example.com/api";
}
