package io.github.keycloakobo.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * POSTs of arbitrary bytes with an arbitrary (or no) content type and extra headers: what {@link Http}'s well-formed
 * forms cannot send (non-UTF-8 bytes, wrong content types, hand-made duplicates). HTTP/1.1 only, no redirects.
 */
final class RawHttp {

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private RawHttp() {
    }

    /** {@code contentType} null sends no Content-Type header. */
    static HttpResult post(String url, String contentType, byte[] body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        headers.forEach(b::header);
        HttpRequest req = b.build();
        try {
            HttpResponse<String> r = CLIENT.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new HttpResult(r.statusCode(), r.body(), r.headers());
        } catch (IOException e) {
            throw new IllegalStateException("POST " + url + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted: POST " + url, e);
        }
    }

    /** An {@code Authorization: Basic} header value for a client id and secret, as {@link ClientAuth} sends it. */
    static String basic(String clientId, String secret) {
        return Http.basicAuth(clientId, secret);
    }
}
