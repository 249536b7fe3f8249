package io.github.keycloakobo.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Reads a JFR recording of the Keycloak JVM and prints where the token endpoint spends its CPU: the share of
 * execution samples in well-known parts of an exchange (inclusive), the hottest Keycloak/extension methods
 * (inclusive), the hottest leaf methods (self), and the main allocation sites. Usage:
 * {@code java -cp bench/target/classes io.github.keycloakobo.bench.JfrTop bench/results/tmp/profile.jfr
 * bench/results/tmp/profile-windows.txt obo}.
 */
public final class JfrTop {

    /** Parts of an exchange, matched as substrings of "class.method" anywhere in a sampled stack. */
    static final Map<String, List<String>> PARTS = new LinkedHashMap<>();

    static {
        PARTS.put("token endpoint (whole request)", List.of("org.keycloak.protocol.oidc.endpoints.TokenEndpoint."));
        PARTS.put("client authentication", List.of("AuthorizeClientUtil.authorizeClient"));
        PARTS.put("OBO: subject token verification", List.of("keycloakobo.grant.SubjectTokenVerifier.verify"));
        PARTS.put("built-in: subject token verification", List.of("AuthenticationManager.verifyIdentityToken"));
        PARTS.put("OBO: policy (pure)", List.of("keycloakobo.policy."));
        PARTS.put("OBO: source scopes / targets lookup", List.of("OboExchangeCore.sourceScopes",
                "OboExchangeCore.findTarget"));
        PARTS.put("authentication session create/remove", List.of("AuthenticationSessionManager.",
                "RootAuthenticationSessionAdapter.", "createAuthenticationSession"));
        PARTS.put("transient user session copy", List.of("UserSessionUtil.createTransientUserSession"));
        PARTS.put("requested client scopes", List.of("TokenManager.getRequestedClientScopes"));
        PARTS.put("client session context", List.of("DefaultClientSessionContext."));
        PARTS.put("consent check", List.of("TokenManager.verifyConsentStillAvailable"));
        PARTS.put("scope validation", List.of("TokenManager.isValidScope"));
        PARTS.put("access token generation + protocol mappers", List.of("AccessTokenResponseBuilder.generateAccessToken"));
        PARTS.put("protocol mappers", List.of("ProtocolMapperUtils.", "TokenManager.transformAccessToken"));
        PARTS.put("response build (sign + encode)", List.of("AccessTokenResponseBuilder.build"));
        PARTS.put("RSA sign", List.of("sun.security.rsa.RSASignature.engineSign"));
        PARTS.put("RSA verify", List.of("sun.security.rsa.RSASignature.engineVerify"));
        PARTS.put("JSON (Jackson)", List.of("com.fasterxml.jackson."));
        PARTS.put("Infinispan", List.of("org.infinispan."));
        PARTS.put("event builder", List.of("org.keycloak.events.EventBuilder."));
        PARTS.put("client policies", List.of("ClientPolicyManager.triggerOnEvent",
                "DefaultClientPolicyManager.triggerOnEvent"));
        PARTS.put("token context encoder (jti)", List.of("TokenContextEncoder"));
    }

    /**
     * Exclusive buckets for the floor analysis: each sample goes to the first bucket (in this order) one of whose
     * markers appears anywhere in its stack, so nested work is counted once, in the most specific bucket.
     */
    static final Map<String, List<String>> BUCKETS = new LinkedHashMap<>();

    static {
        BUCKETS.put("token signature (RSA sign)", List.of("java.security.Signature.sign"));
        BUCKETS.put("token encoding, post-processors, response", List.of(
                "TokenManager$AccessTokenResponseBuilder.build"));
        BUCKETS.put("token claims: initToken + protocol mappers", List.of("TokenManager.createClientAccessToken"));
        BUCKETS.put("subject token verification (parse, signature, session, user)", List.of(
                "keycloakobo.grant.SubjectTokenVerifier.verify", "AuthenticationManager.verifyIdentityToken"));
        BUCKETS.put("built-in only: authentication session + client-session lookup", List.of(
                "TokenManager.attachAuthenticationSession", "AuthenticationSessionManager.",
                "AbstractTokenExchangeProvider.createSessionModel", "UserSessionAdapter.getAuthenticatedClientSessionByClient"));
        BUCKETS.put("session plumbing (transient user/client session, client session context)", List.of(
                "OboTokenIssuer.sessionFor", "OboTokenIssuer.transientCopy", "PersistentUserSessionProvider.createClientSession",
                "DefaultClientSessionContext.", "TokenManager.getRequestedClientScopes"));
        BUCKETS.put("exchange logic (policy, client scopes, targets, events)", List.of(
                "keycloakobo.grant.OboExchangeCore.", "keycloakobo.policy.",
                "StandardTokenExchangeProvider.", "AbstractTokenExchangeProvider."));
        BUCKETS.put("grant dispatch + client policies", List.of("TokenExchangeGrantType.process"));
        BUCKETS.put("token endpoint: client auth, form sanitizing, checks", List.of(
                "org.keycloak.protocol.oidc.endpoints.TokenEndpoint."));
        BUCKETS.put("Keycloak session close (transaction commit)", List.of("DefaultKeycloakSession.close"));
        BUCKETS.put("HTTP: form parsing, JSON response writing, Vert.x/RESTEasy", List.of("io.netty.", "io.vertx.",
                "org.jboss.resteasy.", "io.quarkus."));
    }

    /** Methods whose direct callees are listed (a one-level call tree), when they appear in the samples. */
    static final List<String> FOCUS = List.of(
            "org.keycloak.protocol.oidc.endpoints.TokenEndpoint.processGrantRequest",
            "io.github.keycloakobo.grant.OboExchangeCore.allowOrThrow",
            "io.github.keycloakobo.grant.SubjectTokenVerifier.verify",
            "io.github.keycloakobo.grant.OboTokenIssuer.issue",
            "org.keycloak.protocol.oidc.tokenexchange.StandardTokenExchangeProvider.tokenExchange",
            "org.keycloak.protocol.oidc.tokenexchange.StandardTokenExchangeProvider.exchangeClientToOIDCClient",
            "org.keycloak.services.managers.AuthenticationManager.verifyIdentityToken",
            "org.keycloak.protocol.oidc.TokenManager.attachAuthenticationSession",
            "org.keycloak.protocol.oidc.TokenManager$AccessTokenResponseBuilder.generateAccessToken",
            "org.keycloak.protocol.oidc.TokenManager$AccessTokenResponseBuilder.build",
            "org.keycloak.quarkus.runtime.transaction.TransactionalSessionHandler.close");

    private JfrTop() {
    }

    /** {@code JfrTop <file.jfr> [<windows file> <label>]}: everything, or one exchange's windows of a bench profile. */
    public static void main(String[] args) throws IOException {
        List<Instant[]> windows = null;
        if (args.length >= 3) {
            windows = new java.util.ArrayList<>();
            for (String line : java.nio.file.Files.readAllLines(Path.of(args[1]))) {
                String[] w = line.split(" ");
                if (w[0].equals(args[2])) {
                    windows.add(new Instant[] {Instant.parse(w[1]), Instant.parse(w[2])});
                }
            }
        }
        System.out.print(summarize(Path.of(args[0]), windows, 40));
    }

    static boolean inWindows(RecordedEvent e, List<Instant[]> windows) {
        if (windows == null) {
            return true;
        }
        Instant t = e.getStartTime();
        for (Instant[] w : windows) {
            if (!t.isBefore(w[0]) && !t.isAfter(w[1])) {
                return true;
            }
        }
        return false;
    }

    static String frameName(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    static boolean interesting(String name) {
        return name.startsWith("org.keycloak.") || name.startsWith("io.github.keycloakobo.");
    }

    /** Summarises the events inside {@code windows} (all events when null). */
    static String summarize(Path file, List<Instant[]> windows, int top) throws IOException {
        int samples = 0;
        int inEndpoint = 0;
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        Map<String, Integer> parts = new LinkedHashMap<>();
        PARTS.keySet().forEach(k -> parts.put(k, 0));
        Map<String, Integer> buckets = new LinkedHashMap<>();
        BUCKETS.keySet().forEach(k -> buckets.put(k, 0));
        buckets.put("other (background threads, JVM)", 0);
        Map<String, Map<String, Integer>> callees = new LinkedHashMap<>();
        FOCUS.forEach(f -> callees.put(f, new HashMap<>()));
        Map<String, Long> alloc = new HashMap<>();
        long allocTotal = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            String type = e.getEventType().getName();
            RecordedStackTrace st = e.getStackTrace();
            if (st == null || !inWindows(e, windows)) {
                continue;
            }
            List<RecordedFrame> frames = st.getFrames();
            if (type.equals("jdk.ExecutionSample")) {
                samples++;
                if (frames.isEmpty()) {
                    continue;
                }
                self.merge(frameName(frames.get(0)), 1, Integer::sum);
                Set<String> seen = new HashSet<>();
                for (RecordedFrame f : frames) {
                    seen.add(frameName(f));
                }
                for (String n : seen) {
                    inclusive.merge(n, 1, Integer::sum);
                }
                if (seen.stream().anyMatch(n -> n.startsWith("org.keycloak.protocol.oidc.endpoints.TokenEndpoint."))) {
                    inEndpoint++;
                }
                for (int i = frames.size() - 1; i >= 1; i--) {
                    Map<String, Integer> c = callees.get(frameName(frames.get(i)));
                    if (c != null) {
                        c.merge(frameName(frames.get(i - 1)), 1, Integer::sum);
                    }
                }
                String bucket = "other (background threads, JVM)";
                for (var bk : BUCKETS.entrySet()) {
                    if (seen.stream().anyMatch(n -> bk.getValue().stream().anyMatch(n::contains))) {
                        bucket = bk.getKey();
                        break;
                    }
                }
                buckets.merge(bucket, 1, Integer::sum);
                for (var p : PARTS.entrySet()) {
                    if (seen.stream().anyMatch(n -> p.getValue().stream().anyMatch(n::contains))) {
                        parts.merge(p.getKey(), 1, Integer::sum);
                    }
                }
            } else if (type.equals("jdk.ObjectAllocationSample")) {
                long w = e.getLong("weight");
                allocTotal += w;
                String site = "(no Keycloak frame)";
                for (RecordedFrame f : frames) {
                    String n = frameName(f);
                    if (interesting(n)) {
                        site = n;
                        break;
                    }
                }
                alloc.merge(site, w, Long::sum);
            }
        }
        final int total = samples;
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%d execution samples, %d (%.0f%%) inside TokenEndpoint%n%n", samples,
                inEndpoint, pct(inEndpoint, samples)));
        b.append("## Where the CPU goes (exclusive buckets, % of all samples)\n");
        for (var bk : buckets.entrySet()) {
            b.append(String.format(Locale.ROOT, "%6.1f%%  %s%n", pct(bk.getValue(), total), bk.getKey()));
        }
        b.append("\n## Parts of the exchange (inclusive, % of all samples)\n");
        for (var p : parts.entrySet()) {
            if (p.getValue() > 0) {
                b.append(String.format(Locale.ROOT, "%6.1f%%  %s%n", pct(p.getValue(), samples), p.getKey()));
            }
        }
        b.append("\n## Hottest Keycloak/extension methods (inclusive)\n");
        inclusive.entrySet().stream().filter(en -> interesting(en.getKey()))
                .sorted((x, y) -> y.getValue() - x.getValue()).limit(top)
                .forEach(en -> b.append(String.format(Locale.ROOT, "%6.1f%%  %s%n", pct(en.getValue(), total),
                        en.getKey())));
        for (var f : callees.entrySet()) {
            int sum = f.getValue().values().stream().mapToInt(Integer::intValue).sum();
            if (sum == 0) {
                continue;
            }
            b.append(String.format(Locale.ROOT, "%n## Callees of %s (%.1f%% inclusive)%n", f.getKey(),
                    pct(inclusive.getOrDefault(f.getKey(), 0), total)));
            f.getValue().entrySet().stream().sorted((x, y) -> y.getValue() - x.getValue()).limit(15)
                    .forEach(en -> b.append(String.format(Locale.ROOT, "%6.1f%%  %s%n", pct(en.getValue(), total),
                            en.getKey())));
        }
        b.append("\n## Hottest leaf methods (self)\n");
        self.entrySet().stream().sorted((x, y) -> y.getValue() - x.getValue()).limit(Math.max(10, top / 2))
                .forEach(en -> b.append(String.format(Locale.ROOT, "%6.1f%%  %s%n", pct(en.getValue(), total),
                        en.getKey())));
        if (allocTotal > 0) {
            b.append("\n## Allocation by first Keycloak/extension frame (sampled weight)\n");
            final long allocSum = allocTotal;
            alloc.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue(), x.getValue())).limit(25)
                    .forEach(en -> b.append(String.format(Locale.ROOT, "%6.1f%%  %s%n",
                            100.0 * en.getValue() / allocSum, en.getKey())));
        }
        return b.toString();
    }

    private static double pct(long n, long total) {
        return total == 0 ? 0 : 100.0 * n / total;
    }
}
