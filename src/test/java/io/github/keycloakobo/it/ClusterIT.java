package io.github.keycloakobo.it;

import static io.github.keycloakobo.it.AbstractOboIT.assertActive;
import static io.github.keycloakobo.it.AbstractOboIT.assertAud;
import static io.github.keycloakobo.it.AbstractOboIT.assertError;
import static io.github.keycloakobo.it.AbstractOboIT.assertExchanged;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two Keycloak nodes with the extension, clustered (embedded Infinispan, {@code --cache=ispn}, JGroups stack
 * {@code jdbc-ping}: discovery through the shared database) on one PostgreSQL, all on 127.0.0.1. Proves that the
 * extension keeps no node-local state that matters: a token from node 1 exchanges on node 2 with the same claims;
 * a logout on node 1 ends the chain on node 2 and the exchanged token introspects inactive on both; a policy change
 * made on node 2 is enforced by node 1 at the next request; exchanges at hop 1 and hop 2 write nothing to the
 * distributed {@code authenticationSessions} cache on either node; node 2 keeps serving after node 1 is SIGKILLed.
 *
 * <p>The nodes run from their own copies of the distribution under {@code target/it-cluster/} (built once with
 * {@code --db=postgres --health-enabled=true --metrics-enabled=true}); both advertise node 1's URL as their
 * hostname, as nodes behind one load balancer do, so their tokens carry one issuer. PostgreSQL comes from a Maven artifact ({@link PostgresServer}),
 * so the class always runs: it never skips.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    private static final Pattern TWO_MEMBER_VIEW = Pattern.compile("ISPN000094: Received new cluster view .*\\(2\\)");
    private static final int SCENARIOS = 6;

    private final Path workDir = ItConfig.workDir().resolveSibling("it-cluster");
    private final List<Path> pidFiles = List.of(workDir.resolve("postgres.pid"), workDir.resolve("node1.pid"),
            workDir.resolve("node2.pid"));
    private PostgresServer postgres;
    private DistributionKeycloak node1;
    private DistributionKeycloak node2;
    private Thread shutdownHook;
    private String realmName;
    private OAuth oauth1;
    private OAuth oauth2;
    private AdminApi admin1;
    private AdminApi admin2;
    private final ReliabilityReport.Section report = ReliabilityReport.section(ReliabilityReport.CLUSTER);
    private final Map<String, String> scenarioResults = new TreeMap<>();
    private int passed;

    @BeforeAll
    void startCluster() throws IOException {
        for (Path pidFile : pidFiles) {
            DistributionKeycloak.killStale(pidFile, workDir);
        }
        DistributionKeycloak.deleteRecursively(workDir);
        Files.createDirectories(workDir);
        shutdownHook = new Thread(this::stopAll, "it-cluster-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        long t0 = System.nanoTime();

        // from the Maven artifact (or -Dobo.it.pgBin); fails with what to do when neither is usable, never skips
        Path bin = PostgresServer.binDir(workDir.getParent());
        String pgVersion = PostgresServer.version(bin);
        postgres = PostgresServer.start(bin, workDir.resolve("pgdata"), workDir.resolve("postgres.log"),
                pidFiles.get(0));

        // one build, two copies
        Path home1 = workDir.resolve("node1/keycloak");
        Path home2 = workDir.resolve("node2/keycloak");
        Path jar = ItConfig.providerJar();
        DistributionKeycloak.copyTree(ItConfig.keycloakHome(), home1);
        Files.copy(jar, home1.resolve("providers").resolve(jar.getFileName()));
        List<String> buildOptions = new ArrayList<>(List.of("--db=postgres", "--health-enabled=true",
                "--metrics-enabled=true")); // metrics: the authenticationSessions cache's statistics (scenario 6)
        if (!ItConfig.features().isEmpty()) {
            buildOptions.add("--features=" + ItConfig.features());
        }
        DistributionKeycloak.build(home1, workDir.resolve("build.log"), buildOptions);
        DistributionKeycloak.copyTree(home1, home2);

        int[] http = DistributionKeycloak.freePorts(4);
        int[] jgroups = jgroupsPorts();
        String hostname = "http://127.0.0.1:" + http[0]; // the "load balancer" address both nodes advertise
        node1 = DistributionKeycloak.launch(workDir, home1, pidFiles.get(1), workDir.resolve("node1.log"), http[0],
                http[1], nodeOptions(hostname, jgroups[0]));
        node2 = DistributionKeycloak.launch(workDir, home2, pidFiles.get(2), workDir.resolve("node2.log"), http[2],
                http[3], nodeOptions(hostname, jgroups[1]));
        long formed = awaitTwoMemberView(Duration.ofSeconds(120));
        report.figure("nodes", "2 (Keycloak " + ItConfig.keycloakVersion() + ", --cache=ispn --cache-stack=jdbc-ping, "
                + "PostgreSQL " + pgVersion + ")")
                .figure("cluster up (PostgreSQL, build, both nodes ready, 2-member view)",
                        (System.nanoTime() - t0) / 1_000_000_000L + " s");
        DistributionKeycloak.log("cluster formed %d ms after node 2 was ready", formed);

        TestRealm realm = TestRealm.create(node1, "cluster");
        realmName = realm.name();
        oauth1 = new OAuth(node1.baseUrl(), realmName);
        oauth2 = new OAuth(node2.baseUrl(), realmName);
        admin1 = new AdminApi(node1.baseUrl());
        admin2 = new AdminApi(node2.baseUrl());
    }

    private List<String> nodeOptions(String hostname, int jgroupsPort) {
        return List.of("--cache=ispn", "--cache-stack=jdbc-ping", "--cache-embedded-network-bind-address=127.0.0.1",
                "--cache-embedded-network-bind-port=" + jgroupsPort, "--db-url=" + postgres.jdbcUrl(),
                "--db-username=" + PostgresServer.USER, "--db-password=" + PostgresServer.USER,
                "--hostname=" + hostname);
    }

    /** Two free ports for JGroups whose +100 neighbours (FD_SOCK2's default offset) are free as well. */
    private static int[] jgroupsPorts() {
        List<Integer> ports = new ArrayList<>();
        for (int attempt = 0; attempt < 50 && ports.size() < 2; attempt++) {
            int p = DistributionKeycloak.freePorts(1)[0];
            if (p + 100 < 65536 && isFree(p + 100) && !ports.contains(p) && !ports.contains(p + 100)
                    && !ports.contains(p - 100)) {
                ports.add(p);
            }
        }
        if (ports.size() < 2) {
            throw new IllegalStateException("No free JGroups port pairs found");
        }
        return new int[] {ports.get(0), ports.get(1)};
    }

    private static boolean isFree(int port) {
        try (java.net.ServerSocket s = new java.net.ServerSocket(port, 1,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private long awaitTwoMemberView(Duration timeout) {
        long t0 = System.nanoTime();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (TWO_MEMBER_VIEW.matcher(LogFiles.readFrom(node2.logFile(), 0)).find()) {
                return (System.nanoTime() - t0) / 1_000_000;
            }
            sleep(500);
        }
        throw new IllegalStateException("the two nodes did not form a cluster within " + timeout + "; node 2 log:\n"
                + DistributionKeycloak.tail(node2.logFile()));
    }

    @AfterAll
    void stopCluster() {
        report.figure("scenarios passed", passed + " of " + SCENARIOS);
        scenarioResults.forEach((k, v) -> report.figure("scenario: " + k, v));
        report.note("src/main keeps no node-local mutable state: the factories have no fields, the one static provider "
                + "instance is stateless, every obo.* rule is read from the client model at each request (Keycloak's "
                + "cluster-invalidated realm cache) and the realm ceilings come per request from the client-policy "
                + "executor; subject-token sessions are looked up in Keycloak's (clustered, persistent) user sessions.");
        report.passed(passed == SCENARIOS);
        stopAll();
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs anyway
            }
        }
    }

    private synchronized void stopAll() {
        for (DistributionKeycloak node : new DistributionKeycloak[] {node2, node1}) {
            if (node != null) {
                node.stop();
            }
        }
        if (postgres != null) {
            postgres.stop();
        }
    }

    // ---------------------------------------------------------------- scenarios

    @Test
    @Order(1)
    void tokenFromNode1ExchangesOnNode2WithTheSameClaims() {
        Tokens alice = oauth1.login(Clients.WEB_APP, "alice", "alice", "openid");
        Jwt subject = alice.access();
        Jwt onNode2 = assertExchanged(oauth2.exchange(Clients.ORDERS).subject(alice.accessToken())
                .audience("inventory-api").send());
        Jwt onNode1 = assertExchanged(oauth1.exchange(Clients.ORDERS).subject(alice.accessToken())
                .audience("inventory-api").send());
        HttpResult entra = oauth2.entraOnBehalfOf(Clients.ORDERS, alice.accessToken())
                .param("scope", "inventory-api/.default").send();
        assertEquals(200, entra.status(), entra::describe);
        Jwt entraOnNode2 = Jwt.parse(entra.field("access_token"));
        for (Jwt t : List.of(onNode2, onNode1, entraOnNode2)) {
            assertEquals(subject.sub(), t.sub(), "sub");
            assertEquals(subject.sid(), t.sid(), "sid");
            assertEquals("orders-api", t.azp(), "azp");
            assertAud(t, "inventory-api");
            assertEquals(List.of("orders-api"), t.oboPath(), "obo_path");
            assertEquals(subject.string("iss"), t.string("iss"), "iss");
        }
        scenario(1, "token from node 1 exchanges on node 2 with the same sub, aud, azp, sid, obo_path (both forms)");
    }

    @Test
    @Order(1)
    void refreshTokenFromNode1RefreshesOnNode2AndFollowsAnAdminChangeMadeOnNode1() {
        Tokens alice = oauth1.login(Clients.WEB_APP, "alice", "alice", "openid");
        HttpResult exchanged = oauth1.exchange(Clients.REPORTS).subject(alice.accessToken()).audience("inventory-api")
                .requestedTokenType(OAuth.REFRESH_TOKEN_TYPE).send();
        assertEquals(200, exchanged.status(), exchanged::describe);
        HttpResult refreshed = oauth2.refresh(Clients.REPORTS, exchanged.field("refresh_token"));
        assertEquals(200, refreshed.status(), refreshed::describe);
        Jwt t = Jwt.parse(refreshed.field("access_token"));
        assertAud(t, "inventory-api");
        assertEquals(List.of("reports-api"), t.oboPath(), "obo_path");
        assertEquals(alice.access().sid(), t.sid(), "sid");

        admin1.setClientEnabled(realmName, "inventory-api", false);
        try {
            long refusedMs = untilRefused(() -> oauth2.refresh(Clients.REPORTS, refreshed.field("refresh_token")),
                    "invalid_grant");
            report.figure("target disabled on node 1, refresh refused by node 2",
                    refusedMs == 0 ? "at the first request after the admin call" : "after " + refusedMs + " ms");
        } finally {
            admin1.setClientEnabled(realmName, "inventory-api", true);
        }
        assertEquals(200, oauth2.refresh(Clients.REPORTS, refreshed.field("refresh_token")).status());
        scenario(5, "refresh token from an exchange on node 1 refreshes on node 2 with the same aud, obo_path, sid; "
                + "the target disabled on node 1 is refused by node 2 at the next refresh");
    }

    @Test
    @Order(2)
    void logoutOnNode1EndsTheChainOnNode2() {
        Tokens bob = oauth1.login(Clients.WEB_APP, "bob", "bob", "openid");
        String exchanged = oauth2.exchange(Clients.ORDERS).subject(bob.accessToken()).audience("inventory-api").send()
                .field("access_token");
        assertActive(oauth1.introspect(Clients.INVENTORY, exchanged), true);
        assertActive(oauth2.introspect(Clients.INVENTORY, exchanged), true);

        admin1.logoutUser(realmName, "bob");

        assertError(oauth2.exchange(Clients.ORDERS).subject(bob.accessToken()).audience("inventory-api").send(), 400,
                "invalid_request");
        assertError(oauth2.entraOnBehalfOf(Clients.ORDERS, bob.accessToken()).param("scope",
                "inventory-api/.default").send(), 400, "invalid_grant");
        assertActive(oauth1.introspect(Clients.INVENTORY, exchanged), false);
        assertActive(oauth2.introspect(Clients.INVENTORY, exchanged), false);
        scenario(2, "logout on node 1 (admin API): next exchange on node 2 refused (400), exchanged token inactive on "
                + "both nodes");
    }

    @Test
    @Order(3)
    void policyChangedOnNode2IsEnforcedOnNode1AtTheNextRequest() {
        Tokens carol = oauth1.login(Clients.WEB_APP, "carol", "carol", "openid");
        assertExchanged(oauth1.exchange(Clients.ORDERS).subject(carol.accessToken()).audience("billing-api").send());

        admin2.setClientAttributes(realmName, "orders-api", Map.of("obo.audiences", "inventory-api shipping-api"));
        long audiencesMs = untilRefused(() -> oauth1.exchange(Clients.ORDERS).subject(carol.accessToken())
                .audience("billing-api").send(), "invalid_target");
        assertExchanged(oauth1.exchange(Clients.ORDERS).subject(carol.accessToken()).audience("inventory-api").send());

        admin2.setClientAttributes(realmName, "orders-api", Map.of("obo.enabled", "false"));
        long disabledMs = untilRefused(() -> oauth1.exchange(Clients.ORDERS).subject(carol.accessToken())
                .audience("inventory-api").send(), null);
        admin2.setClientAttributes(realmName, "orders-api", Map.of("obo.enabled", "true"));
        assertExchanged(oauth1.exchange(Clients.ORDERS).subject(carol.accessToken()).audience("inventory-api").send());
        report.figure("policy change on node 2 enforced by node 1", (audiencesMs == 0 && disabledMs == 0
                ? "at the first request after the admin call" : "after " + audiencesMs + " ms / " + disabledMs
                + " ms (first request stale)") + " (obo.audiences narrowed; obo.enabled switched off)");
        scenario(3, "obo.audiences and obo.enabled changed on node 2 are enforced by node 1 at the next request");
    }

    /**
     * Exchanges write nothing to the distributed {@code authenticationSessions} cache, at any hop: over a few hundred
     * chains (alice's token exchanged by orders-api for shipping-api on one node, that token exchanged by shipping-api,
     * {@code obo.max-hops=2}, for inventory-api on the other) the cache's Infinispan statistics, read from each node's
     * metrics endpoint, show no store, no removal and no new entry on either node. The control, one authorization
     * request of a browser login (which creates an authentication session), moves the same meters on both nodes
     * (the cache keeps two owners), so the zero is measured, not assumed. What the meters see is every authentication
     * session that reaches the cache: an exchange that left one behind fails here (tried: one root authentication
     * session created per exchange gave node 1 {@code stores} +200 and both nodes {@code approximate_entries} +400).
     * One created and removed within the same request never reaches it: Keycloak 26.7.3's changelog transaction drops
     * such a pair at commit, so Keycloak's own lookup of a subject token on a transient client session (which attaches
     * a throw-away authentication session) also reads zero here.
     */
    @Test
    @Order(4)
    void exchangesAtEveryHopWriteNothingToTheAuthenticationSessionsCache() {
        int chains = 200;
        Tokens alice = oauth1.login(Clients.WEB_APP, "alice", "alice", "openid");
        CacheStats before1 = CacheStats.read("node 1", node1, AUTH_SESSIONS);
        CacheStats before2 = CacheStats.read("node 2", node2, AUTH_SESSIONS);
        for (int i = 0; i < chains; i++) {
            OAuth first = i % 2 == 0 ? oauth1 : oauth2;
            OAuth second = i % 2 == 0 ? oauth2 : oauth1;
            HttpResult hop1 = first.exchange(Clients.ORDERS).subject(alice.accessToken()).audience("shipping-api")
                    .send();
            assertEquals(200, hop1.status(), hop1::describe);
            HttpResult hop2 = second.exchange(Clients.SHIPPING).subject(hop1.field("access_token"))
                    .audience("inventory-api").send();
            assertEquals(200, hop2.status(), hop2::describe);
            if (i == 0) {
                Jwt t = Jwt.parse(hop2.field("access_token"));
                assertEquals(List.of("orders-api", "shipping-api"), t.oboPath(), "a hop-2 token");
                assertAud(t, "inventory-api");
            }
        }
        CacheStats after1 = CacheStats.read("node 1", node1, AUTH_SESSIONS);
        CacheStats after2 = CacheStats.read("node 2", node2, AUTH_SESSIONS);
        String exchanges = chains + " hop-1 and " + chains + " hop-2 exchanges, half on each node";
        for (CacheStats[] node : new CacheStats[][] {{before1, after1}, {before2, after2}}) {
            assertEquals(node[0].writes(), node[1].writes(), () -> node[0].node() + ": " + exchanges
                    + " wrote to the authenticationSessions cache: before " + node[0] + ", after " + node[1]);
            assertEquals(node[0].entries(), node[1].entries(), () -> node[0].node() + ": " + exchanges
                    + " left entries in the authenticationSessions cache: before " + node[0] + ", after " + node[1]);
        }

        // control: a browser login's authorization request creates an authentication session, and the meters see it
        HttpResult authorize = Http.getAccepting(node1.baseUrl() + "/realms/" + realmName + "/protocol/openid-connect/auth?"
                + "client_id=" + Clients.WEB_APP + "&response_type=code&scope=openid&state=control"
                + "&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcallback"
                + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256", "text/html");
        assertEquals(200, authorize.status(), authorize::describe);
        CacheStats control1 = CacheStats.read("node 1", node1, AUTH_SESSIONS);
        CacheStats control2 = CacheStats.read("node 2", node2, AUTH_SESSIONS);
        assertTrue(control1.stores() > after1.stores(), () -> "control: the authorization request stored no "
                + "authentication session on node 1: before " + after1 + ", after " + control1);
        assertTrue(control1.entries() > after1.entries() && control2.entries() > after2.entries(), () -> "control: "
                + "the new authentication session is not among the entries of both nodes: node 1 " + after1 + " -> "
                + control1 + ", node 2 " + after2 + " -> " + control2);
        DistributionKeycloak.log("authenticationSessions during %s: node 1 %s -> %s, node 2 %s -> %s; control: node 1 "
                + "%s, node 2 %s", exchanges, before1, after1, before2, after2, control1, control2);
        report.figure("authenticationSessions cache during " + exchanges, "node 1: " + before1.describeChange(after1)
                + "; node 2: " + before2.describeChange(after2) + " (control, one authorization request on node 1: "
                + "node 1 " + after1.describeChange(control1) + ", node 2 " + after2.describeChange(control2) + ")");
        scenario(6, "no write to the distributed authenticationSessions cache on either node over " + exchanges
                + " (Infinispan statistics; a browser login's authorization request moves them)");
    }

    @Test
    @Order(5)
    void node2KeepsServingAfterNode1IsKilled() throws Exception {
        Tokens alice = oauth1.login(Clients.WEB_APP, "alice", "alice", "openid");
        assertExchanged(oauth2.exchange(Clients.ORDERS).subject(alice.accessToken()).audience("inventory-api").send());

        long pid = node1.serverPid().orElseThrow(() -> new IllegalStateException("node 1 has no JVM"));
        ProcessHandle jvm = ProcessHandle.of(pid).orElseThrow();
        DistributionKeycloak.log("SIGKILL to node 1's JVM (pid %d)", pid);
        long t0 = System.nanoTime();
        jvm.destroyForcibly();
        jvm.onExit().get(30, TimeUnit.SECONDS);

        // the first exchange on node 2 after the kill, then a run of them (bounded in count and time)
        List<String> beforeFirstSuccess = new ArrayList<>();
        long firstSuccessMs = -1;
        Instant deadline = Instant.now().plusSeconds(90);
        while (Instant.now().isBefore(deadline)) {
            HttpResult r = oauth2.exchange(Clients.ORDERS).subject(alice.accessToken()).audience("inventory-api").send();
            if (r.status() == 200) {
                firstSuccessMs = (System.nanoTime() - t0) / 1_000_000;
                break;
            }
            beforeFirstSuccess.add(r.describe());
            sleep(1000);
        }
        assertTrue(firstSuccessMs >= 0, () -> "node 2 served no exchange within 90 s of node 1's SIGKILL: "
                + beforeFirstSuccess);
        int served = 0;
        for (int i = 0; i < 10; i++) {
            assertExchanged(oauth2.exchange(Clients.ORDERS).subject(alice.accessToken()).audience("inventory-api")
                    .send());
            Tokens fresh = oauth2.login(Clients.WEB_APP, "carol", "carol", "openid");
            HttpResult entra = oauth2.entraOnBehalfOf(Clients.ORDERS, fresh.accessToken())
                    .param("scope", "inventory-api/.default").send();
            assertEquals(200, entra.status(), entra::describe);
            served += 2;
        }
        // logout still ends the chain with node 1 gone
        admin2.logoutUser(realmName, "alice");
        assertError(oauth2.exchange(Clients.ORDERS).subject(alice.accessToken()).audience("inventory-api").send(), 400,
                "invalid_request");
        report.figure("first exchange served by node 2 after node 1's SIGKILL", firstSuccessMs + " ms ("
                + beforeFirstSuccess.size() + " refused attempts before it)")
                .figure("exchanges served by node 2 after the kill", served + 1);
        scenario(4, "node 1 killed with SIGKILL: node 2 keeps serving exchanges (node 1's session, new logins, both "
                + "forms) and logout");
    }

    /**
     * Repeats a request until it is refused (400, and {@code error} when not null) and answers how long that took:
     * 0 when the first request already was. Keycloak hands cache invalidations to the other nodes through its
     * replicated work cache, whose listeners may run an instant after the admin call returned; allow 5 s.
     */
    private static long untilRefused(java.util.function.Supplier<HttpResult> request, String error) {
        long t0 = System.nanoTime();
        Instant deadline = Instant.now().plusSeconds(5);
        for (int attempt = 0; ; attempt++) {
            HttpResult r = request.get();
            if (r.status() == 400 && !r.has("access_token") && (error == null || error.equals(r.field("error")))) {
                return attempt == 0 ? 0 : Math.max(1, (System.nanoTime() - t0) / 1_000_000);
            }
            if (Instant.now().isAfter(deadline)) {
                fail("node 1 still answers " + r.describe() + " 5 s after the change made on node 2");
            }
            sleep(100);
        }
    }

    private static final String AUTH_SESSIONS = "authenticationSessions";

    /**
     * One node's Infinispan statistics of one cache, from its {@code /metrics} (management port, Keycloak built with
     * {@code --metrics-enabled=true}): {@code vendor_statistics_stores}, {@code _remove_hits},
     * {@code _remove_misses} and {@code _approximate_entries} (entries held on the node, backups included).
     */
    record CacheStats(String node, double stores, double removeHits, double removeMisses, double entries) {

        static CacheStats read(String label, DistributionKeycloak keycloak, String cache) {
            String url = keycloak.managementUrl().orElseThrow() + "/metrics";
            HttpResult r = Http.getAccepting(url, "text/plain");
            assertEquals(200, r.status(), () -> url + ": " + r.describe());
            String body = r.body();
            return new CacheStats(label + " (" + url + ")", metric(body, "stores", cache, url),
                    metric(body, "remove_hits", cache, url), metric(body, "remove_misses", cache, url),
                    metric(body, "approximate_entries", cache, url));
        }

        private static double metric(String body, String name, String cache, String url) {
            java.util.regex.Matcher m = Pattern.compile("(?m)^vendor_statistics_" + name + "\\{[^}]*cache=\""
                    + Pattern.quote(cache) + "\"[^}]*\\} (\\S+)$").matcher(body);
            if (!m.find()) {
                fail("no vendor_statistics_" + name + " for cache " + cache + " at " + url
                        + " (is the server built with --metrics-enabled=true?)");
            }
            return Double.parseDouble(m.group(1));
        }

        double writes() {
            return stores + removeHits + removeMisses;
        }

        String describeChange(CacheStats after) {
            return String.format(java.util.Locale.ROOT, "stores +%.0f, removals +%.0f, entries %+.0f",
                    after.stores - stores, after.writes() - writes() - (after.stores - stores),
                    after.entries - entries);
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "{stores=%.0f, remove_hits=%.0f, remove_misses=%.0f, "
                    + "approximate_entries=%.0f}", stores, removeHits, removeMisses, entries);
        }
    }

    private void scenario(int number, String description) {
        passed++;
        scenarioResults.put(number + ". " + description, "passed");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
