package io.github.keycloakobo.demo;

import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.ConfigurableJWTProcessor;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

/**
 * Validates Keycloak access tokens of one realm for one audience: signature against the realm's JWKS (cached,
 * refreshed on unknown key ids), {@code iss}, {@code aud}, {@code exp}/{@code nbf} (60 s clock skew) and
 * {@code typ=Bearer} (so ID and refresh tokens are refused).
 */
public final class TokenValidator {

    /** Why a token was refused. {@code unavailable} means the keys could not be fetched (not the caller's fault). */
    public static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean unavailable;

        Rejected(String message, boolean unavailable, Throwable cause) {
            super(message, cause);
            this.unavailable = unavailable;
        }

        public boolean unavailable() {
            return unavailable;
        }
    }

    private final ConfigurableJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final String audience;

    public TokenValidator(DemoSettings settings, String audience) {
        this.audience = audience;
        JWKSource<SecurityContext> keys;
        try {
            keys = JWKSourceBuilder.<SecurityContext>create(URI.create(settings.jwksUri()).toURL())
                    .retrying(true)
                    .build();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("bad JWKS URL " + settings.jwksUri(), e);
        }
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(
                JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
                JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512,
                JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512), keys));
        JWTClaimsSet exactMatch = new JWTClaimsSet.Builder()
                .issuer(settings.issuer())
                .claim("typ", "Bearer")
                .build();
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                Set.of(audience), exactMatch, Set.of("sub", "exp", "iat", "azp"), Set.of()));
    }

    public String audience() {
        return audience;
    }

    public JWTClaimsSet validate(String token) throws Rejected {
        try {
            return processor.process(token, null);
        } catch (KeySourceException e) {
            throw new Rejected("cannot fetch the realm's signing keys: " + e.getMessage(), true, e);
        } catch (BadJOSEException e) {
            throw new Rejected(e.getMessage(), false, e);
        } catch (ParseException e) {
            throw new Rejected("malformed token: " + e.getMessage(), false, e);
        } catch (JOSEException e) {
            throw new Rejected("token could not be verified: " + e.getMessage(), false, e);
        }
    }
}
