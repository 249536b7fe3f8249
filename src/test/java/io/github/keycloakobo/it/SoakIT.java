package io.github.keycloakobo.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A bounded soak at a fixed request rate on 127.0.0.1: a fixed mix of good exchanges (both request forms, several
 * sources and targets) and bad ones (unknown target, forged token, wrong secret, broken assertion). Every good one
 * must succeed and every bad one must be refused with its error; the server's heap after a forced full GC must end
 * where it started (within a tolerance); and the server log must show no ERROR while the soak runs.
 *
 * <p>{@code -Dobo.soak.seconds} (default 120) and {@code -Dobo.soak.rate} (requests per second, default 20) size it;
 * the documented 5-minute run is {@code mvn -B verify -Dit.test=SoakIT -Dobo.soak.seconds=300}. The heap is read
 * with the JDK's {@code jcmd} ({@code GC.run}, then {@code GC.heap_info}) on the server JVM, so it needs the
 * distribution runtime (with Testcontainers the heap check is skipped). The soak realm stores no events: the test
 * server's database is in memory (dev-mem, inside the same heap), where stored events would grow the heap by design.
 */
class SoakIT extends AbstractOboIT {

    private static final int SECONDS = Integer.getInteger("obo.soak.seconds", 120);
    private static final int RATE = Integer.getInteger("obo.soak.rate", 20);
    private static final int WARM_UP_SECONDS = Math.min(20, Math.max(5, SECONDS / 6));
    /** Allowed heap growth after GC: this fraction of the baseline plus a fixed slack. */
    private static final double HEAP_GROWTH_FRACTION = 0.10;
    private static final long HEAP_SLACK_BYTES = 24L * 1024 * 1024;
    /** Requests queued or in flight at most (10 s of the default rate): a server stall beyond that skips requests. */
    private static final int MAX_IN_FLIGHT = 200;
    private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total\\s+(\\d+)K,\\s+used\\s+(\\d+)K");

    /** One kind of request of the mix; a bad one must get {@code expectedError} and a description naming the rule. */
    private record Kind(String name, boolean good, String expectedError, String expectedDescription,
                        Supplier<HttpResult> request) {
    }

    private record Totals(int fired, int goodOk, int goodFailed, int badOk, int badWrong, int transportErrors,
                          int skipped, List<Long> latenciesMs, Map<String, Integer> failures, long wallMs) {
    }

    @Test
    void sustainedMixedLoadKeepsServingWithFlatHeapAndNoErrors() throws Exception {
        ReliabilityReport.Section report = ReliabilityReport.section(ReliabilityReport.SOAK);
        // subject tokens must outlive the soak; no stored events (see class comment)
        ObjectNode rep = admin.getRealm(realmName());
        rep.put("accessTokenLifespan", SECONDS + WARM_UP_SECONDS + 600);
        rep.put("eventsEnabled", false);
        admin.updateRealm(realmName(), rep);

        List<Kind> mix = mix();
        OptionalLong pid = realm.keycloak().serverPid();
        Path log = realm.keycloak().logFile();

        DistributionKeycloak.log("SoakIT: warm-up %d s, soak %d s at %d requests/s", WARM_UP_SECONDS, SECONDS, RATE);
        Totals warmUp = run(mix, WARM_UP_SECONDS);
        long heapBefore = pid.isPresent() ? heapUsedAfterGc(pid.getAsLong()) : -1;
        long logOffset = LogFiles.size(log);

        Totals soak = run(mix, SECONDS);

        long heapAfter = pid.isPresent() ? heapUsedAfterGc(pid.getAsLong()) : -1;
        List<String> errorLines = LogFiles.lines(LogFiles.readFrom(log, logOffset), l -> l.contains(" ERROR ["));
        // and the server still serves both forms afterwards
        Tokens alice = login("alice", "openid");
        assertExchanged(oauth.exchange(Clients.ORDERS).subject(alice.accessToken()).audience("inventory-api").send());

        List<Long> sorted = new ArrayList<>(soak.latenciesMs());
        Collections.sort(sorted);
        double achieved = soak.fired() * 1000.0 / Math.max(1, soak.wallMs());
        long allowed = heapBefore < 0 ? -1 : (long) (heapBefore * HEAP_GROWTH_FRACTION) + HEAP_SLACK_BYTES;
        report.figure("duration", SECONDS + " s (after a " + WARM_UP_SECONDS + " s warm-up of " + warmUp.fired()
                        + " requests)")
                .figure("target rate", RATE + " requests/s")
                .figure("achieved rate", String.format(java.util.Locale.ROOT, "%.1f requests/s", achieved))
                .figure("requests fired", soak.fired())
                .figure("good exchanges (RFC 8693 and Entra forms, 4 sources/targets) succeeded",
                        soak.goodOk() + " of " + (soak.goodOk() + soak.goodFailed()))
                .figure("bad requests refused with the expected error", soak.badOk() + " of " + (soak.badOk()
                        + soak.badWrong()))
                .figure("transport errors / requests skipped for client back-log", soak.transportErrors() + " / "
                        + soak.skipped())
                .figure("latency p50 / p95 / p99 / max", percentile(sorted, 50) + " / " + percentile(sorted, 95)
                        + " / " + percentile(sorted, 99) + " / " + percentile(sorted, 100) + " ms")
                .figure("server heap used after full GC, before / after", heapBefore < 0 ? "not measured (no local "
                        + "server JVM)" : mib(heapBefore) + " / " + mib(heapAfter) + " (allowed growth "
                        + mib(allowed) + ")")
                .figure("ERROR lines in the server log during the soak", errorLines.size());
        if (!soak.failures().isEmpty()) {
            report.figure("unexpected answers", soak.failures());
        }

        List<String> problems = new ArrayList<>();
        if (soak.goodFailed() > 0 || soak.badWrong() > 0 || soak.transportErrors() > 0) {
            problems.add("unexpected answers: " + soak.failures());
        }
        if (soak.skipped() > soak.fired() / 100) {
            problems.add(soak.skipped() + " requests skipped because " + MAX_IN_FLIGHT + " were in flight");
        }
        if (heapBefore >= 0 && heapAfter - heapBefore > allowed) {
            problems.add("heap grew from " + mib(heapBefore) + " to " + mib(heapAfter) + " (allowed " + mib(allowed)
                    + ")");
        }
        errorLines.stream().limit(5).forEach(l -> problems.add("server log: " + HttpResult.redact(l)));
        report.passed(problems.isEmpty());
        DistributionKeycloak.log("SoakIT: %d requests, %d good ok, %d bad ok, heap %s -> %s", soak.fired(),
                soak.goodOk(), soak.badOk(), mib(heapBefore), mib(heapAfter));
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /** The request mix, cycled in order: 6 good, 4 bad. */
    private List<Kind> mix() {
        String alice = login("alice", "openid inventory:read").accessToken();
        String bob = login("bob", "openid").accessToken();
        String carol = login("carol", "openid inventory:read").accessToken();
        RSAKey attacker = Forge.newRsaKey("soak-attacker");
        ObjectNode claims = Jwt.parse(bob).claimsCopy();
        String forged = Forge.rsa(Forge.header("RS256", Jwt.parse(bob).header().path("kid").asText()), claims,
                attacker, JWSAlgorithm.RS256);
        String truncated = carol.substring(0, carol.length() - 7);
        return List.of(
                new Kind("rfc8693 orders-api -> inventory-api", true, null, null, () -> oauth.exchange(Clients.ORDERS)
                        .subject(alice).audience("inventory-api").send()),
                new Kind("entra orders-api -> inventory-api/.default", true, null, null, () -> oauth.entraOnBehalfOf(
                        Clients.ORDERS, bob).param("scope", "inventory-api/.default").send()),
                new Kind("rfc8693 orders-api -> billing-api (resource)", true, null, null, () -> oauth.exchange(
                        Clients.ORDERS).subject(carol).resource(Clients.BILLING_RESOURCE).send()),
                new Kind("bad: target not allowed", false, "invalid_target",
                        "Audience 'plain-api' is not an allowed target", () -> oauth.exchange(Clients.ORDERS)
                        .subject(alice).audience("plain-api").send()),
                new Kind("rfc8693 orders-lite (one target, scope inventory:read)", true, null, null, () -> oauth.exchange(
                        Clients.ORDERS_LITE).subject(carol).scope("inventory:read").send()),
                new Kind("bad: forged subject token", false, "invalid_request",
                        "The subject token's signature is invalid", () -> oauth.exchange(Clients.ORDERS)
                        .subject(forged).audience("inventory-api").send()),
                new Kind("entra orders-api -> api://shipping-api/.default", true, null, null, () -> oauth.entraOnBehalfOf(
                        Clients.ORDERS, alice).param("scope", "api://shipping-api/.default").send()),
                new Kind("bad: wrong client secret", false, "unauthorized_client",
                        "Invalid client or Invalid client credentials", () -> oauth.exchange(
                        Clients.ORDERS.withSecret("not-the-secret")).subject(bob).audience("inventory-api").send()),
                new Kind("rfc8693 orders-api -> inventory-api (bob)", true, null, null, () -> oauth.exchange(Clients.ORDERS)
                        .subject(bob).audience("inventory-api").send()),
                new Kind("bad: truncated assertion", false, "invalid_grant",
                        "The subject token's signature is invalid", () -> oauth.entraOnBehalfOf(
                        Clients.ORDERS, truncated).param("scope", "inventory-api/.default").send()));
    }

    /** Fires {@code RATE * seconds} requests at a fixed rate, at most {@link #MAX_IN_FLIGHT} at a time. */
    private Totals run(List<Kind> mix, int seconds) throws InterruptedException {
        int total = RATE * seconds;
        AtomicInteger next = new AtomicInteger();
        AtomicInteger fired = new AtomicInteger();
        AtomicInteger goodOk = new AtomicInteger();
        AtomicInteger goodFailed = new AtomicInteger();
        AtomicInteger badOk = new AtomicInteger();
        AtomicInteger badWrong = new AtomicInteger();
        AtomicInteger transport = new AtomicInteger();
        AtomicInteger skipped = new AtomicInteger();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>(total));
        Map<String, Integer> failures = new ConcurrentHashMap<>();
        Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
        ExecutorService workers = Executors.newFixedThreadPool(16);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        long t0 = System.nanoTime();
        ticker.scheduleAtFixedRate(() -> {
            int i = next.getAndIncrement();
            if (i >= total) {
                return;
            }
            if (!inFlight.tryAcquire()) {
                skipped.incrementAndGet();
                return;
            }
            Kind kind = mix.get(i % mix.size());
            workers.execute(() -> {
                long start = System.nanoTime();
                try {
                    HttpResult r = kind.request().get();
                    latencies.add((System.nanoTime() - start) / 1_000_000);
                    fired.incrementAndGet();
                    boolean token = r.has("access_token");
                    if (kind.good()) {
                        if (r.status() == 200 && token) {
                            goodOk.incrementAndGet();
                        } else {
                            goodFailed.incrementAndGet();
                            failures.merge(kind.name() + ": " + r.describe(), 1, Integer::sum);
                        }
                    } else if (!token && r.status() >= 400 && r.status() < 500
                            && kind.expectedError().equals(r.field("error"))
                            && String.valueOf(r.field("error_description")).contains(kind.expectedDescription())) {
                        badOk.incrementAndGet();
                    } else {
                        badWrong.incrementAndGet();
                        failures.merge(kind.name() + ": " + r.describe(), 1, Integer::sum);
                    }
                } catch (RuntimeException e) {
                    fired.incrementAndGet();
                    transport.incrementAndGet();
                    failures.merge(kind.name() + ": " + e.getMessage(), 1, Integer::sum);
                } finally {
                    inFlight.release();
                }
            });
        }, 0, 1_000_000L / RATE, TimeUnit.MICROSECONDS);
        // bounded: the planned duration plus a grace period for the last answers
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + 60L);
        while (next.get() < total && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        ticker.shutdownNow();
        workers.shutdown();
        workers.awaitTermination(Math.max(1, (deadline - System.nanoTime()) / 1_000_000_000L), TimeUnit.SECONDS);
        workers.shutdownNow();
        long wallMs = (System.nanoTime() - t0) / 1_000_000;
        return new Totals(fired.get(), goodOk.get(), goodFailed.get(), badOk.get(), badWrong.get(), transport.get(),
                skipped.get() + Math.max(0, total - next.get()), new ArrayList<>(latencies), new TreeMap<>(failures),
                wallMs);
    }

    /** Heap used after two forced full GCs (jcmd GC.run), in bytes. */
    private static long heapUsedAfterGc(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        Matcher m = HEAP_USED.matcher(info);
        if (!m.find()) {
            throw new IllegalStateException("unexpected GC.heap_info output: " + info);
        }
        return Long.parseLong(m.group(2)) * 1024;
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Path jcmd = Paths.get(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            jcmd = Paths.get("jcmd");
        }
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("jcmd " + command + " did not finish");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + command + " failed: " + out);
        }
        return out;
    }

    private static long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "n/a" : String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1024.0 / 1024.0);
    }
}
