package io.github.keycloakobo.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSASSASigner;
import java.security.interfaces.RSAPrivateKey;
import java.text.ParseException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A decoded JWT (signature not checked: the server under test does that). Its {@code toString} shows claim names
 * only; the token text itself is never kept or printed.
 */
public final class Jwt {

    private final JsonNode header;
    private final JsonNode claims;

    private Jwt(JsonNode header, JsonNode claims) {
        this.header = header;
        this.claims = claims;
    }

    public static Jwt parse(String token) {
        if (token == null) {
            throw new IllegalArgumentException("no token");
        }
        TokenRegistry.token(token);
        try {
            JWSObject jws = JWSObject.parse(token);
            return new Jwt(Json.parse(jws.getHeader().toString()), Json.parse(jws.getPayload().toString()));
        } catch (ParseException e) {
            throw new IllegalArgumentException("not a JWS compact serialization", e);
        }
    }

    public JsonNode header() {
        return header;
    }

    public JsonNode claims() {
        return claims;
    }

    /** A copy of the claims, to forge a variant. */
    public ObjectNode claimsCopy() {
        return (ObjectNode) claims.deepCopy();
    }

    public boolean has(String claim) {
        return claims.has(claim) && !claims.get(claim).isNull();
    }

    public JsonNode get(String claim) {
        return claims.path(claim);
    }

    public String string(String claim) {
        JsonNode n = claims.get(claim);
        return n == null || n.isNull() ? null : n.asText();
    }

    public long number(String claim) {
        JsonNode n = claims.get(claim);
        if (n == null || !n.canConvertToLong()) {
            throw new AssertionError("claim " + claim + " is missing or not a number in " + this);
        }
        return n.asLong();
    }

    public String sub() {
        return string("sub");
    }

    public String sid() {
        return string("sid");
    }

    public String azp() {
        return string("azp");
    }

    public String jti() {
        return string("jti");
    }

    public String typ() {
        return string("typ");
    }

    public long exp() {
        return number("exp");
    }

    public long iat() {
        return number("iat");
    }

    /** {@code aud} as a set, whether the token carries a string or an array. */
    public Set<String> aud() {
        return new LinkedHashSet<>(Json.strings(claims.get("aud")));
    }

    /** {@code scope} split on spaces. */
    public Set<String> scopes() {
        String s = string("scope");
        return s == null || s.isBlank() ? Set.of() : new LinkedHashSet<>(Arrays.asList(s.trim().split("\\s+")));
    }

    /** {@code obo_path}; null when the claim is absent. */
    public List<String> oboPath() {
        return has("obo_path") ? Json.strings(claims.get("obo_path")) : null;
    }

    /** The roles of one client in {@code resource_access}. */
    public Set<String> clientRoles(String clientId) {
        return new LinkedHashSet<>(Json.strings(claims.path("resource_access").path(clientId).get("roles")));
    }

    public Set<String> resourceAccessClients() {
        Set<String> out = new LinkedHashSet<>();
        claims.path("resource_access").fieldNames().forEachRemaining(out::add);
        return out;
    }

    /** Signs claims with RS256 (used with a key the test itself installed in the realm). */
    public static String signRs256(JsonNode claims, RSAPrivateKey key, String kid) {
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).keyID(kid).build();
        JWSObject jws = new JWSObject(header, new Payload(Json.write(claims)));
        try {
            jws.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        String token = jws.serialize();
        TokenRegistry.token(token);
        return token;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Jwt{typ=").append(typ()).append(", azp=").append(azp())
                .append(", aud=").append(aud()).append(", scope=").append(scopes()).append(", obo_path=")
                .append(oboPath()).append(", claims=");
        claims.fieldNames().forEachRemaining(n -> sb.append(n).append(' '));
        return sb.append('}').toString();
    }
}
