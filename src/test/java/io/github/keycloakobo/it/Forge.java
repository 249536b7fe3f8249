package io.github.keycloakobo.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Hand-made JWTs for the hostile-input and soak tests: any header and payload text (also malformed), signed with
 * nimbus-jose-jwt's signers or not at all. Every token made here is registered with {@link TokenRegistry}.
 */
final class Forge {

    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private Forge() {
    }

    static String b64(String text) {
        return b64(text.getBytes(StandardCharsets.UTF_8));
    }

    static String b64(byte[] bytes) {
        return B64URL.encodeToString(bytes);
    }

    static String json(JsonNode node) {
        return Json.write(node);
    }

    /** A JOSE header with {@code alg}, {@code typ=JWT} and, when not null, {@code kid}. */
    static ObjectNode header(String alg, String kid) {
        ObjectNode h = Json.object();
        if (alg != null) {
            h.put("alg", alg);
        }
        h.put("typ", "JWT");
        if (kid != null) {
            h.put("kid", kid);
        }
        return h;
    }

    /** {@code header.payload.signature} from raw JSON texts and a ready signature segment. */
    static String compact(String headerJson, String payloadJson, String signatureSegment) {
        return remember(b64(headerJson) + "." + b64(payloadJson) + "." + signatureSegment);
    }

    static String unsigned(JsonNode header, JsonNode payload) {
        return compact(json(header), json(payload), "");
    }

    static String rsa(JsonNode header, JsonNode payload, RSAKey key, JWSAlgorithm alg) {
        try {
            return sign(json(header), json(payload), new RSASSASigner(key), alg);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String ec(JsonNode header, JsonNode payload, ECKey key, JWSAlgorithm alg) {
        try {
            return sign(json(header), json(payload), new ECDSASigner(key), alg);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** HMAC with an arbitrary secret (e.g. the realm's public key bytes: the classic RS/HS confusion). */
    static String hmac(JsonNode header, JsonNode payload, byte[] secret, JWSAlgorithm alg) {
        try {
            return sign(json(header), json(payload), new MACSigner(secret), alg);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Signs {@code b64(header).b64(payload)} as given: the header text is not checked against {@code alg}. */
    static String sign(String headerJson, String payloadJson, JWSSigner signer, JWSAlgorithm alg) {
        String input = b64(headerJson) + "." + b64(payloadJson);
        try {
            String signature = signer.sign(new JWSHeader(alg), input.getBytes(StandardCharsets.US_ASCII)).toString();
            return remember(input + "." + signature);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static RSAKey newRsaKey(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static ECKey newEcKey(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The segments of a compact JWT (header, payload, signature). */
    static String[] parts(String jwt) {
        return jwt.split("\\.", -1);
    }

    /** The decoded payload JSON of a compact JWT. */
    static ObjectNode payload(String jwt) {
        return (ObjectNode) Json.parse(new String(Base64.getUrlDecoder().decode(parts(jwt)[1]),
                StandardCharsets.UTF_8));
    }

    private static String remember(String token) {
        TokenRegistry.token(token);
        return token;
    }
}
