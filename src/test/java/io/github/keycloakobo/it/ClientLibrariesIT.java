package io.github.keycloakobo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.aad.msal4j.ClientCredentialFactory;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
import com.microsoft.aad.msal4j.IAuthenticationResult;
import com.microsoft.aad.msal4j.MsalServiceException;
import com.microsoft.aad.msal4j.OnBehalfOfParameters;
import com.microsoft.aad.msal4j.TokenSource;
import com.microsoft.aad.msal4j.UserAssertion;
import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.TokenTypeURI;
import com.nimbusds.oauth2.sdk.token.TypelessAccessToken;
import com.nimbusds.oauth2.sdk.tokenexchange.TokenExchangeGrant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.client.OAuth2AuthorizationContext;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.TokenExchangeOAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.endpoint.RestClientTokenExchangeTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

/**
 * The client libraries source APIs use, against the real server with the jar, configured as docs/clients.md shows:
 * msal-node and msal4j (the Entra form, including their token caches), Spring Security's token-exchange client and
 * Nimbus' OAuth SDK (RFC 8693). Each asserts the issued token's claims and the library's mapping of a refusal.
 */
class ClientLibrariesIT extends AbstractOboIT {

    private static final String INVENTORY_DEFAULT = "inventory-api/.default";

    private String httpsBase;
    private Path certificate;
    private HttpClient https;

    @BeforeAll
    void tls() {
        KeycloakRuntime kc = realm.keycloak();
        httpsBase = kc.httpsBaseUrl().orElse(null);
        certificate = kc.tlsCertificate().orElse(null);
        if (httpsBase != null) {
            https = HttpClient.newBuilder().sslContext(TestTls.sslContext(certificate))
                    .connectTimeout(Duration.ofSeconds(10)).build();
        }
        // MSAL serves a cached token only while it has more than 5 minutes left (msal-node's tokenRenewalOffsetSeconds,
        // msal4j's fixed 300 s): with the realm's 5-minute tokens it would go to Keycloak every time. The logins and
        // so the exchanged tokens (capped by the subject token's exp) of this class's realm live 15 minutes.
        ObjectNode representation = admin.getRealm(realmName());
        representation.put("accessTokenLifespan", 900);
        admin.updateRealm(realmName(), representation);
    }

    /** The authority MSAL is given: the realm's issuer over HTTPS. */
    private String authority() {
        // the distribution runtime always has one; a container runtime has none
        assumeTrue(httpsBase != null, () -> "MSAL takes only https authorities, and " + realm.keycloak().describe()
                + " has no HTTPS listener");
        return httpsBase + "/realms/" + realmName();
    }

    // ------------------------------------------------------------------ msal-node

    @Test
    void msalNodeOnBehalfOfGivesTheTargetTokenAndServesTheRepeatedCallFromItsCache() {
        String assertion = httpsLoginToken("alice");
        Jwt login = Jwt.parse(assertion);
        List<JsonNode> calls = msalNode(Clients.ORDERS, assertion, List.of(INVENTORY_DEFAULT), 2);

        JsonNode first = calls.get(0);
        assertTrue(first.path("ok").asBoolean(), first::toString);
        assertFalse(first.path("fromCache").asBoolean(), first::toString);
        Jwt token = Jwt.parse(first.path("accessToken").asText());
        assertAud(token, "inventory-api");
        assertEquals("orders-api", token.azp());
        assertEquals(login.sub(), token.sub());
        assertEquals(List.of("orders-api"), token.oboPath());

        JsonNode second = calls.get(1);
        assertTrue(second.path("ok").asBoolean(), second::toString);
        assertTrue(second.path("fromCache").asBoolean(), () -> "second identical call not from MSAL's cache: "
                + second.path("scopes"));
        assertEquals(first.path("accessToken").asText(), second.path("accessToken").asText());
        assertExchangesOf(assertion, 1);
        // MSAL keeps the token under the answer's scope: the request's, not Keycloak's "profile email"
        assertEquals(List.of(INVENTORY_DEFAULT), Json.strings(second.path("scopes")), () -> "" + second.path("scopes"));
    }

    @Test
    void msalNodeMapsARefusalToItsOAuthErrorCode() {
        List<JsonNode> calls = msalNode(Clients.ORDERS, httpsLoginToken("alice"), List.of("reports-api/.default"), 1);
        JsonNode refused = calls.get(0);
        assertFalse(refused.path("ok").asBoolean(), refused::toString);
        assertEquals("ServerError", refused.path("name").asText(), refused::toString);
        assertEquals("invalid_target", refused.path("errorCode").asText(), refused::toString);
        assertTrue(refused.path("errorMessage").asText().contains("reports-api"), refused::toString);
    }

    /** Runs src/test/node/msal-obo.mjs: {@code calls} identical acquireTokenOnBehalfOf with one application. */
    private List<JsonNode> msalNode(ClientAuth source, String assertion, List<String> scopes, int calls) {
        Path nodeDir = Path.of(System.getProperty("obo.it.nodeDir", "src/test/node")).toAbsolutePath();
        if (!Files.isDirectory(nodeDir.resolve("node_modules/@azure/msal-node"))) {
            throw new IllegalStateException("msal-node is not installed in " + nodeDir
                    + " (the build's pre-integration-test phase runs npm ci there)");
        }
        ObjectNode input = Json.object();
        input.put("authority", authority());
        input.put("clientId", source.clientId());
        input.put("clientSecret", source.secret());
        input.put("assertion", assertion);
        input.set("scopes", Json.MAPPER.valueToTree(scopes));
        input.put("calls", calls);
        Path stderr = ItConfig.workDir().resolve("msal-node-" + System.nanoTime() + ".stderr.txt");
        ProcessBuilder pb = new ProcessBuilder("node", nodeDir.resolve("msal-obo.mjs").toString())
                .directory(nodeDir.toFile())
                .redirectError(stderr.toFile());
        pb.environment().put("NODE_EXTRA_CA_CERTS", certificate.toString());
        Process p = null;
        try {
            p = pb.start();
            p.getOutputStream().write(Json.write(input).getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("msal-node did not exit");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("msal-node exited with " + p.exitValue() + ":\n" + out + "\n"
                        + Files.readString(stderr));
            }
            List<JsonNode> results = new ArrayList<>();
            for (String line : out.split("\n")) {
                if (!line.isBlank()) {
                    results.add(Json.parse(line));
                }
            }
            assertEquals(calls, results.size(), () -> "msal-node printed " + out + readQuietly(stderr));
            return results;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run node", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            if (p != null && p.isAlive()) {
                p.destroyForcibly();
            }
        }
    }

    // ------------------------------------------------------------------ msal4j

    @Test
    void msal4jOnBehalfOfGivesTheTargetTokenAndServesTheRepeatedCallFromItsCache() throws Exception {
        String assertion = httpsLoginToken("alice");
        Jwt login = Jwt.parse(assertion);
        OidcTokenEndpointHttpClient http = new OidcTokenEndpointHttpClient(https);
        ConfidentialClientApplication app = msal4j(Clients.ORDERS, http);
        OnBehalfOfParameters parameters = OnBehalfOfParameters.builder(Set.of(INVENTORY_DEFAULT),
                new UserAssertion(assertion)).build();

        IAuthenticationResult first = app.acquireToken(parameters).get();
        assertEquals(TokenSource.IDENTITY_PROVIDER, first.metadata().tokenSource(), http.sent()::toString);
        Jwt token = Jwt.parse(first.accessToken());
        assertAud(token, "inventory-api");
        assertEquals("orders-api", token.azp());
        assertEquals(login.sub(), token.sub());
        String tokenEndpoint = authority() + "/protocol/openid-connect/token";
        assertTrue(http.sent().stream().anyMatch(r -> r.startsWith("POST ") && r.endsWith(tokenEndpoint)),
                http.sent()::toString);

        IAuthenticationResult second = app.acquireToken(parameters).get();
        assertEquals(TokenSource.CACHE, second.metadata().tokenSource(), http.sent()::toString);
        assertEquals(first.accessToken(), second.accessToken());
        assertExchangesOf(assertion, 1);
        // msal4j keeps the token under the answer's scope (a cached result carries none of its own)
        assertEquals(INVENTORY_DEFAULT, first.scopes());
    }

    @Test
    void msal4jMapsARefusalToItsOAuthErrorCode() {
        ConfidentialClientApplication app = msal4j(Clients.ORDERS, new OidcTokenEndpointHttpClient(https));
        ExecutionException e = assertThrows(ExecutionException.class, () -> app.acquireToken(OnBehalfOfParameters
                .builder(Set.of("reports-api/.default"), new UserAssertion(httpsLoginToken("alice"))).build()).get());
        MsalServiceException refused = assertInstanceOf(MsalServiceException.class, e.getCause());
        assertEquals("invalid_target", refused.errorCode(), refused::toString);
        assertEquals(400, refused.statusCode());
    }

    private ConfidentialClientApplication msal4j(ClientAuth source, OidcTokenEndpointHttpClient http) {
        try {
            // --- the configuration docs/clients.md shows (MSAL for Java) ---
            return ConfidentialClientApplication
                    .builder(source.clientId(), ClientCredentialFactory.createFromSecret(source.secret()))
                    .oidcAuthority(authority() + "/")
                    .httpClient(http)
                    .build();
        } catch (java.net.MalformedURLException e) {
            throw new IllegalArgumentException(e);
        }
    }

    // ------------------------------------------------------------------ Spring Security

    @Test
    void springTokenExchangeWithTheAudienceCustomizerGetsTheTargetToken() {
        Tokens login = alice();
        OAuth2AuthorizedClient client = springProvider(Map.of("inventory", "inventory-api"))
                .authorize(springContext(springRegistration("inventory", Clients.ORDERS), login.accessToken()));
        assertNotNull(client);
        Jwt token = Jwt.parse(client.getAccessToken().getTokenValue());
        assertAud(token, "inventory-api");
        assertEquals("orders-api", token.azp());
        assertEquals(login.access().sub(), token.sub());
        assertEquals(OAuth2AccessToken.TokenType.BEARER, client.getAccessToken().getTokenType());
    }

    @Test
    void springTokenExchangeWithoutAudienceWorksForASourceWithOneTarget() {
        Tokens login = alice();
        OAuth2AuthorizedClient client = springProvider(Map.of())
                .authorize(springContext(springRegistration("lite", Clients.ORDERS_LITE), login.accessToken()));
        Jwt token = Jwt.parse(client.getAccessToken().getTokenValue());
        assertAud(token, "inventory-api");
        assertEquals("orders-lite", token.azp());
        assertEquals(login.access().sub(), token.sub());
    }

    @Test
    void springMapsARefusalToAnOAuth2AuthorizationExceptionWithTheErrorCode() {
        // orders-api may exchange to several targets: without the customizer's audience that is invalid_target
        ClientAuthorizationException e = assertThrows(ClientAuthorizationException.class,
                () -> springProvider(Map.of()).authorize(
                        springContext(springRegistration("inventory", Clients.ORDERS), aliceToken())));
        assertEquals("invalid_target", e.getError().getErrorCode(), e::toString);
        assertEquals("inventory", e.getClientRegistrationId());
    }

    private ClientRegistration springRegistration(String registrationId, ClientAuth source) {
        return ClientRegistration.withRegistrationId(registrationId)
                .clientId(source.clientId())
                .clientSecret(source.secret())
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.TOKEN_EXCHANGE)
                .tokenUri(oauth.tokenEndpoint())
                .build();
    }

    /** --- the configuration docs/clients.md shows (Spring Security): the audience of each registration --- */
    private static TokenExchangeOAuth2AuthorizedClientProvider springProvider(Map<String, String> audiences) {
        RestClientTokenExchangeTokenResponseClient tokenClient = new RestClientTokenExchangeTokenResponseClient();
        tokenClient.addParametersConverter(grantRequest -> {
            MultiValueMap<String, String> parameters = new LinkedMultiValueMap<>();
            String audience = audiences.get(grantRequest.getClientRegistration().getRegistrationId());
            if (audience != null) {
                parameters.add("audience", audience);
            }
            return parameters;
        });
        TokenExchangeOAuth2AuthorizedClientProvider provider = new TokenExchangeOAuth2AuthorizedClientProvider();
        provider.setAccessTokenResponseClient(tokenClient);
        return provider;
    }

    /**
     * A request of a Spring resource server: the principal is the caller's decoded JWT (as JwtAuthenticationToken
     * has it), which the provider's default subject token resolver sends as {@code subject_token} with
     * {@code subject_token_type=urn:ietf:params:oauth:token-type:jwt}.
     */
    private static OAuth2AuthorizationContext springContext(ClientRegistration registration, String subjectToken) {
        Jwt subject = Jwt.parse(subjectToken);
        org.springframework.security.oauth2.jwt.Jwt jwt = org.springframework.security.oauth2.jwt.Jwt
                .withTokenValue(subjectToken)
                .header("alg", subject.header().path("alg").asText())
                .subject(subject.sub())
                .issuedAt(Instant.ofEpochSecond(subject.iat()))
                .expiresAt(Instant.ofEpochSecond(subject.exp()))
                .build();
        return OAuth2AuthorizationContext.withClientRegistration(registration)
                .principal(new TestingAuthenticationToken(jwt, null))
                .build();
    }

    // ------------------------------------------------------------------ Nimbus OAuth 2.0 SDK

    @Test
    void nimbusTokenExchangeGetsTheTargetToken() throws Exception {
        Tokens login = alice();
        TokenResponse response = nimbusExchange(Clients.ORDERS, login.accessToken(), "inventory-api");
        assertTrue(response.indicatesSuccess(), () -> response.toErrorResponse().getErrorObject().toString());
        AccessTokenResponse ok = response.toSuccessResponse();
        Jwt token = Jwt.parse(ok.getTokens().getAccessToken().getValue());
        assertAud(token, "inventory-api");
        assertEquals("orders-api", token.azp());
        assertEquals(login.access().sub(), token.sub());
        assertEquals(OAuth.ACCESS_TOKEN_TYPE, ok.getTokens().getAccessToken().getIssuedTokenType().getURI().toString());
    }

    @Test
    void nimbusParsesARefusalIntoAnErrorObject() throws Exception {
        TokenResponse response = nimbusExchange(Clients.ORDERS, aliceToken(), "reports-api");
        assertFalse(response.indicatesSuccess());
        TokenErrorResponse refused = response.toErrorResponse();
        ErrorObject error = refused.getErrorObject();
        assertEquals("invalid_target", error.getCode(), error::toString);
        assertEquals(400, error.getHTTPStatusCode());
        assertTrue(error.getDescription().contains("reports-api"), error::toString);
    }

    /** --- the request docs/clients.md shows (Nimbus) --- */
    private TokenResponse nimbusExchange(ClientAuth source, String subjectToken, String audience) throws Exception {
        TokenRequest request = new TokenRequest.Builder(URI.create(oauth.tokenEndpoint()),
                new ClientSecretBasic(new ClientID(source.clientId()), new Secret(source.secret())),
                new TokenExchangeGrant(new TypelessAccessToken(subjectToken), TokenTypeURI.ACCESS_TOKEN, null, null,
                        TokenTypeURI.ACCESS_TOKEN, Audience.create(audience)))
                .build();
        return TokenResponse.parse(request.toHTTPRequest().send());
    }

    // ------------------------------------------------------------------ helpers

    /** A user's web-app login over HTTPS (the issuer MSAL's requests are made with). */
    private String httpsLoginToken(String user) {
        HttpResponse<String> r = httpsPost(authority() + "/protocol/openid-connect/token",
                "grant_type=password&client_id=" + enc(Clients.WEB_APP) + "&username=" + enc(user) + "&password="
                        + enc(user) + "&scope=openid", null);
        assertEquals(200, r.statusCode(), r::body);
        return Json.parse(r.body()).path("access_token").asText();
    }

    /**
     * Asserts that Keycloak's event store holds exactly {@code expected} exchanges of this subject token by
     * orders-api: a marker exchange of the same token is made and awaited first, so that every earlier one is stored.
     */
    private void assertExchangesOf(String subjectToken, int expected) {
        String jti = Jwt.parse(subjectToken).jti();
        HttpResponse<String> marker = httpsPost(authority() + "/protocol/openid-connect/token",
                "grant_type=" + enc(OAuth.JWT_BEARER) + "&requested_token_use=on_behalf_of&scope="
                        + enc(INVENTORY_DEFAULT) + "&assertion=" + enc(subjectToken),
                Http.basicAuth(Clients.ORDERS.clientId(), Clients.ORDERS.secret()));
        assertEquals(200, marker.statusCode(), marker::body);
        List<JsonNode> events = List.of();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(deadline)) {
            events = admin.events(realmName(), "TOKEN_EXCHANGE", "orders-api").stream()
                    .filter(e -> jti.equals(e.path("details").path("subject_token_id").asText()))
                    .collect(Collectors.toList());
            if (events.size() >= expected + 1) {
                break;
            }
            sleep();
        }
        assertEquals(expected + 1, events.size(), "TOKEN_EXCHANGE events of the subject token (with the marker): "
                + events);
    }

    private HttpResponse<String> httpsPost(String url, String form, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).timeout(Duration.ofSeconds(60));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            return https.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String readQuietly(Path file) {
        try {
            return "\n" + Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }
}
