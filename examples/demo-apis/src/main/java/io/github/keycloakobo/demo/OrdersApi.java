package io.github.keycloakobo.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.oauth2.sdk.token.TokenTypeURI;
import com.nimbusds.oauth2.sdk.token.TypelessAccessToken;
import com.nimbusds.oauth2.sdk.tokenexchange.TokenExchangeGrant;
import com.sun.net.httpserver.HttpExchange;

/**
 * The demo <b>source API</b> ({@code orders-api}, a confidential client with {@code obo.enabled=true}).
 *
 * <p>{@code GET /orders}: validates the caller's access token (issued by the realm for audience {@code orders-api}),
 * exchanges it at Keycloak's token endpoint for a token for {@code inventory-api} on behalf of the same user
 * (RFC 8693, {@code client_secret_basic}, through Nimbus' OAuth 2.0 SDK), calls {@code inventory-api}'s
 * {@code GET /stock} with the new token and answers the user's orders with their stock levels. Exchanged tokens are
 * kept per subject token and target until 30 seconds before they expire ({@link ExchangedTokens}): the same caller
 * token is exchanged once, not on every request.
 *
 * <p>Errors: 401 for a missing/invalid caller token; the exchange refused by Keycloak (4xx, e.g.
 * {@code invalid_target}) gives 403 with Keycloak's OAuth error; Keycloak rejecting orders-api's own credentials,
 * Keycloak unreachable or a 5xx gives 502; the target's 401/403 are passed through with its error; anything else
 * from the target gives 502. Every error body is {@code {"error", "error_description", "stage", "upstream_status"}}
 * where {@code stage} is {@code token-exchange} or {@code inventory-api}.
 *
 * <p>Demo transparency: the 200 answer includes {@code token_exchange.exchanged_token_claims}, the decoded claims of
 * the token orders-api obtained (never the token itself), and {@code token_exchange.cache} ({@code miss}: exchanged
 * for this request; {@code hit}: reused), so the walkthrough can show them. A real API would not.
 */
public final class OrdersApi implements AutoCloseable {

    private static final String NAME = "orders-api";

    /** An exchanged token is not reused in its last 30 seconds: it must still be valid when the target checks it. */
    static final Duration REUSE_MARGIN = Duration.ofSeconds(30);

    private final DemoSettings settings;
    private final String clientId;
    private final ClientAuthentication clientAuthentication;
    private final URI tokenEndpoint;
    private final String targetAudience;
    private final ExchangedTokens exchangedTokens = new ExchangedTokens(Clock.systemUTC(), REUSE_MARGIN, 10_000);
    private final String inventoryUrl;
    private final TokenValidator validator;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private final Http.Server server;

    private OrdersApi(DemoSettings settings) throws IOException {
        this.settings = settings;
        this.clientId = settings.get(DemoSettings.ORDERS_API_CLIENT_ID);
        this.clientAuthentication = new ClientSecretBasic(new ClientID(clientId),
                new Secret(settings.get(DemoSettings.ORDERS_API_CLIENT_SECRET)));
        this.tokenEndpoint = URI.create(settings.tokenEndpoint());
        this.targetAudience = settings.get(DemoSettings.INVENTORY_API_CLIENT_ID);
        this.inventoryUrl = settings.url(DemoSettings.INVENTORY_API_URL);
        this.validator = new TokenValidator(settings, clientId);
        this.server = new Http.Server("orders-api", settings.bindHost(), settings.port(DemoSettings.ORDERS_API_PORT),
                Map.of("/orders", this::orders, "/health", OrdersApi::health, "/", OrdersApi::notFound));
    }

    /** Starts the API ({@code ORDERS_API_PORT=0} picks a free port). */
    public static OrdersApi start(DemoSettings settings) throws IOException {
        return new OrdersApi(settings);
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

    /** A failure to relay to the caller. */
    private static final class Upstream extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;
        final transient Map<String, Object> body;

        Upstream(int status, String stage, int upstreamStatus, Map<String, Object> upstreamError, String fallback) {
            super(stage + ": " + upstreamStatus);
            this.status = status;
            this.body = new LinkedHashMap<>();
            Object error = upstreamError == null ? null : upstreamError.get("error");
            Object description = upstreamError == null ? null : upstreamError.get("error_description");
            body.put("error", error != null ? error : (status == 502 ? "bad_gateway" : "access_denied"));
            body.put("error_description", description != null ? description : fallback);
            body.put("stage", stage);
            if (upstreamStatus > 0) {
                body.put("upstream_status", upstreamStatus);
            }
        }
    }

    private void orders(HttpExchange exchange) throws IOException {
        if (!Http.isGet(exchange)) {
            return;
        }
        if (!exchange.getRequestURI().getPath().matches("/orders/?")) {
            notFound(exchange);
            return;
        }
        JWTClaimsSet caller = Http.authenticate(exchange, validator, clientId, NAME);
        if (caller == null) {
            return;
        }
        String token = Http.bearerToken(exchange);
        String user = String.valueOf(caller.getClaim("preferred_username"));
        try {
            Exchanged exchanged = exchangeToken(token);
            AccessToken issued = exchanged.response().getTokens().getAccessToken();
            String inventoryToken = issued.getValue();
            Map<String, Object> inventory = callInventory(inventoryToken);

            Map<String, Object> body = new LinkedHashMap<>();
            body.put("served_by", clientId);
            Map<String, Object> userInfo = new LinkedHashMap<>();
            userInfo.put("sub", caller.getSubject());
            userInfo.put("preferred_username", caller.getClaim("preferred_username"));
            userInfo.put("via", caller.getClaim("azp"));
            body.put("user", userInfo);
            body.put("orders", orders(user, inventory));
            body.put("inventory", inventory);
            Map<String, Object> tokenExchange = new LinkedHashMap<>();
            tokenExchange.put("note", "demo only: what orders-api got from Keycloak, token itself omitted");
            tokenExchange.put("issued_token_type", issued.getIssuedTokenType() == null ? null
                    : issued.getIssuedTokenType().getURI().toString());
            tokenExchange.put("token_type", issued.getType().getValue());
            tokenExchange.put("expires_in", issued.getLifetime());
            tokenExchange.put("scope", issued.getScope() == null ? null : issued.getScope().toString());
            tokenExchange.put("cache", exchanged.fromCache() ? "hit" : "miss");
            tokenExchange.put("exchanged_token_claims", Json.jwtPayload(inventoryToken));
            body.put("token_exchange", tokenExchange);
            log(exchange, 200, user + ": " + (exchanged.fromCache() ? "reused the token" : "exchanged") + " for "
                    + targetAudience + ", inventory answered");
            Http.json(exchange, 200, body);
        } catch (Upstream e) {
            log(exchange, e.status, user + ": " + e.body.get("stage") + " " + e.body.get("upstream_status")
                    + " " + e.body.get("error"));
            Http.json(exchange, e.status, e.body);
        }
    }

    /** An exchange answer, and whether it was reused from {@link ExchangedTokens}. */
    private record Exchanged(AccessTokenResponse response, boolean fromCache) {
    }

    /**
     * RFC 8693 token exchange of the caller's token for one for the inventory API, on behalf of the same user, or the
     * token this API got for the same caller token before while it has more than {@link #REUSE_MARGIN} left.
     */
    private Exchanged exchangeToken(String subjectToken) throws Upstream {
        Optional<AccessTokenResponse> kept = exchangedTokens.get(subjectToken, targetAudience);
        if (kept.isPresent()) {
            return new Exchanged(kept.get(), true);
        }
        TokenRequest request = new TokenRequest.Builder(tokenEndpoint, clientAuthentication,
                new TokenExchangeGrant(new TypelessAccessToken(subjectToken), TokenTypeURI.ACCESS_TOKEN, null, null,
                        TokenTypeURI.ACCESS_TOKEN, Audience.create(targetAudience)))
                .build();
        HTTPRequest http = request.toHTTPRequest();
        http.setConnectTimeout(5_000);
        http.setReadTimeout(15_000);
        http.setFollowRedirects(false);
        HTTPResponse answer;
        try {
            answer = http.send();
        } catch (IOException e) {
            throw new Upstream(502, "token-exchange", 0, null, "token-exchange unreachable at "
                    + tokenEndpoint.getHost() + ":" + tokenEndpoint.getPort() + " (" + e.getClass().getSimpleName()
                    + ")");
        }
        int status = answer.getStatusCode();
        TokenResponse response;
        try {
            response = TokenResponse.parse(answer);
        } catch (ParseException e) {
            throw new Upstream(502, "token-exchange", status, null, "unexpected answer from Keycloak's token endpoint");
        }
        if (response.indicatesSuccess()) {
            AccessTokenResponse issued = response.toSuccessResponse();
            exchangedTokens.put(subjectToken, targetAudience, issued);
            return new Exchanged(issued, false);
        }
        Map<String, Object> error = oauthError(response.toErrorResponse().getErrorObject());
        if (status == 401) {
            throw new Upstream(502, "token-exchange", status, error,
                    "Keycloak did not accept orders-api's client credentials");
        }
        if (status >= 400 && status < 500) {
            throw new Upstream(403, "token-exchange", status, error, "Keycloak refused the token exchange");
        }
        throw new Upstream(502, "token-exchange", status, error, "unexpected answer from Keycloak's token endpoint");
    }

    /** Keycloak's OAuth error as the relayed body has it, or null when its answer had none. */
    private static Map<String, Object> oauthError(ErrorObject error) {
        if (error == null || error.getCode() == null) {
            return null;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error.getCode());
        body.put("error_description", error.getDescription());
        return body;
    }

    private Map<String, Object> callInventory(String token) throws Upstream {
        HttpRequest request = HttpRequest.newBuilder(URI.create(inventoryUrl + "/stock"))
                .timeout(Duration.ofSeconds(15))
                .header("Accept", "application/json")
                .header("Authorization", "Bearer " + token)
                .GET()
                .build();
        HttpResponse<String> response = send(request, "inventory-api");
        Map<String, Object> json = Json.parseOrNull(response.body());
        int status = response.statusCode();
        if (status == 200 && json != null) {
            return json;
        }
        if (status == 401 || status == 403) {
            throw new Upstream(status, "inventory-api", status, json,
                    status == 401 ? "inventory-api did not accept the exchanged token"
                            : "inventory-api refused the user");
        }
        throw new Upstream(502, "inventory-api", status, json, "unexpected answer from inventory-api");
    }

    private HttpResponse<String> send(HttpRequest request, String stage) throws Upstream {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new Upstream(502, stage, 0, null, stage + " unreachable at " + request.uri().getHost() + ":"
                    + request.uri().getPort() + " (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Upstream(502, stage, 0, null, "interrupted");
        }
    }

    /** The demo orders of a user, each with the availability reported by the inventory API. */
    private static List<Map<String, Object>> orders(String user, Map<String, Object> inventory) {
        Map<String, Long> onHand = new LinkedHashMap<>();
        if (inventory.get("items") instanceof List<?> items) {
            for (Object o : items) {
                if (o instanceof Map<?, ?> item && item.get("on_hand") instanceof Number n) {
                    onHand.put(String.valueOf(item.get("sku")), n.longValue());
                }
            }
        }
        List<Map<String, Object>> orders = new ArrayList<>();
        String[][] lines = {{"1001", "TEA-001", "2"}, {"1002", "BOTTLE-003", "1"}, {"1003", "WATCH-004", "1"}};
        for (String[] line : lines) {
            Map<String, Object> order = new LinkedHashMap<>();
            order.put("order_id", user + "-" + line[0]);
            order.put("sku", line[1]);
            order.put("quantity", Integer.parseInt(line[2]));
            Long available = onHand.get(line[1]);
            order.put("status", available == null ? "unknown"
                    : available >= Integer.parseInt(line[2]) ? "ready to ship" : "backordered");
            orders.add(order);
        }
        return orders;
    }

    private static void health(HttpExchange exchange) throws IOException {
        Http.json(exchange, 200, Map.of("status", "UP"));
    }

    private static void notFound(HttpExchange exchange) throws IOException {
        Http.json(exchange, 404, Http.error("not_found", "try GET /orders"));
    }

    private static void log(HttpExchange exchange, int status, String detail) {
        Http.log(NAME, exchange, status, detail);
    }

    public static void main(String[] args) throws Exception {
        DemoSettings settings = DemoSettings.fromEnvironment();
        OrdersApi api = start(settings);
        System.out.println("orders-api listening on " + api.url() + " (realm " + settings.realmUrl()
                + ", accepts aud " + api.clientId + ", exchanges for " + api.targetAudience + " at "
                + api.inventoryUrl + ")");
        InventoryApi.awaitShutdown(api);
    }
}
