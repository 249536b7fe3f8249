package io.github.keycloakobo.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every token and client secret the integration tests sent or received in this test JVM, so that {@link LogLeakIT}
 * can prove none of them reached a server log. Filled by one-line hooks in the helpers: {@link Form#add} (token and
 * secret parameters sent), {@link Http} (HTTP Basic client secrets), {@link HttpResult} (tokens in answers) and
 * {@link Jwt} (tokens parsed or signed); tests that build raw requests register their values themselves.
 *
 * <p>Values shorter than {@link #MIN_TOKEN_LENGTH} ({@link #MIN_SECRET_LENGTH} for secrets) are not kept: they
 * would match unrelated log text. The registry never prints a value.
 */
public final class TokenRegistry {

    public static final int MIN_TOKEN_LENGTH = 16;
    public static final int MIN_SECRET_LENGTH = 8;

    /** Form parameters that carry a token or a credential. */
    static final Set<String> TOKEN_PARAMETERS = Set.of("subject_token", "assertion", "actor_token", "token",
            "refresh_token", "id_token_hint", "client_assertion", "code");
    static final Set<String> SECRET_PARAMETERS = Set.of("client_secret");
    /** Fields of a token-endpoint answer that carry a token. */
    static final Set<String> TOKEN_FIELDS = Set.of("access_token", "refresh_token", "id_token");

    private static final Set<String> TOKENS = ConcurrentHashMap.newKeySet();
    private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();

    private TokenRegistry() {
    }

    /** Remembers a token (JWT or opaque) the tests used or received. */
    public static void token(String value) {
        if (value != null && value.length() >= MIN_TOKEN_LENGTH) {
            TOKENS.add(value);
        }
    }

    /** Remembers a client secret. */
    public static void secret(String value) {
        if (value != null && value.length() >= MIN_SECRET_LENGTH) {
            SECRETS.add(value);
        }
    }

    /** Hook of {@link Form#add}: keeps the values of token and secret parameters. */
    static void sentParameter(String name, String value) {
        if (TOKEN_PARAMETERS.contains(name)) {
            token(value);
        } else if (SECRET_PARAMETERS.contains(name)) {
            secret(value);
        }
    }

    /** Hook of {@link HttpResult}: keeps the tokens of a JSON answer. */
    static void received(JsonNode json) {
        if (json != null && json.isObject()) {
            for (String field : TOKEN_FIELDS) {
                JsonNode n = json.get(field);
                if (n != null && n.isTextual()) {
                    token(n.asText());
                }
            }
        }
    }

    public static int tokenCount() {
        return TOKENS.size();
    }

    public static int secretCount() {
        return SECRETS.size();
    }

    /**
     * What a log scan looks for: every secret; every token whole; and for a JWT also its payload and signature
     * segments on their own, so a token that was logged cut, wrapped or reformatted is still found. (The header
     * segment is left out: all tokens of a key share it.)
     */
    public static List<Needle> needles() {
        List<Needle> out = new ArrayList<>();
        for (String s : SECRETS) {
            out.add(new Needle(s, "client secret"));
        }
        for (String t : TOKENS) {
            out.add(new Needle(t, "token"));
            String[] parts = t.split("\\.", -1);
            if (parts.length >= 3) {
                for (int i = 1; i < parts.length; i++) {
                    if (parts[i].length() >= MIN_TOKEN_LENGTH) {
                        out.add(new Needle(parts[i], i == parts.length - 1 ? "token signature" : "token segment"));
                    }
                }
            }
        }
        return out;
    }

    /** A value to look for; {@link #toString()} never shows it. */
    public record Needle(String value, String kind) {
        @Override
        public String toString() {
            return kind + " (" + value.length() + " chars, starting " + value.substring(0, Math.min(4, value.length()))
                    + "...)";
        }
    }
}
