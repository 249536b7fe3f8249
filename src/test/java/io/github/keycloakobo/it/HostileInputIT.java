package io.github.keycloakobo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A generated corpus of malformed and malicious exchange requests, in both request forms (RFC 8693 token exchange
 * and the Entra jwt-bearer on-behalf-of form), fired at the real server. Every one must be refused the OAuth way:
 * HTTP 400 or 401, an RFC error code, a non-empty error_description, no token, never a 5xx, and no unexpected
 * exception in the server log. Afterwards the server must still serve good exchanges.
 *
 * <p>Where design.md section 4 fixes the error (an unusable subject token is {@code invalid_request} in the RFC 8693
 * form and {@code invalid_grant} in the jwt-bearer form; a bad target is {@code invalid_target}; ...), the case
 * expects exactly that code and an {@code error_description} that names the rule; where Keycloak itself refuses the
 * request before the extension runs (client authentication, unknown grant types, unparseable bodies), any RFC code is
 * accepted.
 *
 * <p>Forged claims ({@code exp}/{@code iat}/{@code nbf}, {@code act}/{@code may_act}, {@code obo_path}, exchange loops,
 * claims of the wrong JSON type) are signed with an RSA key the test installs in the realm (a trusted key), so that
 * each is refused by the rule it is named after and not by the signature check; the same claims signed with an
 * attacker's key or unsigned, and the other attacks on keys and algorithms, are signature-only cases, counted apart.
 * A 5xx is allowed only where the same request body at a realm without any of the extension's configuration gets the
 * same 5xx (Keycloak's own form-body parser); every other 5xx is a failure.
 */
class HostileInputIT extends AbstractOboIT {

    static final Set<String> RFC_ERRORS = Set.of("invalid_request", "invalid_client", "unauthorized_client",
            "invalid_grant", "invalid_target", "invalid_scope", "unsupported_grant_type");
    private static final String ANY = null;
    private static final String TE = "rfc8693";
    private static final String ENTRA = "entra";
    private static final int ONE_MB = 1024 * 1024;
    private static final String OVERSIZED = "1 MB parameters and bodies";
    /** What a 5xx raised by Keycloak's own form-body parser (before any grant code) looks like in its log. */
    private static final String FORM_PARSER_FRAME = "org.jboss.resteasy.reactive.server.handlers.FormBodyHandler";
    /** The rule of the signature-only cases: refused on the signature, or before it as not a signed JWT at all. */
    private static final String SIGNATURE = "signature|not a well-formed signed JWT";
    private static final String MALFORMED = "not a well-formed signed JWT";
    private static final String MALFORMED_PATH = "obo_path claim is malformed";
    private static final String NOT_ACCESS_TOKEN = "not an access token";
    private static final String OTHER_ISSUER = "not issued by this realm";
    private static final String TARGET = "is not an allowed target|is disabled|does not exist|internal clients";
    /** Forged claims signed with the realm-trusted key: each must be refused by the rule it is named after. */
    private static final String TRUSTED = " (realm-trusted key)";
    private static final String FORGED_ATTACKER = "forged claims, attacker-signed or unsigned";
    private static final Set<String> SIGNATURE_ONLY = Set.of("alg none", "HMAC with the realm's public key",
            "kid pointing elsewhere", "jku/x5u/jwk/x5c headers", FORGED_ATTACKER);

    private TestRealm expiring;
    private HttpServer decoy;
    private final AtomicInteger decoyHits = new AtomicInteger();
    private String decoyUrl;

    private RSAKey realmKey;
    /** An RSA key installed in the realm as a low-priority key provider: trusted, but not the realm's signing key. */
    private final RSAKey trustedKey = Forge.newRsaKey("unused");
    private String trustedKid;
    private String controlRealm;
    private String controlTokenEndpoint;
    private String realmHmacKid;
    private byte[] realmCertDer;
    private String otherRealmKid;
    private final RSAKey ownKey = Forge.newRsaKey("attacker-rsa");
    private final ECKey ownEcKey = Forge.newEcKey("attacker-ec");

    private Tokens alice;
    private String aliceAccess;
    private Jwt aliceJwt;
    private Tokens bob;
    private final List<String> expiringTokens = new ArrayList<>();
    private long expiringTokensExp;

    // counts
    private int fired;
    private int refusedCorrectly;
    private int fiveXx;
    private int tokensIssued;
    private int wrongErrorCode;
    private int badShape;
    private int wrongDescription;
    private int tooLarge;
    private int fiveXxProven;
    private int acceptedByDesign;
    private int equivalentFired;
    private int equivalentAccepted;
    private final Map<String, int[]> perCategory = new TreeMap<>();
    private final Map<String, Integer> perStatus = new TreeMap<>();
    private final Map<String, Integer> perError = new TreeMap<>();
    private final List<String> violations = new ArrayList<>();
    private long logOffsetAtStart;

    @BeforeAll
    void prepare() throws Exception {
        expiring = TestRealm.create("hostile-expiring");
        ObjectNode rep = expiring.admin().getRealm(expiring.name());
        rep.put("accessTokenLifespan", 5);
        expiring.admin().updateRealm(expiring.name(), rep);
        OAuth expiringOAuth = expiring.oauth();
        for (String user : List.of("alice", "bob", "carol")) {
            String t = expiringOAuth.login(Clients.WEB_APP, user, user, "openid").accessToken();
            expiringTokens.add(t);
            expiringTokensExp = Math.max(expiringTokensExp, Jwt.parse(t).exp());
        }

        JWKSet jwks = JWKSet.parse(Http.get(oauth.issuer() + "/protocol/openid-connect/certs", null).body());
        realmKey = jwks.getKeys().stream().filter(k -> k instanceof RSAKey && "RS256".equals(String.valueOf(
                k.getAlgorithm())) && "sig".equals(String.valueOf(k.getKeyUse()))).map(k -> (RSAKey) k).findFirst()
                .orElseThrow();
        realmCertDer = realmKey.getX509CertChain() == null || realmKey.getX509CertChain().isEmpty() ? new byte[0]
                : realmKey.getX509CertChain().get(0).decode();
        for (JsonNode k : Http.get(admin.realmUrl(realmName()) + "/keys", admin.token()).json().path("keys")) {
            if (k.path("algorithm").asText().startsWith("HS")) {
                realmHmacKid = k.path("kid").asText();
            }
        }
        // priority 1: below the realm's generated key (100), so the realm keeps signing with that one
        trustedKid = admin.addRsaSigningKey(realmName(), java.util.Base64.getEncoder().encodeToString(
                trustedKey.toRSAPrivateKey().getEncoded()), 1);
        // the control of the 5xx answers: a realm with nothing of the extension's (no clients of the test realm)
        String controlName = "hostile-control-" + Integer.toHexString(new Random().nextInt(0x1000000));
        admin.createRealm(Json.object().put("realm", controlName).put("enabled", true));
        controlRealm = controlName;
        controlTokenEndpoint = new OAuth(realm.keycloak().baseUrl(), controlName).tokenEndpoint();
        JWKSet otherJwks = JWKSet.parse(Http.get(expiringOAuth.issuer() + "/protocol/openid-connect/certs", null)
                .body());
        otherRealmKid = otherJwks.getKeys().stream().filter(k -> k instanceof RSAKey).findFirst().orElseThrow()
                .getKeyID();

        // a decoy JWKS/certificate server: a server that followed jku/x5u would find the attacker's key here
        decoy = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        byte[] attackerJwks = new JWKSet(List.of(ownKey.toPublicJWK(), ownEcKey.toPublicJWK())).toString()
                .getBytes(StandardCharsets.UTF_8);
        decoy.createContext("/", exchange -> {
            decoyHits.incrementAndGet();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, attackerJwks.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(attackerJwks);
            }
        });
        decoy.start();
        decoyUrl = "http://127.0.0.1:" + decoy.getAddress().getPort();

        // extra apps whose real tokens carry hostile claims through hardcoded-claim mappers
        createMapperApp("app-act", "act", "JSON", "{\"sub\":\"mallory\",\"client_id\":\"orders-api\"}");
        createMapperApp("app-may-act", "may_act", "JSON", "{\"sub\":\"orders-api\"}");
        createMapperApp("app-act-string", "act", "String", "orders-api");
        createMapperApp("app-path-loop", "obo_path", "JSON", "[\"orders-api\"]");
        createMapperApp("app-path-deep", "obo_path", "JSON", "[\"a-api\",\"b-api\",\"c-api\"]");
        createMapperApp("app-path-string", "obo_path", "String", "orders-api");
        createMapperApp("app-path-nested", "obo_path", "JSON", "[[\"inventory-api\"],[\"x\"]]");
        createMapperApp("app-path-numbers", "obo_path", "JSON", "[1,2]");
        createMapperApp("app-path-object", "obo_path", "JSON", "{\"0\":\"orders-api\"}");
        createMapperApp("app-path-blank", "obo_path", "JSON", "[\"\"]");

        alice = login("alice", "openid");
        aliceAccess = alice.accessToken();
        aliceJwt = alice.access();
        bob = login("bob", "openid");
    }

    @AfterAll
    void cleanUp() {
        if (decoy != null) {
            decoy.stop(0);
        }
        if (expiring != null && !ItConfig.keepRealms()) {
            expiring.delete();
        }
        if (controlRealm != null && !ItConfig.keepRealms()) {
            admin.deleteRealm(controlRealm);
        }
    }

    private void createMapperApp(String clientId, String claim, String jsonType, String value) {
        ObjectNode c = Json.object();
        c.put("clientId", clientId);
        c.put("enabled", true);
        c.put("publicClient", true);
        c.put("standardFlowEnabled", false);
        c.put("directAccessGrantsEnabled", true);
        c.put("protocol", "openid-connect");
        ArrayNode mappers = c.putArray("protocolMappers");
        ObjectNode aud = mappers.addObject();
        aud.put("name", "aud-orders-api");
        aud.put("protocol", "openid-connect");
        aud.put("protocolMapper", "oidc-audience-mapper");
        ObjectNode audCfg = aud.putObject("config");
        audCfg.put("included.client.audience", "orders-api");
        audCfg.put("access.token.claim", "true");
        audCfg.put("id.token.claim", "false");
        ObjectNode hard = mappers.addObject();
        hard.put("name", "hardcoded-" + claim);
        hard.put("protocol", "openid-connect");
        hard.put("protocolMapper", "oidc-hardcoded-claim-mapper");
        ObjectNode hardCfg = hard.putObject("config");
        hardCfg.put("claim.name", claim);
        hardCfg.put("claim.value", value);
        hardCfg.put("jsonType.label", jsonType);
        hardCfg.put("access.token.claim", "true");
        hardCfg.put("id.token.claim", "false");
        hardCfg.put("userinfo.token.claim", "false");
        hardCfg.put("introspection.token.claim", "true");
        admin.createClient(realmName(), c);
    }

    // ================================================================ the corpus

    @Test
    void hostileCorpusIsRefusedCleanlyAndTheServerKeepsServing() throws Exception {
        ReliabilityReport.Section report = ReliabilityReport.section(ReliabilityReport.HOSTILE);
        logOffsetAtStart = LogFiles.size(realm.keycloak().logFile());
        long t0 = System.nanoTime();
        truncatedTokens();
        mutatedTokens();
        structuralGarbage();
        algNone();
        hmacWithRealmPublicKey();
        kidPointingElsewhere();
        keyUrlHeaders();
        otherRealms();
        forgedTimeClaims();
        wrongTypeClaims();
        idAndRefreshTokens();
        delegationTokens();
        oboPaths();
        exchangeLoops();
        lookAlikeTargets();
        controlCharacterScopes();
        oversized();
        nonUtf8();
        duplicatedParameters();
        wrongContentTypes();
        grantTypes();
        rfc8693Parameters();
        entraParameters();
        clientAuthentication();
        expiredRealTokens(); // last: the 5 s tokens of the expiring realm have long expired by now
        equivalentSpellings();
        long seconds = (System.nanoTime() - t0) / 1_000_000_000L;

        // the server still serves good exchanges, in both forms, with a token it saw during the corpus
        Jwt te = assertExchanged(oauth.exchange(Clients.ORDERS).subject(aliceAccess).audience("inventory-api")
                .send());
        assertEquals(List.of("orders-api"), te.oboPath());
        HttpResult entra = oauth.entraOnBehalfOf(Clients.ORDERS, login("alice", "openid").accessToken())
                .param("scope", "inventory-api/.default").send();
        assertEquals(200, entra.status(), entra::describe);
        assertTrue(entra.has("access_token"), entra::describe);

        // every ERROR in the server log must be one of Keycloak's form-parser failures that answered a 5xx;
        // anything else (an extension stack frame, "failed unexpectedly", ...) is a finding
        List<String> formParserErrors = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        for (String entry : LogFiles.entries(LogFiles.readFrom(realm.keycloak().logFile(), logOffsetAtStart))) {
            boolean error = entry.contains(" ERROR [") || entry.contains("failed unexpectedly");
            if (!error) {
                continue;
            }
            if (entry.contains(FORM_PARSER_FRAME) && !entry.contains("io.github.keycloakobo")) {
                formParserErrors.add(entry.lines().findFirst().orElse(""));
            } else {
                unexpected.add(entry.lines().findFirst().orElse(""));
            }
        }
        List<String> problems = new ArrayList<>(violations);
        if (formParserErrors.size() < fiveXxProven) {
            problems.add(fiveXxProven + " 5xx answer(s) matched by their control, but only " + formParserErrors.size()
                    + " form-parser stack trace(s) in the server log");
        }
        int[] trusted = sum(c -> c.endsWith(TRUSTED) || c.endsWith("real (mapper)"));
        int[] signatureOnly = sum(SIGNATURE_ONLY::contains);

        report.figure("requests fired", fired)
                .figure("refused correctly (400/401 with an RFC error code and an error_description naming the rule "
                        + "where the case fixes one, or 413 for an oversized request; never a token)", refusedCorrectly)
                .figure("... of which 413 from Keycloak's HTTP layer (oversized parameters, before any OAuth code)",
                        tooLarge)
                .figure("forged claims in tokens the realm's signature check accepts (a realm-trusted key, or real "
                        + "tokens with hardcoded-claim mappers)", trusted[0] + " fired, " + trusted[1]
                        + " as asserted: refused by the rule they are named after, or accepted by design")
                .figure("... of which accepted by design (harmless: see the test's comments), as asserted",
                        acceptedByDesign)
                .figure("signature-only cases (alg none, HMAC with the public key, attacker keys and key headers, "
                        + "forged claims attacker-signed or unsigned)", signatureOnly[0] + " fired, "
                        + signatureOnly[1] + " refused on the signature (or as no signed JWT at all)")
                .figure("5xx answers", fiveXx)
                .figure("... of which proven Keycloak's own form parser (the same body at a realm without the "
                        + "extension's configuration gets the same 5xx), allowed", fiveXxProven)
                .figure("answers carrying a token", tokensIssued)
                .figure("answers with another error code than design.md section 4 names", wrongErrorCode)
                .figure("answers whose error_description does not name the expected rule", wrongDescription)
                .figure("answers not shaped as an OAuth error", badShape)
                .figure("fetches of the decoy jku/x5u server", decoyHits.get())
                .figure("ERROR/exception lines in the server log during the corpus", unexpected.size())
                .figure("good exchanges served afterwards (both forms)", 2)
                .figure("equivalent spellings of a good request probed (not in the corpus)", equivalentFired)
                .figure("... of which Keycloak accepted as the clean request (same user, client, target)",
                        equivalentAccepted)
                .figure("duration", seconds + " s")
                .figure("answers by status", perStatus)
                .figure("answers by error code", perError);
        perCategory.forEach((category, c) -> report.figure("category " + category, c[0] + " fired, " + c[1]
                + " answered as expected"));

        if (decoyHits.get() > 0) {
            problems.add("the server fetched the decoy jku/x5u URL " + decoyHits.get() + " time(s)");
        }
        unexpected.stream().limit(10).forEach(l -> problems.add("server log: " + HttpResult.redact(abbreviate(l))));
        if (fiveXx > 0) {
            report.note("The 5xx answers come from RESTEasy Reactive's form-body parser inside Keycloak (more than "
                    + "1000 form fields; bytes that do not decode as UTF-8; an unknown charset in Content-Type), before "
                    + "Keycloak's token endpoint or any grant runs: the server log shows each one's stack trace in "
                    + "FormBodyHandler, and each is allowed only because the same body sent to a realm without any of "
                    + "the extension's configuration got the same 5xx. Known upstream: "
                    + "keycloak/keycloak#37935 and #17513. No token is ever issued with them; the extension cannot "
                    + "intercept them.");
        }
        report.note("Keycloak itself removes control characters (also %-encoded ones and ANSI escape sequences) from "
                + "every token-endpoint parameter, reads bodies without Content-Type and multipart bodies as forms, "
                + "ignores unknown parameters, and its JWS parser ignores tab/CR/LF inside a token and accepts the "
                + "base64 '+' '/' alphabet. Such spellings of a good request are no attack and not in the corpus; they "
                + "are checked separately: they either fail cleanly or yield exactly the token of the clean request, "
                + "never a different user, client or target.");
        LogFiles.write(ItConfig.workDir().resolveSibling("reliability").resolve("hostile-violations.txt"), problems);
        report.passed(problems.isEmpty() && fired >= 500 && trusted[0] >= 100 && signatureOnly[0] >= 100);
        DistributionKeycloak.log("HostileInputIT: %d requests, %d refused correctly, %d violations", fired,
                refusedCorrectly, problems.size());
        assertTrue(fired >= 500, "corpus too small: " + fired);
        assertTrue(trusted[0] >= 100, "too few forged claims behind a trusted signature: " + trusted[0]);
        assertTrue(signatureOnly[0] >= 100, "too few signature-only cases: " + signatureOnly[0]);
        assertTrue(problems.isEmpty(), problems.size() + " problem(s) in " + fired + " requests:\n"
                + String.join("\n", problems.subList(0, Math.min(40, problems.size()))));
    }

    /**
     * A token the realm's key signed whose {@code aud} is an object, or an array holding null, is refused as an
     * unusable subject token (design.md section 4: bad input is never a 5xx; it was a 500 before: Keycloak's reader
     * leaves a null element there).
     */
    @Test
    void audWithNullIsRefusedNotAServerError() {
        for (JsonNode aud : List.of(Json.array().add("orders-api").addNull(), Json.object().put("orders-api", true))) {
            ObjectNode c = aliceJwt.claimsCopy();
            c.set("aud", aud);
            String token = trusted(c);
            assertError(oauth.exchange(Clients.ORDERS).subject(token).audience("inventory-api").send(), 400,
                    "invalid_request", "The subject token's aud claim is malformed");
            assertError(oauth.entraOnBehalfOf(Clients.ORDERS, token).param("scope", "inventory-api/.default").send(),
                    400, "invalid_grant", "The subject token's aud claim is malformed");
        }
    }

    /** Fired and correctly refused (or accepted by design) cases of the categories that {@code which} selects. */
    private int[] sum(java.util.function.Predicate<String> which) {
        int[] total = new int[2];
        perCategory.forEach((category, c) -> {
            if (which.test(category)) {
                total[0] += c[0];
                total[1] += c[1];
            }
        });
        return total;
    }

    // ---------------------------------------------------------------- token shapes

    private void truncatedTokens() {
        String t = aliceAccess;
        String[] p = Forge.parts(t);
        int h = p[0].length();
        int hp = h + 1 + p[1].length();
        List<Integer> cuts = new ArrayList<>(List.of(1, 2, 8, 16, h - 1, h, h + 1, h + 2, hp - 1, hp, hp + 1, hp + 2,
                t.length() - 1, t.length() - 2, t.length() - 4, t.length() - 16));
        for (int i = 1; i <= 8; i++) {
            cuts.add(h + 1 + p[1].length() * i / 9);
        }
        for (int i = 1; i <= 4; i++) {
            cuts.add(hp + 1 + p[2].length() * i / 5);
        }
        for (int cut : cuts) {
            subjectBoth("truncated token", t.substring(0, cut));
        }
        // the other tokens of a login, truncated too
        subjectBoth("truncated token", alice.idToken().substring(0, alice.idToken().length() / 2));
        subjectBoth("truncated token", alice.refreshToken().substring(0, alice.refreshToken().length() - 3));
    }

    private void mutatedTokens() {
        Random random = new Random(8693);
        String t = aliceAccess;
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int made = 0;
        while (made < 60) {
            char[] c = t.toCharArray();
            int pos = random.nextInt(c.length);
            if (c[pos] == '.') {
                continue;
            }
            String mutant;
            switch (made % 3) {
                case 0: // substitute
                    char n = alphabet.charAt(random.nextInt(alphabet.length()));
                    if (n == c[pos]) {
                        continue;
                    }
                    c[pos] = n;
                    mutant = new String(c);
                    break;
                case 1: // delete
                    mutant = t.substring(0, pos) + t.substring(pos + 1);
                    break;
                default: // insert
                    mutant = t.substring(0, pos) + alphabet.charAt(random.nextInt(alphabet.length()))
                            + t.substring(pos);
                    break;
            }
            if (sameSignedContent(t, mutant)) {
                continue; // e.g. only the unused padding bits of the signature's last character changed
            }
            subjectBoth("mutated token", mutant);
            made++;
        }
        String[] a = Forge.parts(aliceAccess);
        String[] b = Forge.parts(bob.accessToken());
        subjectBoth("mutated token", a[0] + "." + b[1] + "." + a[2]); // bob's claims, alice's signature
        subjectBoth("mutated token", a[0] + "." + a[1] + "." + b[2]); // alice's claims, bob's signature
        subjectBoth("mutated token", a[0] + "." + a[1] + "." + a[2] + "." + a[2]);
        subjectBoth("mutated token", a[0] + "." + a[0] + "." + a[2]);
        subjectBoth("mutated token", a[1] + "." + a[0] + "." + a[2]);
    }

    /** Whether a mutant still carries the same header, payload and signature bytes (base64url is malleable). */
    private static boolean sameSignedContent(String original, String mutant) {
        String[] o = Forge.parts(original);
        String[] m = Forge.parts(mutant);
        if (o.length != m.length || !o[0].equals(m[0]) || !o[1].equals(m[1])) {
            return false;
        }
        try {
            return Arrays.equals(new Base64(o[2]).decode(), new Base64(m[2]).decode());
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void structuralGarbage() {
        String t = aliceAccess;
        String[] p = Forge.parts(t);
        ObjectNode claims = aliceJwt.claimsCopy();
        List<String> garbage = new ArrayList<>(List.of(" ", ".", "..", "...", "....", "a.b.c", "a.b", "a.b.c.d",
                "a.b.c.d.e", "eyJ.eyJ.", "null", "true", "12345", "[]", "{}", "\"" + t + "\"", "Bearer " + t,
                t + " ", " " + t, t + "\u0000x", t.substring(0, 40) + " " + t.substring(40), t + "." + t,
                "\uFEFF" + t, ".".repeat(10_000),
                "{\"access_token\":\"" + t + "\"}",
                p[0] + "." + Forge.b64("not json") + "." + p[2],
                Forge.b64("not json") + "." + p[1] + "." + p[2],
                p[0] + "." + Forge.b64("[1,2,3]") + "." + p[2],
                p[0] + "." + Forge.b64("\"a string\"") + "." + p[2],
                p[0] + "." + Forge.b64("") + "." + p[2],
                p[0] + ".!!!." + p[2],
                Forge.b64("{\"alg\":\"RS256\"") + "." + p[1] + "." + p[2],
                Forge.b64("{\"alg\":\"RS256\",\"alg\":\"none\"}") + "." + p[1] + "." + p[2]));
        // deeply nested JSON in the header and the payload (parser stack and nesting limits)
        garbage.add(Forge.b64("[".repeat(5_000) + "]".repeat(5_000)) + "." + p[1] + "." + p[2]);
        // claims of the wrong JSON types or out of range, under the real token's signature, which no longer matches
        // (the same claims behind a trusted signature: wrongTypeClaims)
        Map<String, JsonNode> weird = new LinkedHashMap<>();
        weird.put("exp", Json.MAPPER.getNodeFactory().textNode("soon"));
        weird.put("iat", Json.MAPPER.getNodeFactory().numberNode(new java.math.BigInteger("9".repeat(40))));
        weird.put("nbf", Json.MAPPER.getNodeFactory().numberNode(1e300));
        weird.put("aud", Json.object().put("orders-api", true));
        weird.put("sub", Json.array().add("x"));
        weird.put("typ", Json.array().add("Bearer"));
        weird.put("azp", Json.MAPPER.getNodeFactory().numberNode(7));
        weird.put("scope", Json.object());
        weird.put("sid", Json.MAPPER.getNodeFactory().booleanNode(true));
        weird.put("resource_access", Json.array());
        weird.put("iss", Json.array().add(oauth.issuer()));
        weird.forEach((claim, value) -> {
            ObjectNode c = claims.deepCopy();
            c.set(claim, value);
            garbage.add(p[0] + "." + Forge.b64(Json.write(c)) + "." + p[2]);
        });
        for (String g : garbage) {
            subjectBoth("structural garbage", g);
        }
        // over Keycloak's own size limit for token parameters: refused before the grant, with invalid_request
        String deep = p[0] + "." + Forge.b64("{\"sub\":" + "{\"a\":".repeat(3_000) + "1" + "}".repeat(3_000) + "}")
                + "." + p[2];
        fire("structural garbage", TE, ANY, () -> oauth.exchange(Clients.ORDERS).subject(deep)
                .audience("inventory-api").send());
        fire("structural garbage", ENTRA, ANY, () -> oauth.entraOnBehalfOf(Clients.ORDERS, deep)
                .param("scope", "inventory-api/.default").send());
        // an empty subject token / assertion is a missing one
        fire("structural garbage", TE, "invalid_request", "Missing parameter: subject_token", () -> oauth
                .exchange(Clients.ORDERS).subject("").audience("inventory-api").send());
        fire("structural garbage", ENTRA, "invalid_request", "Missing parameter: assertion", () -> oauth
                .entraOnBehalfOf(Clients.ORDERS, "").param("scope", "inventory-api/.default").send());
    }

    // ---------------------------------------------------------------- signatures and keys

    private void algNone() {
        String payload = Forge.parts(aliceAccess)[1];
        String realSig = Forge.parts(aliceAccess)[2];
        List<String> headers = List.of("{\"alg\":\"none\",\"typ\":\"JWT\"}", "{\"alg\":\"None\",\"typ\":\"JWT\"}",
                "{\"alg\":\"NONE\",\"typ\":\"JWT\"}", "{\"alg\":\"nOnE\",\"typ\":\"JWT\"}", "{\"typ\":\"JWT\"}",
                "{\"alg\":\"\",\"typ\":\"JWT\"}", "{\"alg\":null,\"typ\":\"JWT\"}", "{\"alg\":[\"none\"]}",
                "{\"alg\":\"none\",\"kid\":\"" + realmKey.getKeyID() + "\"}");
        for (String header : headers) {
            subjectBoth("alg none", Forge.b64(header) + "." + payload + ".", SIGNATURE);
            subjectBoth("alg none", Forge.b64(header) + "." + payload + "." + realSig, SIGNATURE);
        }
        // nimbus' own unsecured JWT of the real claims
        subjectBoth("alg none", new com.nimbusds.jose.PlainObject(new com.nimbusds.jose.Payload(Json.write(
                aliceJwt.claims()))).serialize(), SIGNATURE);
    }

    private void hmacWithRealmPublicKey() throws Exception {
        RSAPublicKey pub = realmKey.toRSAPublicKey();
        String pem = "-----BEGIN PUBLIC KEY-----\n" + java.util.Base64.getMimeEncoder(64, "\n".getBytes(
                StandardCharsets.US_ASCII)).encodeToString(pub.getEncoded()) + "\n-----END PUBLIC KEY-----";
        Map<String, byte[]> secrets = new LinkedHashMap<>();
        secrets.put("DER", pub.getEncoded());
        secrets.put("PEM", pem.getBytes(StandardCharsets.US_ASCII));
        secrets.put("PEM+newline", (pem + "\n").getBytes(StandardCharsets.US_ASCII));
        secrets.put("modulus", realmKey.getModulus().decode());
        secrets.put("JWK", realmKey.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8));
        secrets.put("base64 DER", java.util.Base64.getEncoder().encodeToString(pub.getEncoded())
                .getBytes(StandardCharsets.US_ASCII));
        if (realmCertDer.length > 0) {
            secrets.put("certificate", realmCertDer);
        }
        ObjectNode claims = aliceJwt.claimsCopy();
        for (byte[] secret : secrets.values()) {
            for (JWSAlgorithm alg : List.of(JWSAlgorithm.HS256, JWSAlgorithm.HS384, JWSAlgorithm.HS512)) {
                subjectBoth("HMAC with the realm's public key", Forge.hmac(Forge.header(alg.getName(),
                        realmKey.getKeyID()), claims, secret, alg), SIGNATURE);
            }
        }
        if (realmHmacKid != null) {
            subjectBoth("HMAC with the realm's public key", Forge.hmac(Forge.header("HS512", realmHmacKid), claims,
                    pub.getEncoded(), JWSAlgorithm.HS512), SIGNATURE);
        }
    }

    private void kidPointingElsewhere() {
        ObjectNode claims = aliceJwt.claimsCopy();
        List<String> kids = new ArrayList<>(List.of(realmKey.getKeyID(), "../../../../../etc/passwd",
                "' OR '1'='1", "", "k".repeat(10_000), otherRealmKid, "attacker-rsa",
                "http://127.0.0.1:1/evil", "%00"));
        if (realmHmacKid != null) {
            kids.add(realmHmacKid);
        }
        for (String kid : kids) {
            subjectBoth("kid pointing elsewhere", Forge.rsa(Forge.header("RS256", kid), claims, ownKey,
                    JWSAlgorithm.RS256), SIGNATURE);
        }
        subjectBoth("kid pointing elsewhere", Forge.rsa(Forge.header("RS256", null), claims, ownKey,
                JWSAlgorithm.RS256), SIGNATURE);
        ObjectNode numericKid = Forge.header("RS256", null);
        numericKid.put("kid", 123);
        subjectBoth("kid pointing elsewhere", Forge.rsa(numericKid, claims, ownKey, JWSAlgorithm.RS256), SIGNATURE);
        subjectBoth("kid pointing elsewhere", Forge.rsa(Forge.header("RS512", realmKey.getKeyID()), claims, ownKey,
                JWSAlgorithm.RS512), SIGNATURE);
        subjectBoth("kid pointing elsewhere", Forge.rsa(Forge.header("PS256", realmKey.getKeyID()), claims, ownKey,
                JWSAlgorithm.PS256), SIGNATURE);
        subjectBoth("kid pointing elsewhere", Forge.ec(Forge.header("ES256", realmKey.getKeyID()), claims, ownEcKey,
                JWSAlgorithm.ES256), SIGNATURE);
    }

    private void keyUrlHeaders() {
        ObjectNode claims = aliceJwt.claimsCopy();
        List<ObjectNode> headers = new ArrayList<>();
        headers.add(Forge.header("RS256", "attacker-rsa").put("jku", decoyUrl + "/jwks"));
        headers.add(Forge.header("RS256", realmKey.getKeyID()).put("jku", decoyUrl + "/jwks"));
        headers.add(Forge.header("RS256", "attacker-rsa").put("x5u", decoyUrl + "/cert.pem"));
        headers.add(Forge.header("RS256", realmKey.getKeyID()).put("x5u", decoyUrl + "/cert.pem"));
        ObjectNode jwk = Forge.header("RS256", "attacker-rsa");
        jwk.set("jwk", Json.parse(ownKey.toPublicJWK().toJSONString()));
        headers.add(jwk);
        ObjectNode jwkRealmKid = Forge.header("RS256", realmKey.getKeyID());
        jwkRealmKid.set("jwk", Json.parse(ownKey.toPublicJWK().toJSONString()).deepCopy());
        ((ObjectNode) jwkRealmKid.get("jwk")).put("kid", realmKey.getKeyID());
        headers.add(jwkRealmKid);
        if (realmCertDer.length > 0) {
            ObjectNode x5c = Forge.header("RS256", realmKey.getKeyID());
            x5c.putArray("x5c").add(java.util.Base64.getEncoder().encodeToString(realmCertDer));
            headers.add(x5c);
        }
        ObjectNode x5cGarbage = Forge.header("RS256", realmKey.getKeyID());
        x5cGarbage.putArray("x5c").add("bm90IGEgY2VydGlmaWNhdGU=");
        headers.add(x5cGarbage);
        ObjectNode crit = Forge.header("RS256", realmKey.getKeyID());
        crit.putArray("crit").add("exp");
        headers.add(crit);
        headers.add(Forge.header("RS256", realmKey.getKeyID()).put("b64", false));
        headers.add(Forge.header("RS256", realmKey.getKeyID()).put("zip", "DEF"));
        for (ObjectNode header : headers) {
            subjectBoth("jku/x5u/jwk/x5c headers", Forge.rsa(header, claims, ownKey, JWSAlgorithm.RS256), SIGNATURE);
        }
    }

    private void otherRealms() {
        OAuth other = expiring.oauth();
        subjectBoth("token of another realm", other.login(Clients.WEB_APP, "alice", "alice", "openid")
                .accessToken(), OTHER_ISSUER);
        String otherToken = other.login(Clients.WEB_APP, "bob", "bob", "openid").accessToken();
        String[] p = Forge.parts(otherToken);
        ObjectNode claims = Forge.payload(otherToken);
        claims.put("iss", oauth.issuer());
        subjectBoth("token of another realm", p[0] + "." + Forge.b64(Json.write(claims)) + "." + p[2], SIGNATURE);
        HttpResult master = Http.postForm(realm.keycloak().baseUrl() + "/realms/master/protocol/openid-connect/token",
                Form.of("grant_type", "password", "client_id", "admin-cli", "username", "admin", "password",
                        "admin"));
        subjectBoth("token of another realm", master.field("access_token"), OTHER_ISSUER);
        // this realm's token at the other realm's token endpoint
        String ours = login("carol", "openid").accessToken();
        fire("token of another realm", TE, "invalid_request", OTHER_ISSUER, () -> other.exchange(Clients.ORDERS)
                .subject(ours).audience("inventory-api").send());
        fire("token of another realm", ENTRA, "invalid_grant", OTHER_ISSUER, () -> other.entraOnBehalfOf(
                Clients.ORDERS, ours).param("scope", "inventory-api/.default").send());
    }

    private void forgedTimeClaims() {
        long now = System.currentTimeMillis() / 1000;
        String category = "forged exp/iat/nbf" + TRUSTED;
        // variant -> the rule that must refuse it (null: accepted by design, see acceptedBoth)
        Map<ObjectNode, String> variants = new LinkedHashMap<>();
        variants.put(aliceJwt.claimsCopy().put("exp", now - 3600).put("iat", now - 7200), "has expired");
        variants.put(aliceJwt.claimsCopy().put("iat", now + 3600).put("exp", now + 7200), "not yet valid");
        variants.put(aliceJwt.claimsCopy().put("nbf", now + 3600), "not yet valid");
        variants.put(aliceJwt.claimsCopy().put("nbf", now + 315_360_000L), "not yet valid");
        variants.put(aliceJwt.claimsCopy().put("exp", -1), "no expiry");
        variants.put(aliceJwt.claimsCopy().put("exp", 0), "no expiry");
        ObjectNode noExp = aliceJwt.claimsCopy();
        noExp.remove("exp");
        variants.put(noExp, "no expiry");
        // without iat the token cannot be compared with the realm's and the client's not-before
        ObjectNode noIat = aliceJwt.claimsCopy();
        noIat.remove("iat");
        variants.put(noIat, "no issue time");
        // issued long before the user session started: not a token of that session
        variants.put(aliceJwt.claimsCopy().put("iat", 0), "user session is not active");
        // Accepted by design: a token the realm's own key signed is the realm's token, whatever its exp; the exchanged
        // token still lives no longer than the target's lifespan (asserted in acceptedBoth), never until that exp.
        variants.put(aliceJwt.claimsCopy().put("exp", Long.MAX_VALUE), null);
        // Accepted by design: a fractional exp is read as the whole second before it (Keycloak's JSON mapping)
        variants.put(aliceJwt.claimsCopy().put("exp", now + 60.5), null);
        variants.forEach((c, rule) -> {
            if (rule == null) {
                acceptedBoth(category, trusted(c));
            } else {
                subjectBoth(category, trusted(c), rule);
            }
            subjectBoth(FORGED_ATTACKER, Forge.rsa(Forge.header("RS256", realmKey.getKeyID()), c, ownKey,
                    JWSAlgorithm.RS256), SIGNATURE);
            subjectBoth(FORGED_ATTACKER, Forge.unsigned(Forge.header("none", null), c), SIGNATURE);
        });
    }

    /** Claims of the wrong JSON type or out of range, behind a trusted signature. */
    private void wrongTypeClaims() {
        String category = "wrong-type claims" + TRUSTED;
        Map<String, JsonNode> weird = new LinkedHashMap<>();
        Map<String, String> rules = new LinkedHashMap<>();
        weird.put("exp", Json.MAPPER.getNodeFactory().textNode("soon"));
        weird.put("iat", Json.MAPPER.getNodeFactory().numberNode(new java.math.BigInteger("9".repeat(40))));
        weird.put("nbf", Json.MAPPER.getNodeFactory().numberNode(1e300));
        // (an aud object or an aud array holding null: audWithNullIsRefusedNotAServerError)
        weird.put("sub", Json.array().add("x"));
        weird.put("typ", Json.array().add("Bearer"));
        weird.put("scope", Json.object());
        weird.put("resource_access", Json.array());
        weird.put("iss", Json.array().add(oauth.issuer()));
        weird.keySet().forEach(claim -> rules.put(claim, MALFORMED));
        // a number where a client id belongs is read as its text: no such client
        weird.put("azp", Json.MAPPER.getNodeFactory().numberNode(7));
        rules.put("azp", "issued to is unknown or disabled");
        // a boolean where the session id belongs is read as its text: no such session
        weird.put("sid", Json.MAPPER.getNodeFactory().booleanNode(true));
        rules.put("sid", "user session is not active");
        weird.forEach((claim, value) -> {
            ObjectNode c = aliceJwt.claimsCopy();
            c.set(claim, value);
            subjectBoth(category, trusted(c), rules.get(claim));
        });
        // Accepted by design: a number is read as the text of the token id, and a token id without Keycloak's
        // token-context prefix is one from before Keycloak 26.1, which Keycloak itself still accepts; the user
        // session and everything else are checked as for any token
        ObjectNode numericJti = aliceJwt.claimsCopy().put("jti", 42);
        acceptedBoth(category, trusted(numericJti));
    }

    private void expiredRealTokens() throws InterruptedException {
        long wait = (expiringTokensExp + 2) * 1000 - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
        OAuth other = expiring.oauth();
        for (String t : expiringTokens) {
            fire("real expired token", TE, "invalid_request", "has expired", () -> other.exchange(Clients.ORDERS)
                    .subject(t).audience("inventory-api").send());
            fire("real expired token", ENTRA, "invalid_grant", "has expired", () -> other.entraOnBehalfOf(
                    Clients.ORDERS, t).param("scope", "inventory-api/.default").send());
        }
    }

    // ---------------------------------------------------------------- token kinds and claims

    private void idAndRefreshTokens() {
        String id = alice.idToken();
        String refresh = alice.refreshToken();
        String category = "ID and refresh tokens";
        for (String type : List.of(OAuth.ACCESS_TOKEN_TYPE, OAuth.JWT_TYPE)) {
            fire(category, TE, "invalid_request", "not an access token \\(typ 'ID'\\)", () -> oauth.exchange(
                    Clients.ORDERS).subject(id, type).audience("inventory-api").send());
            fire(category, TE, "invalid_request", "not an access token \\(typ 'Refresh'\\)", () -> oauth.exchange(
                    Clients.ORDERS).subject(refresh, type).audience("inventory-api").send());
        }
        fire(category, TE, "invalid_request", "Unsupported subject_token_type", () -> oauth.exchange(Clients.ORDERS)
                .subject(id, OAuth.ID_TOKEN_TYPE).audience("inventory-api").send());
        fire(category, TE, "invalid_request", "Unsupported subject_token_type", () -> oauth.exchange(Clients.ORDERS)
                .subject(refresh, OAuth.REFRESH_TOKEN_TYPE).audience("inventory-api").send());
        fire(category, ENTRA, "invalid_grant", NOT_ACCESS_TOKEN, () -> oauth.entraOnBehalfOf(Clients.ORDERS, id)
                .param("scope", "inventory-api/.default").send());
        fire(category, ENTRA, "invalid_grant", NOT_ACCESS_TOKEN, () -> oauth.entraOnBehalfOf(Clients.ORDERS, refresh)
                .param("scope", "inventory-api/.default").send());
        // a token exchanged for shipping-api handed back to the client that obtained it: not issued for it (the
        // loop rule proper, with the requester in obo_path: exchangeLoops)
        String exchanged = oauth.exchange(Clients.ORDERS).subject(aliceAccess).audience("shipping-api").send()
                .field("access_token");
        subjectBoth(category, exchanged, "not issued for client 'orders-api'");
    }

    private void delegationTokens() {
        String delegation = "delegation token \\(act/may_act\\)";
        ObjectNode act = aliceJwt.claimsCopy();
        act.putObject("act").put("sub", "mallory");
        ObjectNode mayAct = aliceJwt.claimsCopy();
        mayAct.putObject("may_act").put("sub", "orders-api");
        ObjectNode actString = aliceJwt.claimsCopy().put("act", "orders-api");
        ObjectNode actNull = aliceJwt.claimsCopy();
        actNull.putNull("act");
        for (ObjectNode c : List.of(act, mayAct, actString, actNull)) {
            subjectBoth("act/may_act forged" + TRUSTED, trusted(c), delegation);
            subjectBoth(FORGED_ATTACKER, Forge.rsa(Forge.header("RS256", realmKey.getKeyID()), c, ownKey,
                    JWSAlgorithm.RS256), SIGNATURE);
            subjectBoth(FORGED_ATTACKER, Forge.unsigned(Forge.header("none", null), c), SIGNATURE);
        }
        for (String app : List.of("app-act", "app-may-act", "app-act-string")) {
            Tokens t = oauth.login(app, "alice", "alice", "openid");
            assertTrue(t.access().has(app.equals("app-may-act") ? "may_act" : "act"), () -> app + ": " + t.access());
            subjectBoth("act/may_act real (mapper)", t.accessToken(), delegation);
        }
    }

    private void oboPaths() {
        String category = "obo_path forged" + TRUSTED;
        Map<JsonNode, String> paths = new LinkedHashMap<>();
        paths.put(repeat("x-api", 1000), "Hop limit reached: the subject token went through 1000 exchange");
        paths.put(Json.array().add("billing-api"), "Hop limit reached: the subject token went through 1 exchange");
        paths.put(Json.array().add(Json.array().add("nested")), MALFORMED_PATH);
        paths.put(Json.array().add(Json.object().put("a", 1)), MALFORMED_PATH);
        paths.put(Json.array().add(1), MALFORMED_PATH);
        paths.put(Json.MAPPER.getNodeFactory().textNode("orders-api"), MALFORMED_PATH);
        paths.put(Json.object().put("0", "orders-api"), MALFORMED_PATH);
        paths.put(Json.array().add(""), MALFORMED_PATH);
        paths.put(Json.array().add(" "), MALFORMED_PATH);
        paths.put(Json.array().addNull(), MALFORMED_PATH);
        paths.put(Json.array().add("billing-api").add(7), MALFORMED_PATH);
        paths.forEach((path, rule) -> {
            ObjectNode c = aliceJwt.claimsCopy();
            c.set("obo_path", path);
            subjectBoth(category, trusted(c), rule);
            subjectBoth(FORGED_ATTACKER, Forge.rsa(Forge.header("RS256", realmKey.getKeyID()), c, ownKey,
                    JWSAlgorithm.RS256), SIGNATURE);
        });
        // Accepted by design: a JSON null obo_path is no path, as a missing one (design.md section 5: hop 0); the
        // exchanged token's path starts afresh with the requester (asserted in acceptedBoth)
        ObjectNode nullPath = aliceJwt.claimsCopy();
        nullPath.putNull("obo_path");
        acceptedBoth(category, trusted(nullPath));
        // Accepted by design: an empty path is hop 0 too
        ObjectNode emptyPath = aliceJwt.claimsCopy();
        emptyPath.putArray("obo_path");
        acceptedBoth(category, trusted(emptyPath));
        Map<String, String> apps = new LinkedHashMap<>();
        apps.put("app-path-loop", "already exchanged this token");
        apps.put("app-path-deep", "Hop limit reached: the subject token went through 3 exchange");
        for (String app : List.of("app-path-string", "app-path-nested", "app-path-numbers", "app-path-object",
                "app-path-blank")) {
            apps.put(app, MALFORMED_PATH);
        }
        apps.forEach((app, rule) -> {
            Tokens t = oauth.login(app, "alice", "alice", "openid");
            assertTrue(t.access().has("obo_path"), () -> app + ": " + t.access());
            subjectBoth("obo_path real (mapper)", t.accessToken(), rule);
        });
    }

    /** Subject tokens whose obo_path already names the requester: the loop rule, before the hop limit. */
    private void exchangeLoops() {
        String loop = "Client 'orders-api' already exchanged this token";
        for (JsonNode path : List.of(Json.array().add("orders-api"), Json.array().add("billing-api").add("orders-api"),
                Json.array().add("orders-api").add("billing-api"), Json.array().add("orders-api").add("orders-api"),
                repeat("x-api", 20).add("orders-api"))) {
            ObjectNode c = aliceJwt.claimsCopy();
            c.set("obo_path", path);
            subjectBoth("exchange loops" + TRUSTED, trusted(c), loop);
        }
    }

    private static ArrayNode repeat(String value, int n) {
        ArrayNode a = Json.array();
        for (int i = 0; i < n; i++) {
            a.add(value + i);
        }
        return a;
    }

    // ---------------------------------------------------------------- parameters

    static final List<String> LOOK_ALIKES = List.of(
            "inventory-\u0430pi", // Cyrillic a
            "invent\u043Ery-api", // Cyrillic o
            "\u0456nventory-api", // Ukrainian i
            "inventory\u2010api", // hyphen
            "inventory\u2212api", // minus sign
            "\uFF49\uFF4E\uFF56\uFF45\uFF4E\uFF54\uFF4F\uFF52\uFF59-api", // full width
            "inventory-api\u200B", "\u200Binventory-api", "invent\u200Dory-api", "inventory-api\u00A0",
            "inventory-api\u202E", "inventory-ap\u0131", "inventory-api\u0301", "INVENTORY-API", "Inventory-api",
            "inventory-api ", " inventory-api", "inventory-api\u0000x", "inventory-api%00x", "inventory-api/",
            "inventory-api.", "inventory_api", "inventory-api,billing-api", "orders-api", "*", "inventory-*",
            "plain-api", "disabled-api", "ghost-api", "master-realm", "admin-cli", "inventory-api\u001b[0mx");

    private void lookAlikeTargets() {
        for (String a : LOOK_ALIKES) {
            fire("look-alike targets", TE, "invalid_target", TARGET, () -> oauth.exchange(Clients.ORDERS)
                    .subject(aliceAccess).audience(a).send());
            if (!a.startsWith(" ")) { // a leading space only separates scope words in the Entra form
                fire("look-alike targets", ENTRA, ANY, () -> oauth.entraOnBehalfOf(Clients.ORDERS, aliceAccess)
                        .param("scope", a + "/.default").send());
            }
        }
        // one allowed and one look-alike target: all or nothing
        fire("look-alike targets", TE, "invalid_target", "Audience 'inventory-\u0430pi' is not an allowed target",
                () -> oauth.exchange(Clients.ORDERS).subject(aliceAccess).audience("inventory-api",
                        "inventory-\u0430pi").send());
        // look-alike client ids authenticating
        for (String id : List.of("\u043Erders-api", "orders-api\u200B", "ORDERS-API", "orders-api ")) {
            fire("look-alike targets", TE, ANY, () -> oauth.exchange(ClientAuth.basic(id, "orders-secret"))
                    .subject(aliceAccess).audience("inventory-api").send());
            fire("look-alike targets", ENTRA, ANY, () -> oauth.entraOnBehalfOf(ClientAuth.post(id, "orders-secret"),
                    aliceAccess).param("scope", "inventory-api/.default").send());
        }
    }

    private void controlCharacterScopes() {
        // Keycloak removes control characters (also %-encoded ones and ANSI escapes) from every token-endpoint
        // parameter before any grant runs: these stay invalid after that (see equivalentSpellings() for the rest)
        List<String> scopes = List.of("inventory:write\u0000", "\u0000billing:read", "inventory\u0007:read",
                "\u001b[31mred", "inventory:read\u0085", "inventory:read\u2028", "inventory:read\u0000inventory:write",
                "%00billing:read", "openid\r\nX-Injected: 1", "openid\u0008\u0008\u0008\u0008admin",
                "inventory:read\u00ad", "openid\u200b", "inventory:write\u007f", "inventory:%0awrite");
        for (String s : scopes) {
            fire("control characters in scope", TE, "invalid_scope", "Scope '", () -> oauth.exchange(Clients.ORDERS)
                    .subject(aliceAccess).audience("inventory-api").scope(s).send());
            fire("control characters in scope", ENTRA, ANY, () -> oauth.entraOnBehalfOf(Clients.ORDERS, aliceAccess)
                    .param("scope", "inventory-api/.default " + s).send());
        }
    }

    private void oversized() {
        String mb = randomToken(ONE_MB, 1);
        String jwtLike = aliceAccess.substring(0, aliceAccess.indexOf('.') + 1) + randomToken(ONE_MB, 2) + "."
                + Forge.parts(aliceAccess)[2];
        subjectBoth(OVERSIZED, mb);
        subjectBoth(OVERSIZED, Forge.parts(aliceAccess)[0] + "." + Forge.b64("{\"a\":"
                + "[".repeat(100_000) + "]".repeat(100_000) + "}") + "." + Forge.parts(aliceAccess)[2]);
        subjectBoth(OVERSIZED, jwtLike);
        fire(OVERSIZED, TE, ANY, () -> oauth.exchange(Clients.ORDERS).subject(aliceAccess)
                .audience("a".repeat(ONE_MB)).send());
        fire(OVERSIZED, TE, ANY, () -> oauth.exchange(Clients.ORDERS).subject(aliceAccess)
                .audience("inventory-api").scope("openid ".repeat(ONE_MB / 7)).send());
        fire(OVERSIZED, TE, ANY, () -> oauth.exchange(Clients.ORDERS).subject(aliceAccess)
                .resource("https://x/" + "r".repeat(ONE_MB)).send());
        fire(OVERSIZED, TE, ANY, () -> oauth.exchange(Clients.ORDERS).subject(aliceAccess, "t"
                .repeat(ONE_MB)).audience("inventory-api").send());
        fire(OVERSIZED, TE, ANY, () -> oauth.exchange(Clients.ORDERS).subject(aliceAccess)
                .audience("inventory-api").requestedTokenType("r".repeat(ONE_MB)).send());
        fire(OVERSIZED, ENTRA, ANY, () -> oauth.entraOnBehalfOf(Clients.ORDERS, aliceAccess)
                .param("scope", "inventory-api/" + "s".repeat(ONE_MB)).send());
        fire(OVERSIZED, ENTRA, ANY, () -> oauth.entraOnBehalfOf(Clients.ORDERS, aliceAccess)
                .without("requested_token_use").param("requested_token_use", "o".repeat(ONE_MB))
                .param("scope", "inventory-api/.default").send());
        fire(OVERSIZED, ENTRA, ANY, () -> oauth.entraOnBehalfOf(Clients.ORDERS, aliceAccess)
                .param("scope", "inventory-api/.default").param("x", "y".repeat(ONE_MB)).send());
        // 1 MB of repeated parameters, and 1 MB of random bytes as the body
        StringBuilder many = new StringBuilder(formOf(TE, aliceAccess));
        while (many.length() < ONE_MB) {
            many.append("&audience=inventory-api");
        }
        raw(OVERSIZED, TE, ANY, "application/x-www-form-urlencoded",
                many.toString().getBytes(StandardCharsets.US_ASCII), true);
        StringBuilder manyNames = new StringBuilder(formOf(ENTRA, aliceAccess));
        for (int i = 0; manyNames.length() < ONE_MB; i++) {
            manyNames.append("&p").append(i).append("=v");
        }
        raw(OVERSIZED, ENTRA, ANY, "application/x-www-form-urlencoded",
                manyNames.toString().getBytes(StandardCharsets.US_ASCII), true);
        byte[] noise = noise();
        raw(OVERSIZED, TE, ANY, "application/x-www-form-urlencoded", noise, true);
        raw(OVERSIZED, TE, ANY, "application/x-www-form-urlencoded", noise, false);
    }

    private void nonUtf8() {
        List<byte[]> bodies = new ArrayList<>();
        for (String form : List.of(TE, ENTRA)) {
            String base = formOf(form, aliceAccess);
            String token = form.equals(TE) ? "subject_token" : "assertion";
            String target = form.equals(TE) ? "audience=" : "scope=";
            bodies.add(ascii(base.replace(token + "=", token + "=%FF%FE")));
            bodies.add(ascii(base.replace(target, target + "%C0%AF")));
            bodies.add(ascii(base.replace(target, target + "%ED%A0%80")));
            bodies.add(ascii(base + "&" + target + "%80%80%80"));
            bodies.add(concat(ascii(base + "&" + target), new byte[] {(byte) 0xFF, (byte) 0xFE, 'x'}));
            bodies.add(concat(ascii(base.replace(target, target + "inv")), new byte[] {(byte) 0xE9, 'n', 't'}));
            bodies.add(ascii(base.replace("grant_type=", "grant_type=%FF")));
            // (an unknown parameter, even with a non-UTF-8 name, is ignored as RFC 6749 requires: with a bad token)
            String badBase = formOf(form, aliceAccess.substring(0, aliceAccess.length() - 5));
            bodies.add(ascii(badBase + "&%FF%FE=1"));
            bodies.add(ascii(badBase.replace(token + "=", token + "=%00")));
            bodies.add(concat(ascii(badBase + "&"), new byte[] {0, 0, '=', 0}));
            for (byte[] body : bodies) {
                raw("non-UTF-8 bytes", form, ANY, "application/x-www-form-urlencoded", body, true);
            }
            raw("non-UTF-8 bytes", form, ANY, "application/x-www-form-urlencoded; charset=ISO-8859-1",
                    base.replace(target, target + "invent%F3ry").getBytes(StandardCharsets.ISO_8859_1), true);
            bodies.clear();
        }
        // a Basic header whose decoded bytes are not UTF-8
        String badBasic = "Basic " + java.util.Base64.getEncoder().encodeToString(new byte[] {(byte) 0xFF, 'o', ':',
                (byte) 0xFE, 's'});
        rawWithAuth("non-UTF-8 bytes", TE, ANY, ascii(formOf(TE, aliceAccess)), badBasic);
        rawWithAuth("non-UTF-8 bytes", ENTRA, ANY, ascii(formOf(ENTRA, aliceAccess)), badBasic);
    }

    private void duplicatedParameters() {
        String bad = aliceAccess.substring(0, aliceAccess.length() - 10);
        String good = aliceAccess;
        fire("duplicated parameters", TE, ANY, () -> oauth.exchange(Clients.ORDERS).subject(good)
                .param("grant_type", OAuth.TOKEN_EXCHANGE).audience("inventory-api").send());
        fire("duplicated parameters", TE, ANY, () -> oauth.exchange(Clients.ORDERS).subject(good)
                .param("grant_type", OAuth.JWT_BEARER).audience("inventory-api").send());
        fire("duplicated parameters", TE, ANY, () -> oauth.exchange(Clients.ORDERS).subject(good)
                .param("subject_token", bad).audience("inventory-api").send());
        fire("duplicated parameters", TE, ANY, () -> oauth.exchange(Clients.ORDERS).subject(bad)
                .param("subject_token", good).audience("inventory-api").send());
        fire("duplicated parameters", TE, ANY, () -> oauth.exchange(Clients.ORDERS).subject(good)
                .param("subject_token", good).audience("inventory-api").send());
        fire("duplicated parameters", TE, ANY, () -> oauth.exchange(Clients.ORDERS).subject(good)
                .param("subject_token_type", OAuth.ID_TOKEN_TYPE).audience("inventory-api").send());
        fire("duplicated parameters", TE, ANY, () -> oauth.exchange(Clients.ORDERS).subject(good)
                .audience("inventory-api").scope("openid").scope("inventory:write").send());
        fire("duplicated parameters", TE, ANY, () -> oauth.exchange(Clients.ORDERS).subject(good)
                .audience("inventory-api").requestedTokenType(OAuth.ACCESS_TOKEN_TYPE)
                .requestedTokenType(OAuth.REFRESH_TOKEN_TYPE).send());
        fire("duplicated parameters", TE, ANY, () -> oauth.exchange(Clients.ORDERS.asPost()).subject(good)
                .audience("inventory-api").param("client_id", "orders-lite").send());
        fire("duplicated parameters", TE, ANY, () -> oauth.exchange(Clients.ORDERS.asPost()).subject(good)
                .audience("inventory-api").param("client_secret", "wrong-secret").send());
        fire("duplicated parameters", TE, ANY, () -> oauth.exchange(Clients.ORDERS).subject(good)
                .audience("inventory-api").param("client_id", "orders-lite").send());
        fire("duplicated parameters", TE, "invalid_target", TARGET, () -> oauth.exchange(Clients.ORDERS)
                .subject(good).audience("inventory-api", "inventory-api ").send());
        fire("duplicated parameters", ENTRA, ANY, () -> oauth.entraOnBehalfOf(Clients.ORDERS, good)
                .param("assertion", bad).param("scope", "inventory-api/.default").send());
        fire("duplicated parameters", ENTRA, ANY, () -> oauth.entraOnBehalfOf(Clients.ORDERS, bad)
                .param("assertion", good).param("scope", "inventory-api/.default").send());
        fire("duplicated parameters", ENTRA, ANY, () -> oauth.entraOnBehalfOf(Clients.ORDERS, good)
                .param("assertion", good).param("scope", "inventory-api/.default").send());
        fire("duplicated parameters", ENTRA, ANY, () -> oauth.entraOnBehalfOf(Clients.ORDERS, good)
                .param("requested_token_use", "on_behalf_of").param("scope", "inventory-api/.default").send());
        fire("duplicated parameters", ENTRA, ANY, () -> oauth.entraOnBehalfOf(Clients.ORDERS, good)
                .param("requested_token_use", "x").param("scope", "inventory-api/.default").send());
        fire("duplicated parameters", ENTRA, ANY, () -> oauth.entraOnBehalfOf(Clients.ORDERS, good)
                .param("scope", "inventory-api/.default").param("scope", "billing-api/.default").send());
        fire("duplicated parameters", ENTRA, ANY, () -> oauth.entraOnBehalfOf(Clients.ORDERS, good)
                .param("scope", "inventory-api/.default").param("grant_type", OAuth.TOKEN_EXCHANGE).send());
        fire("duplicated parameters", ENTRA, ANY, () -> oauth.entraOnBehalfOf(Clients.ORDERS.asPost(), good)
                .param("scope", "inventory-api/.default").param("client_id", "orders-lite").send());
    }

    private void wrongContentTypes() {
        for (String form : List.of(TE, ENTRA)) {
            byte[] body = ascii(formOf(form, aliceAccess));
            ObjectNode json = Json.object();
            for (String pair : formOf(form, aliceAccess).split("&")) {
                String[] kv = pair.split("=", 2);
                json.put(kv[0], java.net.URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
            }
            raw("wrong content types", form, ANY, "application/json", ascii(Json.write(json)), true);
            raw("wrong content types", form, ANY, "application/json", body, true);
            raw("wrong content types", form, ANY, "text/plain", body, true);
            raw("wrong content types", form, ANY, "application/xml", body, true);
            raw("wrong content types", form, ANY, "application/x-www-form-urlencoded; charset=UTF-16",
                    formOf(form, aliceAccess).getBytes(StandardCharsets.UTF_16), true);
            raw("wrong content types", form, ANY, "application/x-www-form-urlencoded; charset=UTF-7", body, true);
            raw("wrong content types", form, ANY, "application/x-www-form-urlencoded; charset=nonsense", body, true);
        }
    }

    private void grantTypes() {
        List<String> grants = List.of("", "urn:evil", OAuth.TOKEN_EXCHANGE.toUpperCase(java.util.Locale.ROOT),
                "token-exchange", OAuth.TOKEN_EXCHANGE + " ", "password", "refresh_token", "client_credentials",
                "authorization_code", "urn:ietf:params:oauth:grant-type:device_code",
                "urn:ietf:params:oauth:grant-type:saml2-bearer", "implicit");
        for (String g : grants) {
            fire("grant types", TE, ANY, () -> oauth.exchange(Clients.ORDERS).subject(aliceAccess)
                    .audience("inventory-api").without("grant_type").param("grant_type", g).send());
        }
        fire("grant types", TE, ANY, () -> oauth.exchange(Clients.ORDERS).subject(aliceAccess)
                .audience("inventory-api").without("grant_type").send());
        fire("grant types", ENTRA, ANY, () -> oauth.entraOnBehalfOf(Clients.ORDERS, aliceAccess)
                .param("scope", "inventory-api/.default").without("grant_type").send());
        // the jwt-bearer grant without requested_token_use goes to Keycloak's own RFC 7523 grant: a user token
        // is no authorization grant there either
        fire("grant types", ENTRA, ANY, () -> oauth.entraOnBehalfOf(Clients.ORDERS, aliceAccess)
                .without("requested_token_use").param("scope", "inventory-api/.default").send());
    }

    private void rfc8693Parameters() {
        Map<String, String> impersonationOnly = new LinkedHashMap<>();
        impersonationOnly.put("actor_token", bob.accessToken());
        impersonationOnly.put("actor_token_type", OAuth.ACCESS_TOKEN_TYPE);
        impersonationOnly.put("requested_subject", "bob");
        impersonationOnly.put("requested_issuer", "other-idp");
        impersonationOnly.put("subject_issuer", "other-idp");
        impersonationOnly.forEach((name, value) -> fire("RFC 8693 parameters", TE, "invalid_request",
                "impersonation only; remove parameter\\(s\\): " + name, () -> oauth.exchange(Clients.ORDERS).subject(aliceAccess).audience("inventory-api").param(name, value)
                        .send()));
        for (String type : List.of(OAuth.SAML2_TYPE, OAuth.ID_TOKEN_TYPE, OAuth.REFRESH_TOKEN_TYPE, "",
                "urn:ietf:params:oauth:token-type:access_tok\u0435n", "access_token", "jwt")) {
            fire("RFC 8693 parameters", TE, "invalid_request", "subject_token_type", () -> oauth.exchange(
                    Clients.ORDERS).subject(aliceAccess, type).audience("inventory-api").send());
        }
        fire("RFC 8693 parameters", TE, "invalid_request", "Missing parameter: subject_token_type", () -> oauth
                .exchange(Clients.ORDERS).subject(aliceAccess).without("subject_token_type").audience("inventory-api")
                .send());
        fire("RFC 8693 parameters", TE, "invalid_request", "Missing parameter: subject_token", () -> oauth
                .exchange(Clients.ORDERS).param("subject_token_type", OAuth.ACCESS_TOKEN_TYPE)
                .audience("inventory-api").send());
        for (String type : List.of(OAuth.ID_TOKEN_TYPE, OAuth.SAML2_TYPE, OAuth.JWT_TYPE, "x", OAuth.REFRESH_TOKEN_TYPE)) {
            fire("RFC 8693 parameters", TE, "invalid_request", "requested_token_type|may not obtain refresh tokens",
                    () -> oauth.exchange(Clients.ORDERS).subject(aliceAccess).audience("inventory-api")
                            .requestedTokenType(type).send());
        }
        for (String resource : List.of("inventory", "/api", "javascript:alert(1)", "file:///etc/passwd",
                decoyUrl + "/", "https://inventory.example.com/api#frag", "https://inventory.example.com/api/",
                "https://INVENTORY.example.com/api", "https://inventory.example.com/api?x=1", "urn:x")) {
            fire("RFC 8693 parameters", TE, "invalid_target", "Resource '", () -> oauth.exchange(Clients.ORDERS)
                    .subject(aliceAccess).resource(resource).send());
        }
        fire("RFC 8693 parameters", TE, "invalid_target", "may call several targets", () -> oauth.exchange(
                Clients.ORDERS).subject(aliceAccess).send());
        for (String scope : List.of("inventory:write", "billing:read", "offline_access")) {
            fire("RFC 8693 parameters", TE, "invalid_scope", "Scope '" + scope + "'", () -> oauth.exchange(
                    Clients.ORDERS).subject(aliceAccess).audience("inventory-api").scope(scope).send());
        }
    }

    private void entraParameters() {
        for (String use : List.of("ON_BEHALF_OF", "on_behalf_of ", "", "obo", "on-behalf-of", "on_behalf_of\u0000x")) {
            // not on_behalf_of: Keycloak's own RFC 7523 grant answers (or refuses the grant type where it has none)
            fire("Entra parameters", ENTRA, ItConfig.plainJwtBearerError(), () -> oauth.entraOnBehalfOf(Clients.ORDERS,
                    aliceAccess).without("requested_token_use").param("requested_token_use", use)
                    .param("scope", "inventory-api/.default").send());
        }
        for (String scope : List.of("/.default", "inventory-api/", "api://", "api:///.default",
                "inventory-api/.default billing-api/.default", "https://evil.example/.default",
                "api://inventory-api/../orders-api/.default", "inventory-api/inventory:write",
                "inventory-api/billing:read", "//.default", "inventory-api//.default", "api://orders-api/.default",
                "https://inventory.example.com/api/x/.default")) {
            fire("Entra parameters", ENTRA, ANY, () -> oauth.entraOnBehalfOf(Clients.ORDERS, aliceAccess)
                    .param("scope", scope).send());
        }
        fire("Entra parameters", ENTRA, "invalid_target", "target", () -> oauth.entraOnBehalfOf(Clients.ORDERS,
                aliceAccess).send());
        fire("Entra parameters", ENTRA, "invalid_request", "Missing parameter: assertion", () -> oauth
                .entraOnBehalfOf(Clients.ORDERS, aliceAccess).without("assertion")
                .param("scope", "inventory-api/.default").send());
        fire("Entra parameters", ENTRA, "invalid_request", "impersonation only", () -> oauth.entraOnBehalfOf(
                Clients.ORDERS, aliceAccess).param("scope", "inventory-api/.default")
                .param("actor_token", bob.accessToken()).param("actor_token_type", OAuth.ACCESS_TOKEN_TYPE).send());
    }

    private void clientAuthentication() {
        List<ClientAuth> clients = List.of(Clients.ORDERS.withSecret("wrong-secret"), Clients.ORDERS.withSecret(""),
                ClientAuth.basic("no-such-client", "x-secret"), Clients.PUBLIC_OBO, ClientAuth.none(),
                ClientAuth.basic("disabled-api", "disabled-secret"), Clients.ORDERS.asPost().withSecret("nope"),
                ClientAuth.publicClient("orders-api"), ClientAuth.basic("orders-api\u0000", "orders-secret"),
                ClientAuth.basic("", ""));
        for (ClientAuth c : clients) {
            fire("client authentication", TE, ANY, () -> oauth.exchange(c).subject(aliceAccess)
                    .audience("inventory-api").send());
            fire("client authentication", ENTRA, ANY, () -> oauth.entraOnBehalfOf(c, aliceAccess)
                    .param("scope", "inventory-api/.default").send());
        }
        for (String header : List.of("Basic !!!", "Basic " + Forge.b64("nocolon"), "Bearer " + aliceAccess,
                "Basic " + "A".repeat(10_000), "Basic", "Digest username=\"orders-api\"",
                RawHttp.basic("orders-api", "orders-secret") + ", Basic x")) {
            rawWithAuth("client authentication", TE, ANY, ascii(formOf(TE, aliceAccess)), header);
            rawWithAuth("client authentication", ENTRA, ANY, ascii(formOf(ENTRA, aliceAccess)), header);
        }
    }

    // ---------------------------------------------------------------- not hostile: equivalent spellings

    /**
     * Spellings of a good request that Keycloak normalises before any grant code runs: it removes control
     * characters (raw, %-encoded, ANSI escapes) from every parameter, reads a body without Content-Type and a
     * multipart/form-data body as a form, ignores unknown parameters (RFC 6749 section 3.2),
     * and its JWS parser skips tab/CR/LF and accepts '+' and '/' for '-' and '_'. They are no attack (the caller
     * holds the good token already), so they are not part of the corpus; they must be refused cleanly or yield
     * exactly the clean request's token, never another user, client or target.
     */
    private void equivalentSpellings() {
        String t = login("alice", "openid").accessToken();
        String[] p = Forge.parts(t);
        for (String v : List.of(t + "\n", t.substring(0, 40) + "\n" + t.substring(40), p[0] + "." + p[1].substring(0,
                30) + "\t" + p[1].substring(30) + "." + p[2], t.replace('-', '+').replace('_', '/'), t + "\u0000",
                t + "%00", "\u0007" + t)) {
            equivalent(() -> oauth.exchange(Clients.ORDERS).subject(v).audience("inventory-api").send());
            equivalent(() -> oauth.entraOnBehalfOf(Clients.ORDERS, v).param("scope", "inventory-api/.default").send());
        }
        for (String a : List.of("inventory-api\u0000", "inventory-api%00", "inventory-api\u001b[0m", "\tinventory-api",
                "invent\u0000ory-api", "inventory-api\u007f")) {
            equivalent(() -> oauth.exchange(Clients.ORDERS).subject(t).audience(a).send());
            equivalent(() -> oauth.entraOnBehalfOf(Clients.ORDERS, t).param("scope", a + "/.default").send());
        }
        for (String s : List.of("\u0000", "openid\u0000", "\u0007", "\u007f", "%00", "%0a")) {
            equivalent(() -> oauth.exchange(Clients.ORDERS).subject(t).audience("inventory-api").scope(s).send());
            equivalent(() -> oauth.entraOnBehalfOf(Clients.ORDERS, t).param("scope", "inventory-api/.default " + s)
                    .send());
        }
        Map<String, String> auth = Map.of("Authorization", RawHttp.basic("orders-api", "orders-secret"));
        for (String form : List.of(TE, ENTRA)) {
            String token = form.equals(TE) ? "subject_token" : "assertion";
            String body = formOf(form, t);
            equivalent(() -> RawHttp.post(oauth.tokenEndpoint(), null, ascii(body), auth));
            equivalent(() -> RawHttp.post(oauth.tokenEndpoint(), "multipart/form-data; boundary=xyz",
                    multipart(form, t), auth));
            equivalent(() -> RawHttp.post(oauth.tokenEndpoint(), "application/x-www-form-urlencoded",
                    ascii(body + "&%FF%FE=1"), auth));
            equivalent(() -> RawHttp.post(oauth.tokenEndpoint(), "application/x-www-form-urlencoded",
                    concat(ascii(body + "&"), new byte[] {0, 0, '=', 0}), auth));
            equivalent(() -> RawHttp.post(oauth.tokenEndpoint(), "application/x-www-form-urlencoded",
                    ascii(body.replace(token + "=", token + "=%00")), auth));
        }
        equivalent(() -> oauth.entraOnBehalfOf(Clients.ORDERS, t).without("requested_token_use")
                .param("requested_token_use", "on_behalf_of\u0000").param("scope", "inventory-api/.default").send());
    }

    private void equivalent(Supplier<HttpResult> request) {
        equivalentFired++;
        String label = "equivalent spelling #" + equivalentFired;
        HttpResult r = request.get();
        if (r.status() != 200) {
            if ((r.status() != 400 && r.status() != 401) || !RFC_ERRORS.contains(r.field("error"))
                    || r.has("access_token")) {
                violations.add(label + " not a clean OAuth refusal: " + r.describe());
            }
            return;
        }
        Jwt t = Jwt.parse(r.field("access_token"));
        if (t.aud().equals(Set.of("inventory-api")) && "orders-api".equals(t.azp()) && aliceJwt.sub().equals(t.sub())
                && List.of("orders-api").equals(t.oboPath())) {
            equivalentAccepted++;
        } else {
            violations.add(label + " gave another token than the clean request: " + t);
        }
    }

    // ================================================================ firing and judging

    /** The subject token / assertion in both forms, each expecting the contract's subject-token error. */
    private void subjectBoth(String category, String token) {
        subjectBoth(category, token, null);
    }

    /** Same, with an error_description that must name {@code rule} (a regular expression; null: any). */
    private void subjectBoth(String category, String token, String rule) {
        fire(category, TE, "invalid_request", rule, () -> oauth.exchange(Clients.ORDERS).subject(token)
                .audience("inventory-api").send());
        fire(category, ENTRA, "invalid_grant", rule, () -> oauth.entraOnBehalfOf(Clients.ORDERS, token)
                .param("scope", "inventory-api/.default").send());
    }

    /** A subject token with claims signed by the realm-trusted key. */
    private String trusted(ObjectNode claims) {
        return Forge.rsa(Forge.header("RS256", trustedKid), claims, trustedKey, JWSAlgorithm.RS256);
    }

    /**
     * A forged token that is legitimately accepted (the caller's comment says why), in both forms: it must give
     * alice's token for inventory-api, requested by orders-api, with a fresh path and no more than the realm's
     * 300 s lifespan, whatever its own claims say.
     */
    private void acceptedBoth(String category, String token) {
        accepted(category, TE, () -> oauth.exchange(Clients.ORDERS).subject(token).audience("inventory-api").send());
        accepted(category, ENTRA, () -> oauth.entraOnBehalfOf(Clients.ORDERS, token)
                .param("scope", "inventory-api/.default").send());
    }

    private void accepted(String category, String form, Supplier<HttpResult> request) {
        int[] counts = perCategory.computeIfAbsent(category, c -> new int[2]);
        counts[0]++;
        fired++;
        String label = "#" + fired + " [" + category + " #" + counts[0] + ", " + form + ", accepted by design]";
        HttpResult r = request.get();
        perStatus.merge(String.valueOf(r.status()), 1, Integer::sum);
        if (r.status() != 200 || !r.has("access_token")) {
            violations.add(label + " expected a token: " + r.describe());
            return;
        }
        Jwt t = Jwt.parse(r.field("access_token"));
        long now = System.currentTimeMillis() / 1000;
        if (!t.aud().equals(Set.of("inventory-api")) || !"orders-api".equals(t.azp())
                || !aliceJwt.sub().equals(t.sub()) || !List.of("orders-api").equals(t.oboPath())
                || t.exp() > now + 300 + 5) {
            violations.add(label + " gave another token than a clean exchange would: " + t);
            return;
        }
        acceptedByDesign++;
        counts[1]++;
    }

    /** A well-formed body of the given form for orders-api's exchange to inventory-api (client auth separate). */
    private static String formOf(String form, String token) {
        Form f = form.equals(TE)
                ? Form.of("grant_type", OAuth.TOKEN_EXCHANGE, "subject_token", token, "subject_token_type",
                        OAuth.ACCESS_TOKEN_TYPE, "audience", "inventory-api")
                : Form.of("grant_type", OAuth.JWT_BEARER, "requested_token_use", "on_behalf_of", "assertion", token,
                        "scope", "inventory-api/.default");
        return f.encode();
    }

    private static byte[] multipart(String form, String token) {
        StringBuilder sb = new StringBuilder();
        for (String pair : formOf(form, token).split("&")) {
            String[] kv = pair.split("=", 2);
            sb.append("--xyz\r\nContent-Disposition: form-data; name=\"").append(kv[0]).append("\"\r\n\r\n")
                    .append(java.net.URLDecoder.decode(kv[1], StandardCharsets.UTF_8)).append("\r\n");
        }
        return ascii(sb.append("--xyz--\r\n").toString());
    }

    private void raw(String category, String form, String expected, String contentType, byte[] body,
            boolean authenticate) {
        Map<String, String> headers = authenticate ? Map.of("Authorization", RawHttp.basic("orders-api",
                "orders-secret")) : Map.of();
        fire(category, form, expected, null, () -> RawHttp.post(oauth.tokenEndpoint(), contentType, body, headers),
                () -> RawHttp.post(controlTokenEndpoint, contentType, body, headers));
    }

    private void rawWithAuth(String category, String form, String expected, byte[] body, String authorization) {
        Map<String, String> headers = Map.of("Authorization", authorization);
        String type = "application/x-www-form-urlencoded";
        fire(category, form, expected, null, () -> RawHttp.post(oauth.tokenEndpoint(), type, body, headers),
                () -> RawHttp.post(controlTokenEndpoint, type, body, headers));
    }

    private void fire(String category, String form, String expectedError, Supplier<HttpResult> request) {
        fire(category, form, expectedError, null, request, null);
    }

    private void fire(String category, String form, String expectedError, String rule, Supplier<HttpResult> request) {
        fire(category, form, expectedError, rule, request, null);
    }

    /**
     * Fires one case and judges its answer. {@code rule}: a regular expression that the error_description must
     * contain a match of (null: any non-blank description). {@code control}: the same request sent to the control
     * realm, which has none of the extension's configuration; a 5xx is allowed only when the control gets the same
     * status and body (then it is Keycloak's own, raised before any grant code); null: every 5xx is a failure.
     */
    private void fire(String category, String form, String expectedError, String rule, Supplier<HttpResult> request,
            Supplier<HttpResult> control) {
        int[] counts = perCategory.computeIfAbsent(category, c -> new int[2]);
        counts[0]++;
        fired++;
        String label = "#" + fired + " [" + category + " #" + counts[0] + ", " + form + "]";
        HttpResult r;
        try {
            r = request.get();
        } catch (RuntimeException e) {
            violations.add(label + " no answer: " + e.getMessage());
            return;
        }
        perStatus.merge(String.valueOf(r.status()), 1, Integer::sum);
        boolean anyToken = r.has("access_token") || r.has("refresh_token") || r.has("id_token");
        if (r.status() >= 500 && !anyToken) {
            fiveXx++;
            HttpResult same = control == null ? null : control.get();
            if (same != null && same.status() == r.status() && same.body().equals(r.body())) {
                fiveXxProven++;
            } else {
                violations.add(label + " " + r.describe() + (same == null ? ", and no control request proves it "
                        + "Keycloak's own" : ", but the same body at the control realm gets " + same.describe()));
            }
            return;
        }
        if (r.status() == 413 && category.equals(OVERSIZED) && !anyToken) {
            tooLarge++;
            refusedCorrectly++;
            counts[1]++;
            return;
        }
        String error = r.field("error");
        perError.merge(String.valueOf(error), 1, Integer::sum);
        String description = r.field("error_description");
        boolean token = anyToken;
        if (r.status() >= 500) {
            fiveXx++;
        }
        if (token) {
            tokensIssued++;
        }
        boolean shaped = (r.status() == 400 || r.status() == 401) && error != null && RFC_ERRORS.contains(error)
                && description != null && !description.isBlank() && !token;
        if (!shaped) {
            badShape++;
            violations.add(label + " not a clean OAuth refusal: " + r.describe());
            return;
        }
        if (expectedError != null && !expectedError.equals(error)) {
            wrongErrorCode++;
            violations.add(label + " expected " + expectedError + ": " + r.describe());
            return;
        }
        if (rule != null && !java.util.regex.Pattern.compile(rule).matcher(description).find()) {
            wrongDescription++;
            violations.add(label + " expected an error_description matching /" + rule + "/: " + r.describe());
            return;
        }
        refusedCorrectly++;
        counts[1]++;
    }

    // ================================================================ small helpers

    /** 1 MB of seeded random bytes. */
    private static byte[] noise() {
        byte[] noise = new byte[ONE_MB];
        new Random(7).nextBytes(noise);
        return noise;
    }

    private static String randomToken(int length, long seed) {
        Random random = new Random(seed);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char[] c = new char[length];
        for (int i = 0; i < length; i++) {
            c[i] = alphabet.charAt(random.nextInt(alphabet.length()));
        }
        return new String(c);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
