package io.github.keycloakobo.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.Tokens;
import org.junit.jupiter.api.Test;

/** orders-api's cache of exchanged tokens, on a clock the test moves. */
class ExchangedTokensTest {

    private static final Duration MARGIN = Duration.ofSeconds(30);

    private final MovableClock clock = new MovableClock();
    private final ExchangedTokens tokens = new ExchangedTokens(clock, MARGIN, 3);

    private static AccessTokenResponse answer(String value, long expiresIn) {
        return new AccessTokenResponse(new Tokens(new BearerAccessToken(value, expiresIn, null), null));
    }

    @Test
    void anAnswerIsReusedForTheSameSubjectTokenAndTargetUntilTheMarginBeforeItExpires() {
        AccessTokenResponse issued = answer("t1", 300);
        tokens.put("subject", "inventory-api", issued);
        assertSame(issued, tokens.get("subject", "inventory-api").orElseThrow());
        clock.advance(Duration.ofSeconds(269));
        assertSame(issued, tokens.get("subject", "inventory-api").orElseThrow());
        clock.advance(Duration.ofSeconds(1)); // 30 s left: no longer handed out
        assertTrue(tokens.get("subject", "inventory-api").isEmpty());
        assertEquals(0, tokens.size());
    }

    @Test
    void anotherSubjectTokenOrTargetIsAnotherEntry() {
        tokens.put("subject", "inventory-api", answer("t1", 300));
        assertTrue(tokens.get("other subject", "inventory-api").isEmpty());
        assertTrue(tokens.get("subject", "billing-api").isEmpty());
    }

    @Test
    void answersWithoutALifetimeOrShorterThanTheMarginAreNotKept() {
        tokens.put("a", "inventory-api", answer("t1", 0));
        tokens.put("b", "inventory-api", answer("t2", 30));
        assertTrue(tokens.get("a", "inventory-api").isEmpty());
        assertTrue(tokens.get("b", "inventory-api").isEmpty());
        assertEquals(0, tokens.size());
    }

    @Test
    void atMostMaxEntriesAreKeptAndTheOneExpiringFirstGoesFirst() {
        tokens.put("a", "inventory-api", answer("ta", 100));
        tokens.put("b", "inventory-api", answer("tb", 300));
        tokens.put("c", "inventory-api", answer("tc", 300));
        tokens.put("d", "inventory-api", answer("td", 300));
        assertEquals(3, tokens.size());
        assertTrue(tokens.get("a", "inventory-api").isEmpty());
        assertEquals("td", tokens.get("d", "inventory-api").orElseThrow().getTokens().getAccessToken().getValue());
    }

    private static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
