package io.github.keycloakobo.demo;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import com.nimbusds.oauth2.sdk.AccessTokenResponse;

/**
 * The tokens a source API obtained by exchange, per subject token and target, kept until shortly before they expire:
 * every request of the same user session with the same incoming token reuses the exchanged token instead of asking
 * Keycloak again (what MSAL's and Spring's token caches do for their users). Keys hold a SHA-256 of the subject
 * token, never the token; at most {@code maxEntries} entries, the ones expiring first go first.
 */
final class ExchangedTokens {

    private record Key(String subjectTokenHash, String target) {
    }

    private record Entry(AccessTokenResponse response, Instant reuseUntil) {
    }

    private final Clock clock;
    private final Duration margin;
    private final int maxEntries;
    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();

    /**
     * @param margin     how long before its expiry a token is no longer handed out (it must still be valid when the
     *                   target checks it)
     * @param maxEntries bound on the number of kept tokens
     */
    ExchangedTokens(Clock clock, Duration margin, int maxEntries) {
        this.clock = clock;
        this.margin = margin;
        this.maxEntries = maxEntries;
    }

    /** The kept answer for this subject token and target, while it has more than the margin left. */
    Optional<AccessTokenResponse> get(String subjectToken, String target) {
        Key key = new Key(hash(subjectToken), target);
        Entry entry = entries.get(key);
        if (entry == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(entry.reuseUntil())) {
            entries.remove(key, entry);
            return Optional.empty();
        }
        return Optional.of(entry.response());
    }

    /**
     * Keeps a successful answer until {@code expires_in} minus the margin from now; an answer without a lifetime, or
     * one shorter than the margin, is not kept.
     */
    void put(String subjectToken, String target, AccessTokenResponse response) {
        long lifetime = response.getTokens().getAccessToken().getLifetime();
        Instant now = clock.instant();
        Instant reuseUntil = now.plusSeconds(lifetime).minus(margin);
        if (lifetime <= 0 || !now.isBefore(reuseUntil)) {
            return;
        }
        entries.values().removeIf(e -> !now.isBefore(e.reuseUntil()));
        while (entries.size() >= maxEntries) {
            entries.entrySet().stream().min(Comparator.comparing(e -> e.getValue().reuseUntil()))
                    .ifPresent(e -> entries.remove(e.getKey(), e.getValue()));
        }
        entries.put(new Key(hash(subjectToken), target), new Entry(response, reuseUntil));
    }

    int size() {
        return entries.size();
    }

    private static String hash(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }
}
