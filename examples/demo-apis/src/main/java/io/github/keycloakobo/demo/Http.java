package io.github.keycloakobo.demo;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import com.nimbusds.jwt.JWTClaimsSet;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

/** Small helpers around the JDK HTTP server. */
final class Http {

    private Http() {
    }

    /** A started JDK HTTP server with its own small thread pool. */
    static final class Server implements AutoCloseable {
        private final HttpServer server;
        private final ExecutorService executor;

        Server(String name, String host, int port, Map<String, HttpHandler> routes) throws IOException {
            this.server = HttpServer.create(new InetSocketAddress(host, port), 50);
            AtomicInteger n = new AtomicInteger();
            this.executor = Executors.newFixedThreadPool(4, r -> {
                Thread t = new Thread(r, name + "-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            routes.forEach((path, handler) -> server.createContext(path, exchange -> safely(name, handler, exchange)));
            server.setExecutor(executor);
            server.start();
        }

        int port() {
            return server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    private static void safely(String name, HttpHandler handler, HttpExchange exchange) throws IOException {
        try (exchange) {
            handler.handle(exchange);
        } catch (RuntimeException | IOException e) {
            System.err.println(name + ": " + exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath()
                    + " failed: " + e);
            try {
                json(exchange, 500, error("server_error", "internal error in " + name));
            } catch (IOException | RuntimeException ignored) {
                // response already started
            }
        }
    }

    static void json(HttpExchange exchange, int status, Map<String, ?> body) throws IOException {
        byte[] bytes = (Json.write(body) + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    static Map<String, Object> error(String error, String description) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", description);
        return body;
    }

    /** Answers 401 with an RFC 6750 challenge. */
    static void unauthorized(HttpExchange exchange, String realm, String error, String description) throws IOException {
        String challenge = "Bearer realm=\"" + realm + "\"";
        if (error != null) {
            challenge += ", error=\"" + error + "\", error_description=\"" + quoteSafe(description) + "\"";
        }
        exchange.getResponseHeaders().set("WWW-Authenticate", challenge);
        json(exchange, 401, error(error == null ? "invalid_request" : error, description));
    }

    /** Answers 403 with an RFC 6750 {@code insufficient_scope} challenge. */
    static void forbidden(HttpExchange exchange, String realm, String description) throws IOException {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"" + realm
                + "\", error=\"insufficient_scope\", error_description=\"" + quoteSafe(description) + "\"");
        json(exchange, 403, error("insufficient_scope", description));
    }

    private static String quoteSafe(String text) {
        return text == null ? "" : text.replace('"', '\'').replace('\\', '/');
    }

    /** The bearer token of the request, or {@code null}. */
    /** The caller's validated bearer token claims, or null after answering 401 (or 503 when keys are unreachable). */
    static JWTClaimsSet authenticate(HttpExchange exchange, TokenValidator validator, String realm, String api)
            throws IOException {
        String token = bearerToken(exchange);
        if (token == null) {
            log(api, exchange, 401, "no bearer token");
            unauthorized(exchange, realm, null, "a bearer token is required");
            return null;
        }
        try {
            return validator.validate(token);
        } catch (TokenValidator.Rejected e) {
            if (e.unavailable()) {
                log(api, exchange, 503, e.getMessage());
                json(exchange, 503, error("temporarily_unavailable", e.getMessage()));
            } else {
                log(api, exchange, 401, "invalid token: " + e.getMessage());
                unauthorized(exchange, realm, "invalid_token", e.getMessage());
            }
            return null;
        }
    }

    /** One line per answered request; never the token. */
    static void log(String api, HttpExchange exchange, int status, String detail) {
        System.out.println(api + ": " + exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath()
                + " -> " + status + " (" + detail + ")");
    }

    static String bearerToken(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = header.substring(7).trim();
        return token.isEmpty() ? null : token;
    }

    static boolean isGet(HttpExchange exchange) throws IOException {
        if ("GET".equals(exchange.getRequestMethod())) {
            return true;
        }
        exchange.getResponseHeaders().set("Allow", "GET");
        json(exchange, 405, error("method_not_allowed", "only GET is supported"));
        return false;
    }

    static String form(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
