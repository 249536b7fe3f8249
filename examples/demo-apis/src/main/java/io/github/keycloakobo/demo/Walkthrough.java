package io.github.keycloakobo.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The scripted walkthrough of {@code ./run-demo --walkthrough}: logs in as alice, calls orders-api, shows the
 * decoded tokens before and after the exchange side by side and the target's answer, then checks that bob (without
 * {@code stock.read}) is refused. Prints decoded payloads only, never a token. Returns 0 when every check holds.
 */
public final class Walkthrough {

    private static final int STEPS = 8;
    private static final String INDENT = "          ";

    private final DemoSettings settings;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> failures = new ArrayList<>();

    private Walkthrough(DemoSettings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    public static int run(DemoSettings settings, PrintStream out) {
        Walkthrough walkthrough = new Walkthrough(settings, out);
        try {
            walkthrough.steps();
        } catch (IOException | RuntimeException e) {
            walkthrough.failures.add("walkthrough aborted: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            walkthrough.failures.add("interrupted");
        }
        out.println();
        if (walkthrough.failures.isEmpty()) {
            out.println("Walkthrough OK: alice's token was exchanged on her behalf and inventory-api served her;"
                    + " bob was refused.");
            return 0;
        }
        out.println("Walkthrough FAILED:");
        walkthrough.failures.forEach(f -> out.println("  - " + f));
        return 1;
    }

    /** The result of a password-grant login. */
    public record Login(int status, String accessToken, Map<String, Object> body) {
    }

    /** Password grant at the demo app (demo-only shortcut for the authorization-code + PKCE login). */
    public static Login login(HttpClient http, DemoSettings settings, String username, String password)
            throws IOException, InterruptedException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "password");
        form.put("client_id", settings.get(DemoSettings.DEMO_APP_CLIENT_ID));
        form.put("username", username);
        form.put("password", password);
        form.put("scope", "openid");
        HttpRequest request = HttpRequest.newBuilder(URI.create(settings.tokenEndpoint()))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(Http.form(form)))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        Map<String, Object> body = Json.parseOrNull(response.body());
        Object token = body == null ? null : body.get("access_token");
        return new Login(response.statusCode(), token instanceof String s ? s : null, body);
    }

    /** {@code GET ORDERS_API_URL/orders} with the given bearer token. */
    public static HttpResponse<String> callOrders(HttpClient http, DemoSettings settings, String token)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(settings.url(DemoSettings.ORDERS_API_URL) + "/orders"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .GET()
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private void steps() throws IOException, InterruptedException {
        String orders = settings.url(DemoSettings.ORDERS_API_URL);
        out.println("keycloak-obo walkthrough: realm " + settings.realmUrl() + ", orders-api " + orders);

        step(1, "alice logs in at " + settings.get(DemoSettings.DEMO_APP_CLIENT_ID)
                + " (password grant: a demo-only shortcut for the authorization-code + PKCE login)");
        detail("POST " + settings.tokenEndpoint());
        detail("     grant_type=password client_id=" + settings.get(DemoSettings.DEMO_APP_CLIENT_ID)
                + " username=alice password=alice scope=openid");
        Login alice = login(http, settings, "alice", "alice");
        if (alice.accessToken() == null) {
            fail("alice's login failed: HTTP " + alice.status() + " " + errorOf(alice.body()));
            return;
        }
        detail("-> " + alice.status() + ", access token received (" + alice.accessToken().length()
                + " characters, not shown)");

        Map<String, Object> before = Json.jwtPayload(alice.accessToken());
        step(2, "The user token (decoded payload) is meant for orders-api:");
        detail("aud = " + Json.writeValue(before.get("aud")) + ", azp = " + before.get("azp") + ", sub = "
                + before.get("sub") + ", scope = " + before.get("scope"));
        check(Json.stringList(before.get("aud")).contains("orders-api"), "user token aud contains orders-api");

        step(3, "demo-app calls the source API: GET " + orders + "/orders  (Authorization: Bearer <alice's token>)");
        HttpResponse<String> response = callOrders(http, settings, alice.accessToken());
        Map<String, Object> body = Json.parseOrNull(response.body());
        detail("-> " + response.statusCode());
        if (response.statusCode() != 200 || body == null) {
            fail("orders-api answered " + response.statusCode() + " " + (body == null ? response.body()
                    : Json.write(body)));
            return;
        }

        Map<String, Object> exchange = Json.object(body, "token_exchange");
        step(4, "orders-api validated it (signature via JWKS, iss, aud orders-api, exp) and exchanged it at Keycloak:");
        detail("POST " + settings.tokenEndpoint() + "  (client_secret_basic as orders-api)");
        detail("     grant_type=urn:ietf:params:oauth:grant-type:token-exchange subject_token=<alice's token>");
        detail("     subject_token_type=urn:ietf:params:oauth:token-type:access_token audience=inventory-api");
        detail("-> issued_token_type=" + exchange.get("issued_token_type") + " token_type="
                + exchange.get("token_type") + " expires_in=" + exchange.get("expires_in") + " scope="
                + exchange.get("scope"));

        Map<String, Object> after = Json.object(exchange, "exchanged_token_claims");
        step(5, "The tokens before and after the exchange (decoded payloads; * = changed):");
        sideBySide(before, after);
        check(Objects.equals(before.get("sub"), after.get("sub")), "same user (sub) before and after");
        check(Json.stringList(after.get("aud")).equals(List.of("inventory-api")), "exchanged aud is exactly [inventory-api]");
        check("orders-api".equals(after.get("azp")), "exchanged azp is orders-api (the API acting for alice)");
        check(Json.stringList(after.get("obo_path")).equals(List.of("orders-api")), "exchanged obo_path is [orders-api]");
        check(after.get("act") == null && after.get("may_act") == null, "no act/may_act (impersonation, not delegation)");
        check(Json.stringList(Json.object(Json.object(after, "resource_access"), "inventory-api").get("roles"))
                .contains("stock.read"), "exchanged token carries alice's inventory-api role stock.read");

        Map<String, Object> inventory = Json.object(body, "inventory");
        Map<String, Object> served = Json.object(inventory, "served");
        step(6, "orders-api called inventory-api with the exchanged token; inventory-api checked iss, aud"
                + " inventory-api, exp and role stock.read, and reports whom it served:");
        for (String line : Json.pretty(served).split("\n")) {
            detail(line);
        }
        check("alice".equals(served.get("preferred_username")), "inventory-api served alice");
        check("orders-api".equals(served.get("azp")), "inventory-api saw azp orders-api");

        step(7, "inventory-api's answer, relayed by orders-api with alice's orders:");
        if (inventory.get("items") instanceof List<?> items) {
            detail(String.format("%-12s %-28s %8s  %s", "sku", "name", "on_hand", "warehouse"));
            for (Object o : items) {
                Map<String, Object> item = Json.object(Map.of("i", o), "i");
                detail(String.format("%-12s %-28s %8s  %s", item.get("sku"), item.get("name"), item.get("on_hand"),
                        item.get("warehouse")));
            }
        }
        check(inventory.get("items") instanceof List<?> l && !l.isEmpty(), "inventory-api returned stock levels");
        if (body.get("orders") instanceof List<?> list) {
            for (Object o : list) {
                Map<String, Object> order = Json.object(Map.of("o", o), "o");
                detail("order " + order.get("order_id") + ": " + order.get("quantity") + " x " + order.get("sku")
                        + " -> " + order.get("status"));
            }
        }
        check("miss".equals(exchange.get("cache")), "orders-api exchanged alice's token for this request");
        HttpResponse<String> again = callOrders(http, settings, alice.accessToken());
        Map<String, Object> againBody = Json.parseOrNull(again.body());
        Map<String, Object> againExchange = againBody == null ? Map.of() : Json.object(againBody, "token_exchange");
        detail("alice's next request with the same token: GET " + orders + "/orders -> " + again.statusCode()
                + ", token_exchange.cache = " + againExchange.get("cache")
                + " (orders-api reused the exchanged token, no second exchange at Keycloak)");
        check(again.statusCode() == 200 && "hit".equals(againExchange.get("cache"))
                && Objects.equals(after.get("jti"),
                        Json.object(againExchange, "exchanged_token_claims").get("jti")),
                "orders-api served the next request with the same exchanged token from its cache");

        step(8, "bob (no inventory-api role stock.read) does the same: the exchange works, the target refuses");
        Login bob = login(http, settings, "bob", "bob");
        if (bob.accessToken() == null) {
            fail("bob's login failed: HTTP " + bob.status() + " " + errorOf(bob.body()));
            return;
        }
        HttpResponse<String> bobResponse = callOrders(http, settings, bob.accessToken());
        Map<String, Object> bobBody = Json.parseOrNull(bobResponse.body());
        detail("GET " + orders + "/orders as bob -> " + bobResponse.statusCode() + " "
                + (bobBody == null ? bobResponse.body() : Json.write(bobBody)));
        check(bobResponse.statusCode() == 403, "bob gets 403");
        check(bobBody != null && "inventory-api".equals(bobBody.get("stage"))
                && "insufficient_scope".equals(bobBody.get("error")),
                "the 403 comes from inventory-api (insufficient_scope), relayed by orders-api");
    }

    private void sideBySide(Map<String, Object> before, Map<String, Object> after) {
        int keyWidth = 19;
        int colWidth = 44;
        Set<String> keys = new LinkedHashSet<>(before.keySet());
        keys.addAll(after.keySet());
        keys.remove("jti"); // always differs, says nothing
        String rule = "-".repeat(keyWidth + 2 * colWidth + 6);
        detail(String.format("%-" + keyWidth + "s | %-" + colWidth + "s | %s", "claim", "before: user token",
                "after: exchanged token"));
        detail(rule);
        for (String key : keys) {
            row(keyWidth, colWidth, key, before.get(key), after.get(key));
        }
        row(keyWidth, colWidth, "(lifetime, s)", lifetime(before), lifetime(after));
        detail(rule);
    }

    private void row(int keyWidth, int colWidth, String key, Object left, Object right) {
        List<String> l = wrap(left == null ? "-" : Json.writeValue(left), colWidth);
        List<String> r = wrap(right == null ? "-" : Json.writeValue(right), colWidth);
        String mark = Objects.equals(left, right) ? " " : "*";
        for (int i = 0; i < Math.max(l.size(), r.size()); i++) {
            detail(String.format("%-" + keyWidth + "s | %-" + colWidth + "s | %s",
                    i == 0 ? mark + key : "", i < l.size() ? l.get(i) : "", i < r.size() ? r.get(i) : ""));
        }
    }

    private static Object lifetime(Map<String, Object> claims) {
        if (claims.get("exp") instanceof Number exp && claims.get("iat") instanceof Number iat) {
            return exp.longValue() - iat.longValue();
        }
        return null;
    }

    private static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < text.length(); i += width) {
            lines.add(text.substring(i, Math.min(text.length(), i + width)));
        }
        if (lines.isEmpty()) {
            lines.add("");
        }
        return lines;
    }

    private static String errorOf(Map<String, Object> body) {
        return body == null ? "" : body.get("error") + ": " + body.get("error_description");
    }

    private void step(int n, String text) {
        out.println();
        out.printf("Step %d/%d %s%n", n, STEPS, text);
    }

    private void detail(String text) {
        out.println(INDENT + text);
    }

    private void check(boolean ok, String what) {
        detail((ok ? "[ok]   " : "[FAIL] ") + what);
        if (!ok) {
            failures.add(what);
        }
    }

    private void fail(String what) {
        detail("[FAIL] " + what);
        failures.add(what);
    }
}
