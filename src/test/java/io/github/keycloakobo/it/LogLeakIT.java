package io.github.keycloakobo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The last class of every failsafe run ({@link ItClassOrder} puts it there): scans the logs of every Keycloak server
 * of the run (the shared test server's {@code target/it-keycloak/*.log}, the cluster nodes' and PostgreSQL's under
 * {@code target/it-cluster/}) for every token and client secret the tests sent or received ({@link TokenRegistry})
 * and fails if one appears, whole or as one of its JWT segments. The servers log the extension's category at debug
 * and Keycloak's event log at debug ({@link DistributionKeycloak#LOG_LEVEL}), so every log statement of the
 * extension ran. Then it writes {@code RELIABILITY.md} ({@link ReliabilityReport}).
 */
class LogLeakIT extends AbstractOboIT {

    /** Characters a token or secret is made of; a needle is searched within runs of them. */
    private static final String TOKEN_CHARS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=.~";
    private static final int KEY = TokenRegistry.MIN_TOKEN_LENGTH;
    private static final int MIN_SECRET = TokenRegistry.MIN_SECRET_LENGTH;

    private record Finding(Path file, int line, TokenRegistry.Needle needle) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + needle;
        }
    }

    @Test
    void noTokenOrSecretReachesAnyServerLog() throws Exception {
        ReliabilityReport.Section report = ReliabilityReport.section(ReliabilityReport.LOGS);
        // this class's own traffic, so the scan has something to look for even when run alone: a good and a refused
        // exchange in both forms, an OBO refresh token, a refresh and an introspection
        Tokens alice = login("alice", "openid");
        String exchanged = assertExchanged(oauth.exchange(Clients.ORDERS).subject(alice.accessToken())
                .audience("inventory-api").send()).jti();
        assertTrue(exchanged != null);
        assertEquals(200, oauth.entraOnBehalfOf(Clients.ORDERS, alice.accessToken())
                .param("scope", "inventory-api/.default").send().status());
        assertError(oauth.exchange(Clients.ORDERS).subject(alice.accessToken()).audience("plain-api").send(), 400,
                "invalid_target", "Audience 'plain-api' is not an allowed target of client 'orders-api'");
        HttpResult refreshable = oauth.exchange(Clients.REPORTS).subject(alice.accessToken())
                .requestedTokenType(OAuth.REFRESH_TOKEN_TYPE).send();
        assertEquals(200, refreshable.status(), refreshable::describe);
        assertEquals(200, oauth.refresh(Clients.REPORTS, refreshable.field("refresh_token")).status());
        oauth.introspect(Clients.INVENTORY, refreshable.field("access_token"));
        Thread.sleep(1000); // let the server's console output reach its log file

        for (JsonNode secret : Json.parse(Json.resource(TestRealm.TEMPLATE)).findValues("secret")) {
            TokenRegistry.secret(secret.asText());
        }
        List<TokenRegistry.Needle> needles = searchable(TokenRegistry.needles());
        List<Path> logs = serverLogs();
        assertScannerFindsAPlantedToken();

        List<Finding> findings = new ArrayList<>();
        long bytes = 0;
        for (Path log : logs) {
            bytes += Files.size(log);
            findings.addAll(scan(log, needles));
        }
        report.figure("server logs scanned", logs.size() + " files, " + String.format(java.util.Locale.ROOT,
                        "%.1f MiB", bytes / 1024.0 / 1024.0) + " (" + logs.stream().map(p -> ItConfig.workDir()
                        .getParent().relativize(p).toString()).collect(Collectors.joining(", ")) + ")")
                .figure("distinct tokens the tests sent or received", TokenRegistry.tokenCount())
                .figure("distinct client secrets", TokenRegistry.secretCount())
                .figure("search strings (whole values and JWT payload/signature segments)", needles.size())
                .figure("tokens or secrets found in a log", findings.size());
        report.passed(findings.isEmpty() && TokenRegistry.tokenCount() > 0);
        assertTrue(findings.isEmpty(), () -> findings.size() + " token/secret occurrence(s) in server logs:\n"
                + findings.stream().limit(20).map(Finding::toString).collect(Collectors.joining("\n")));
    }

    @AfterAll
    void writeReliabilityReport() {
        for (Path p : ReliabilityReport.write()) {
            DistributionKeycloak.log("wrote %s", p);
        }
    }

    /** Every log of every server this run started. */
    static List<Path> serverLogs() throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path dir : List.of(ItConfig.workDir(), ItConfig.workDir().resolveSibling("it-cluster"))) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(dir, 2)) {
                files.filter(p -> p.getFileName().toString().endsWith(".log") && Files.isRegularFile(p)).sorted()
                        .forEach(out::add);
            }
        }
        return out;
    }

    /**
     * The needles as searchable strings: split at characters that no token or secret contains (so "Bearer xyz" is
     * looked for as "xyz"), keeping pieces long enough and varied enough (a run of one repeated character from a
     * hostile test input would match unrelated text).
     */
    static List<TokenRegistry.Needle> searchable(List<TokenRegistry.Needle> needles) {
        Map<String, TokenRegistry.Needle> out = new HashMap<>();
        for (TokenRegistry.Needle n : needles) {
            boolean secret = n.kind().contains("secret");
            for (String piece : n.value().split("[^" + java.util.regex.Pattern.quote(TOKEN_CHARS) + "]+")) {
                int min = secret ? MIN_SECRET : KEY;
                if (piece.length() >= min && piece.chars().distinct().count() >= (secret ? 5 : 8)) {
                    out.putIfAbsent(piece, new TokenRegistry.Needle(piece, n.kind()));
                }
            }
        }
        return new ArrayList<>(out.values());
    }

    /** All occurrences of the needles in one file (lines are read leniently: logs may hold any bytes). */
    static List<Finding> scan(Path file, List<TokenRegistry.Needle> needles) {
        int keyLength = needles.stream().mapToInt(n -> n.value().length()).min().orElse(KEY);
        keyLength = Math.min(keyLength, KEY);
        Map<String, List<TokenRegistry.Needle>> index = new HashMap<>();
        for (TokenRegistry.Needle n : needles) {
            index.computeIfAbsent(n.value().substring(0, keyLength), k -> new ArrayList<>()).add(n);
        }
        List<Finding> findings = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new java.io.InputStreamReader(Files.newInputStream(file),
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                        .onUnmappableCharacter(CodingErrorAction.REPLACE)))) {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                int n = line.length();
                for (int i = 0; i + keyLength <= n; i++) {
                    if (TOKEN_CHARS.indexOf(line.charAt(i)) < 0) {
                        continue;
                    }
                    List<TokenRegistry.Needle> candidates = index.get(line.substring(i, i + keyLength));
                    if (candidates == null) {
                        continue;
                    }
                    for (TokenRegistry.Needle c : candidates) {
                        if (line.startsWith(c.value(), i)) {
                            findings.add(new Finding(file, number, c));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
        return findings;
    }

    /** The scanner itself must find a token planted in a log-like file, whole and cut. */
    private static void assertScannerFindsAPlantedToken() throws IOException {
        java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
        String token = b64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(("{\"planted\":\"" + System.nanoTime() + "\",\"sub\":\"scanner-self-test\"}")
                .getBytes(StandardCharsets.UTF_8)) + ".c2lnbmF0dXJlLW9mLXRoZS1zZWxmLXRlc3Q";
        Path file = Files.createTempFile("log-leak-self-test", ".log");
        try {
            Files.writeString(file, "2026-01-01 00:00:00,000 DEBUG [x] (t) subject_token=" + token + "\n"
                    + "2026-01-01 00:00:00,001 DEBUG [x] (t) cut: " + token.substring(token.indexOf('.') + 1, token
                    .length() - 5) + "\n");
            List<TokenRegistry.Needle> needles = searchable(List.of(new TokenRegistry.Needle(token, "token"),
                    new TokenRegistry.Needle(token.split("\\.")[1], "token segment")));
            List<Finding> found = scan(file, needles);
            assertTrue(found.stream().anyMatch(f -> f.line() == 1) && found.stream().anyMatch(f -> f.line() == 2),
                    "the log scanner missed a planted token: " + found);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
