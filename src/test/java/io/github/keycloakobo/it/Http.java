package io.github.keycloakobo.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** Plain {@link HttpClient} calls: JSON and form posts, optional bearer or basic authentication. */
public final class Http {

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private Http() {
    }

    public static HttpResult get(String url, String bearer) {
        return send(request(url, bearer).GET());
    }

    /** GET of a plain-text resource (Prometheus' {@code /metrics} answers 406 to {@code Accept: application/json}). */
    public static HttpResult getText(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).header("Accept", "text/plain").GET());
    }

    public static HttpResult delete(String url, String bearer) {
        return send(request(url, bearer).DELETE());
    }

    public static HttpResult postJson(String url, String bearer, String json) {
        return send(request(url, bearer).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)));
    }

    public static HttpResult putJson(String url, String bearer, String json) {
        return send(request(url, bearer).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)));
    }

    /** Form post; {@code basicUser}/{@code basicPassword} add HTTP Basic authentication when not null. */
    public static HttpResult postForm(String url, Form form, String basicUser, String basicPassword) {
        HttpRequest.Builder b = request(url, null)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form.encode(), StandardCharsets.UTF_8));
        if (basicUser != null) {
            b.header("Authorization", basicAuth(basicUser, basicPassword));
        }
        return send(b);
    }

    public static HttpResult postForm(String url, Form form) {
        return postForm(url, form, null, null);
    }

    /** RFC 6749 section 2.3.1: client id and secret are form-encoded before being joined. */
    static String basicAuth(String user, String password) {
        TokenRegistry.secret(password);
        String u = java.net.URLEncoder.encode(user, StandardCharsets.UTF_8);
        String p = java.net.URLEncoder.encode(password == null ? "" : password, StandardCharsets.UTF_8);
        return "Basic " + Base64.getEncoder().encodeToString((u + ":" + p).getBytes(StandardCharsets.UTF_8));
    }

    private static HttpRequest.Builder request(String url, String bearer) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                .header("Accept", "application/json");
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return b;
    }

    private static HttpResult send(HttpRequest.Builder b) {
        HttpRequest req = b.build();
        try {
            HttpResponse<String> r = CLIENT.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new HttpResult(r.statusCode(), r.body(), r.headers());
        } catch (IOException e) {
            throw new IllegalStateException(req.method() + " " + req.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted: " + req.method() + " " + req.uri(), e);
        }
    }
}
