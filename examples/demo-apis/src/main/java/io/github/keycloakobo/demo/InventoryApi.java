package io.github.keycloakobo.demo;

import java.io.IOException;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import com.nimbusds.jwt.JWTClaimsSet;
import com.sun.net.httpserver.HttpExchange;

/**
 * The demo <b>target API</b> ({@code inventory-api}): answers stock levels to callers whose access token is
 * issued by the realm for audience {@code inventory-api} and carries the client role {@code stock.read}
 * ({@code resource_access.inventory-api.roles}).
 *
 * <ul>
 *   <li>{@code GET /stock} - all stock levels, plus who was served ({@code sub}, {@code azp}, {@code obo_path} ...)</li>
 *   <li>{@code GET /stock/{sku}} - one item</li>
 *   <li>{@code GET /health} - unauthenticated liveness</li>
 * </ul>
 * 401 for a missing or invalid token, 403 ({@code insufficient_scope}) without the role.
 */
public final class InventoryApi implements AutoCloseable {

    private static final String NAME = "inventory-api";

    static final List<Map<String, Object>> STOCK = List.of(
            item("TEA-001", "Mad Hatter's tea blend", 42, "wonderland-east"),
            item("CAKE-002", "EAT ME cake", 7, "wonderland-east"),
            item("BOTTLE-003", "DRINK ME bottle", 0, "looking-glass"),
            item("WATCH-004", "White Rabbit pocket watch", 3, "looking-glass"));

    private final DemoSettings settings;
    private final String clientId;
    private final String requiredRole;
    private final TokenValidator validator;
    private final Http.Server server;

    private InventoryApi(DemoSettings settings) throws IOException {
        this.settings = settings;
        this.clientId = settings.get(DemoSettings.INVENTORY_API_CLIENT_ID);
        this.requiredRole = settings.get(DemoSettings.INVENTORY_API_REQUIRED_ROLE);
        this.validator = new TokenValidator(settings, clientId);
        this.server = new Http.Server("inventory-api", settings.bindHost(),
                settings.port(DemoSettings.INVENTORY_API_PORT),
                Map.of("/stock", this::stock, "/health", InventoryApi::health, "/", InventoryApi::notFound));
    }

    /** Starts the API ({@code INVENTORY_API_PORT=0} picks a free port). */
    public static InventoryApi start(DemoSettings settings) throws IOException {
        return new InventoryApi(settings);
    }

    public int port() {
        return server.port();
    }

    public String url() {
        return "http://" + settings.bindHost() + ":" + port();
    }

    @Override
    public void close() {
        server.close();
    }

    private void stock(HttpExchange exchange) throws IOException {
        if (!Http.isGet(exchange)) {
            return;
        }
        JWTClaimsSet claims = Http.authenticate(exchange, validator, clientId, NAME);
        if (claims == null) {
            return;
        }
        Map<String, Object> served = served(claims);
        String who = served.get("preferred_username") + " via " + served.get("azp") + ", obo_path "
                + Json.writeValue(served.get("obo_path"));
        List<String> roles = Json.stringList(Json.object(claims.getClaim("resource_access"), clientId).get("roles"));
        if (!roles.contains(requiredRole)) {
            log(exchange, 403, who + ": no role " + requiredRole);
            Http.forbidden(exchange, clientId, "the user has no " + clientId + " role '" + requiredRole + "'");
            return;
        }

        String path = exchange.getRequestURI().getPath();
        Map<String, Object> body = new LinkedHashMap<>();
        if (path.equals("/stock") || path.equals("/stock/")) {
            body.put("items", STOCK);
        } else if (path.startsWith("/stock/")) {
            String sku = path.substring("/stock/".length());
            Map<String, Object> item = STOCK.stream().filter(i -> i.get("sku").equals(sku)).findFirst().orElse(null);
            if (item == null) {
                log(exchange, 404, who);
                Http.json(exchange, 404, Http.error("not_found", "no item " + sku));
                return;
            }
            body.put("item", item);
        } else {
            notFound(exchange);
            return;
        }
        body.put("served", served);
        log(exchange, 200, who);
        Http.json(exchange, 200, body);
    }

    /** Who the API served, from the validated claims (never the token itself). */
    private Map<String, Object> served(JWTClaimsSet claims) {
        Map<String, Object> served = new LinkedHashMap<>();
        served.put("api", clientId);
        served.put("sub", claims.getSubject());
        served.put("preferred_username", claims.getClaim("preferred_username"));
        served.put("azp", claims.getClaim("azp"));
        served.put("aud", claims.getAudience());
        served.put("scope", claims.getClaim("scope"));
        try {
            List<String> path = claims.getStringListClaim("obo_path");
            served.put("obo_path", path == null ? List.of() : path);
        } catch (ParseException e) {
            served.put("obo_path", new ArrayList<>(Json.stringList(claims.getClaim("obo_path"))));
        }
        served.put("roles", Json.stringList(Json.object(claims.getClaim("resource_access"), clientId).get("roles")));
        return served;
    }

    private static void health(HttpExchange exchange) throws IOException {
        Http.json(exchange, 200, Map.of("status", "UP"));
    }

    private static void notFound(HttpExchange exchange) throws IOException {
        Http.json(exchange, 404, Http.error("not_found", "try GET /stock"));
    }

    private static void log(HttpExchange exchange, int status, String detail) {
        Http.log(NAME, exchange, status, detail);
    }

    private static Map<String, Object> item(String sku, String name, int onHand, String warehouse) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("sku", sku);
        item.put("name", name);
        item.put("on_hand", onHand);
        item.put("warehouse", warehouse);
        return item;
    }

    public static void main(String[] args) throws Exception {
        DemoSettings settings = DemoSettings.fromEnvironment();
        InventoryApi api = start(settings);
        System.out.println("inventory-api listening on " + api.url() + " (realm " + settings.realmUrl()
                + ", accepts aud " + api.clientId + ", requires role " + api.requiredRole + ")");
        awaitShutdown(api);
    }

    static void awaitShutdown(AutoCloseable... apis) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (AutoCloseable api : apis) {
                try {
                    api.close();
                } catch (Exception ignored) {
                    // shutting down anyway
                }
            }
            stopped.countDown();
        }));
        stopped.await();
    }
}
