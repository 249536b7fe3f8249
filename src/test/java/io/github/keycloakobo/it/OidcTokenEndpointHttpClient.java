package io.github.keycloakobo.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import com.azure.json.JsonProviders;
import com.azure.json.JsonReader;
import com.microsoft.aad.msal4j.HttpMethod;
import com.microsoft.aad.msal4j.HttpRequest;
import com.microsoft.aad.msal4j.HttpResponse;
import com.microsoft.aad.msal4j.IHttpClient;
import com.microsoft.aad.msal4j.IHttpResponse;

/**
 * An msal4j {@link IHttpClient} for a non-Microsoft OIDC authority such as Keycloak (docs/clients.md, "MSAL for
 * Java"). msal4j 1.26 with {@code oidcAuthority("https://host/realms/<realm>/")} reads the discovery document but posts
 * its token requests to {@code https://host/<first path segment>/oauth2/v2.0/token} (the first path segment taken as
 * an Entra tenant), which Keycloak answers with 404. This client sends every request as it is, except a POST to such
 * an {@code .../oauth2/v2.0/token} URL on the authority's host, which goes to the {@code token_endpoint} of the
 * discovery document that msal4j fetched through it before.
 */
public final class OidcTokenEndpointHttpClient implements IHttpClient {

    private static final String ENTRA_TOKEN_PATH = "/oauth2/v2.0/token";
    private static final String DISCOVERY_PATH = "/.well-known/openid-configuration";
    /** Headers java.net.http sets itself and refuses to take from the caller. */
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade");

    private final HttpClient http;
    private volatile URI tokenEndpoint;
    private final List<String> sent = new CopyOnWriteArrayList<>();

    public OidcTokenEndpointHttpClient(HttpClient http) {
        this.http = http;
    }

    @Override
    public IHttpResponse send(HttpRequest request) throws Exception {
        URI uri = request.url().toURI();
        String asked = request.httpMethod() + " " + uri;
        if (request.httpMethod() == HttpMethod.POST && uri.getPath().endsWith(ENTRA_TOKEN_PATH)) {
            URI discovered = tokenEndpoint;
            if (discovered == null || !discovered.getAuthority().equalsIgnoreCase(uri.getAuthority())) {
                throw new IllegalStateException("No discovered token_endpoint for " + uri.getAuthority());
            }
            uri = discovered;
        }
        sent.add(asked.endsWith(" " + uri) ? asked : asked + " -> " + uri);
        java.net.http.HttpRequest.Builder out = java.net.http.HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(30));
        if (request.headers() != null) {
            request.headers().forEach((name, value) -> {
                if (value != null && !RESTRICTED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                    out.header(name, value);
                }
            });
        }
        if (request.httpMethod() == HttpMethod.POST) {
            out.POST(java.net.http.HttpRequest.BodyPublishers.ofString(request.body() == null ? "" : request.body()));
        } else {
            out.method(request.httpMethod().name(), java.net.http.HttpRequest.BodyPublishers.noBody());
        }
        java.net.http.HttpResponse<String> answer = http.send(out.build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        if (uri.getPath().endsWith(DISCOVERY_PATH) && answer.statusCode() == 200) {
            try (JsonReader reader = JsonProviders.createReader(answer.body())) {
                Map<String, Object> metadata = reader.readMap(JsonReader::readUntyped);
                Object endpoint = metadata.get("token_endpoint");
                if (endpoint instanceof String s) {
                    tokenEndpoint = URI.create(s);
                }
            }
        }
        HttpResponse response = new HttpResponse().statusCode(answer.statusCode()).body(answer.body());
        response.addHeaders(answer.headers().map());
        return response;
    }

    /** The requests sent so far, as {@code METHOD url} or {@code METHOD url -> sent to}, for test diagnostics. */
    public List<String> sent() {
        return List.copyOf(sent);
    }
}
