package io.github.keycloakobo.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The load driver of bench/run. Talks to one Keycloak on 127.0.0.1 (started by bench/run), obtains a pool of user
 * tokens, checks both exchanges once, warms up, then measures the OBO exchange and Keycloak's built-in standard
 * exchange alternately in the same run: several rounds, fixed request counts per concurrency. Writes
 * results.json and results.md and prints the ratio line last.
 */
public final class LoadDriver {

    static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
    static final String REALM = "bench";
    static final String APP = "bench-app";
    static final String TARGET = "target-api";
    static final String PASSWORD = "bench-pass";

    /** The two exchanges under test: identical source clients, one switched to OBO, one to Keycloak's exchange. */
    enum Exchange {
        OBO("obo", "source-obo", "obo-secret"),
        BUILTIN("builtin", "source-std", "std-secret");

        final String label;
        final String clientId;
        final String authorization;

        Exchange(String label, String clientId, String secret) {
            this.label = label;
            this.clientId = clientId;
            this.authorization = "Basic " + Base64.getEncoder()
                    .encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
        }
    }

    final Map<String, String> opts;
    final String base;
    final URI tokenUri;
    final ServerProbe probe;
    final Path outDir;
    final Path tmpDir;
    final HttpClient http;
    final Instant started = Instant.now();
    final long deadlineNanos;
    List<String> tokens = List.of();
    /** Server CPU at rest before each round, in cores. */
    final List<Double> idleCores = new ArrayList<>();
    /** Pre-encoded request bodies, one per pooled token (the body is the same for both exchanges). */
    String[] bodies = new String[0];

    LoadDriver(Map<String, String> opts) {
        this.opts = opts;
        this.base = req(opts, "base");
        this.tokenUri = URI.create(base + "/realms/" + REALM + "/protocol/openid-connect/token");
        this.probe = new ServerProbe(Long.parseLong(req(opts, "pid")),
                Double.parseDouble(opts.getOrDefault("clk-tck", "100")), req(opts, "mgmt"));
        this.outDir = Path.of(opts.getOrDefault("out", "bench/results"));
        this.tmpDir = outDir.resolve("tmp");
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        this.deadlineNanos = System.nanoTime()
                + TimeUnit.MINUTES.toNanos(Long.parseLong(opts.getOrDefault("max-minutes", "11")));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        for (String a : args) {
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + a);
            }
            int eq = a.indexOf('=');
            opts.put(eq < 0 ? a.substring(2) : a.substring(2, eq), eq < 0 ? "true" : a.substring(eq + 1));
        }
        LoadDriver d = new LoadDriver(opts);
        int rc = d.run();
        System.exit(rc);
    }

    // ================================================================== the run

    int run() throws Exception {
        Files.createDirectories(tmpDir);
        awaitReady(Duration.ofSeconds(Long.parseLong(opts.getOrDefault("ready-timeout", "300"))));
        double startupCpu = probe.cpuSeconds();
        log("Keycloak JVM pid %d ready (start-up used %.1f s CPU)", probe.pid(), startupCpu);

        obtainTokens(Integer.parseInt(opts.getOrDefault("users", "20")),
                Integer.parseInt(opts.getOrDefault("tokens-per-user", "2")));
        Map<String, Object> sanity = sanityCheck();

        // warm-up: both exchanges, all concurrencies, alternately (JIT, caches, connection pools)
        int warmPasses = Integer.parseInt(opts.getOrDefault("warmup-passes", "2"));
        Map<Integer, Integer> warm = counts(opts.getOrDefault("warmup", "16:1500,4:500,1:200"));
        long w0 = System.nanoTime();
        int warmErrors = 0;
        for (int pass = 0; pass < warmPasses; pass++) {
            for (var e : warm.entrySet()) {
                for (Exchange x : Exchange.values()) {
                    warmErrors += phase(x, e.getKey(), e.getValue()).errors;
                }
            }
        }
        log("warm-up done in %.1f s (%d errors)", (System.nanoTime() - w0) / 1e9, warmErrors);
        long liveHeapBefore = probe.liveHeapBytes();
        long rssBefore = probe.rssBytes();

        // measured rounds; the order of the two exchanges alternates from round to round
        int rounds = Integer.parseInt(opts.getOrDefault("rounds", "5"));
        Map<Integer, Integer> phases = counts(opts.getOrDefault("phases", "1:600,4:1500,16:3000"));
        Map<String, List<PhaseResult>> results = new LinkedHashMap<>();
        int roundsDone = 0;
        for (int round = 0; round < rounds; round++) {
            if (System.nanoTime() > deadlineNanos) {
                log("time budget used up: stopping after %d rounds", roundsDone);
                break;
            }
            idleCores.add(idleServerCores(2000));
            for (var e : phases.entrySet()) {
                // A B B A (then B A A B in the next round), each half the requests: a drift of the machine's load
                // during the round hits both exchanges alike
                Exchange[] order = round % 2 == 0
                        ? new Exchange[] {Exchange.OBO, Exchange.BUILTIN, Exchange.BUILTIN, Exchange.OBO}
                        : new Exchange[] {Exchange.BUILTIN, Exchange.OBO, Exchange.OBO, Exchange.BUILTIN};
                for (int i = 0; i < order.length; i++) {
                    Exchange x = order[i];
                    PhaseResult r = phase(x, e.getKey(), i < 2 ? e.getValue() / 2 : e.getValue() - e.getValue() / 2);
                    r.round = round;
                    results.computeIfAbsent(key(x, e.getKey()), k -> new ArrayList<>()).add(r);
                    log("round %d %-7s c=%-2d %5d req %7.1f req/s p50 %6.2f ms p99 %6.2f ms cpu %.3f ms/exch"
                                    + " other-load %.2f cores%s",
                            round + 1, x.label, e.getKey(), r.requests, r.throughput(), r.pct(50), r.pct(99),
                            r.cpuMsPerExchange(), r.otherCores(), r.errors > 0 ? "  ERRORS " + r.errors : "");
                }
            }
            roundsDone++;
        }
        Map<String, Object> sessions = sessionCounts();
        long liveHeapAfter = probe.liveHeapBytes();
        long rssAfter = probe.rssBytes();

        Map<String, Object> profile = null;
        if (Boolean.parseBoolean(opts.getOrDefault("profile", "false"))) {
            profile = profile(Integer.parseInt(opts.getOrDefault("profile-requests", "8000")),
                    Integer.parseInt(opts.getOrDefault("profile-concurrency", "16")));
        }

        sanity.put("sessions_after_measured_rounds", sessions);
        Report report = new Report(this, results, phases.keySet(), roundsDone, sanity, startupCpu,
                liveHeapBefore, liveHeapAfter, rssBefore, rssAfter, profile);
        report.write();
        int errors = results.values().stream().flatMap(List::stream).mapToInt(r -> r.errors).sum();
        System.out.println(report.ratioLine());
        return errors == 0 && roundsDone > 0 ? 0 : 1;
    }

    /** Server CPU while no request runs (background threads, JIT, GC), in cores, over {@code millis}. */
    double idleServerCores(long millis) throws InterruptedException {
        double c0 = probe.cpuSeconds();
        long t0 = System.nanoTime();
        Thread.sleep(millis);
        return (probe.cpuSeconds() - c0) / ((System.nanoTime() - t0) / 1e9);
    }

    static String key(Exchange x, int concurrency) {
        return x.label + "@" + concurrency;
    }

    static Map<Integer, Integer> counts(String spec) {
        Map<Integer, Integer> m = new LinkedHashMap<>();
        for (String part : spec.split(",")) {
            String[] kv = part.trim().split(":");
            m.put(Integer.parseInt(kv[0]), Integer.parseInt(kv[1]));
        }
        return m;
    }

    // ================================================================== set-up

    void awaitReady(Duration timeout) throws InterruptedException {
        URI ready = URI.create(req(opts, "mgmt") + "/health/ready");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!probe.alive()) {
                throw new IllegalStateException("Keycloak (pid " + probe.pid() + ") exited before it was ready");
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(5))
                        .GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Keycloak not ready within " + timeout);
            }
            Thread.sleep(1000);
        }
    }

    void obtainTokens(int users, int perUser) throws Exception {
        List<String> pool = new ArrayList<>();
        for (int t = 0; t < perUser; t++) {
            for (int u = 1; u <= users; u++) {
                String body = form("grant_type", "password", "client_id", APP,
                        "username", String.format("user%02d", u), "password", PASSWORD, "scope", "openid");
                HttpResponse<String> r = post(body, null);
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("password grant for user" + u + " failed: " + r.statusCode()
                            + " " + r.body());
                }
                String token = (String) MiniJson.object(r.body()).get("access_token");
                @SuppressWarnings("unchecked")
                List<Object> aud = (List<Object>) MiniJson.jwtPayload(token).get("aud");
                if (aud == null || !aud.contains(Exchange.OBO.clientId) || !aud.contains(Exchange.BUILTIN.clientId)) {
                    throw new IllegalStateException("user token lacks the source clients in aud: " + aud);
                }
                pool.add(token);
            }
        }
        tokens = List.copyOf(pool);
        bodies = new String[tokens.size()];
        for (int i = 0; i < bodies.length; i++) {
            bodies[i] = form("grant_type", TOKEN_EXCHANGE, "subject_token", tokens.get(i),
                    "subject_token_type", ACCESS_TOKEN_TYPE, "audience", TARGET);
        }
        log("%d user tokens (%d users x %d sessions), %d bytes each", tokens.size(), users, perUser,
                tokens.get(0).length());
    }

    /** One exchange of each kind, decoded: both must give a token for the same user with aud = the target. */
    Map<String, Object> sanityCheck() throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> subject = MiniJson.jwtPayload(tokens.get(0));
        for (Exchange x : Exchange.values()) {
            HttpResponse<String> r = post(bodies[0], x.authorization);
            if (r.statusCode() != 200) {
                throw new IllegalStateException(x.label + " exchange failed: " + r.statusCode() + " " + r.body());
            }
            Map<String, Object> resp = MiniJson.object(r.body());
            String at = (String) resp.get("access_token");
            Map<String, Object> claims = MiniJson.jwtPayload(at);
            Object aud = claims.get("aud");
            List<?> audList = aud instanceof List<?> l ? l : List.of(String.valueOf(aud));
            if (!audList.equals(List.of(TARGET))) {
                throw new IllegalStateException(x.label + " token aud is " + aud + ", expected [" + TARGET + "]");
            }
            if (!subject.get("sub").equals(claims.get("sub")) || !x.clientId.equals(claims.get("azp"))) {
                throw new IllegalStateException(x.label + " token has sub/azp " + claims.get("sub") + "/"
                        + claims.get("azp"));
            }
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("aud", audList);
            s.put("azp", claims.get("azp"));
            s.put("scope", claims.get("scope"));
            s.put("claims", new ArrayList<>(new TreeMap<>(claims).keySet()));
            s.put("access_token_bytes", at.length());
            s.put("response_bytes", r.body().length());
            s.put("response_fields", new ArrayList<>(resp.keySet()));
            out.put(x.label, s);
            log("%-7s token: aud=%s azp=%s scope='%s' %d bytes, response fields %s", x.label, audList,
                    claims.get("azp"), claims.get("scope"), at.length(), resp.keySet());
        }
        return out;
    }

    /**
     * Active and offline sessions per client of the bench realm (admin API), after all those exchanges: the user
     * sessions of the logins only, with no client session of either source client (both exchanges must keep their
     * sessions transient). Null when no admin password was handed over.
     */
    Map<String, Object> sessionCounts() throws Exception {
        String password = System.getenv("BENCH_ADMIN_PASSWORD");
        if (password == null || password.isEmpty()) {
            return null;
        }
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(
                        URI.create(base + "/realms/master/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form("grant_type", "password", "client_id", "admin-cli",
                        "username", "bench-admin", "password", password)))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (login.statusCode() != 200) {
            log("admin login failed (%d): session counts not checked", login.statusCode());
            return null;
        }
        String admin = (String) MiniJson.object(login.body()).get("access_token");
        HttpResponse<String> stats = http.send(HttpRequest.newBuilder(
                        URI.create(base + "/admin/realms/" + REALM + "/client-session-stats"))
                .header("Authorization", "Bearer " + admin).GET().build(), HttpResponse.BodyHandlers.ofString());
        Map<String, Object> out = new LinkedHashMap<>();
        for (Object o : (List<?>) MiniJson.parse(stats.body())) {
            Map<?, ?> m = (Map<?, ?>) o;
            out.put(String.valueOf(m.get("clientId")), Map.of("active", count(m.get("active")),
                    "offline", count(m.get("offline"))));
        }
        log("sessions per client after the measured rounds: %s", out);
        return out;
    }

    static long count(Object v) {
        return v == null ? 0 : (long) Double.parseDouble(String.valueOf(v));
    }

    // ================================================================== measuring

    /** One measured phase: a fixed number of exchanges at a fixed concurrency. */
    static final class PhaseResult {
        int round;
        String exchange;
        int concurrency;
        int requests;
        int errors;
        Map<String, Integer> errorKinds = new TreeMap<>();
        double seconds;
        double serverCpu;
        double systemCpu;
        long contextSwitches;
        double driverCpu;
        double machineBusy;
        long[] latenciesNanos;
        double allocatedBytes = -1;
        double gcPauseSeconds = -1;
        long rssBytes;
        double heapUsed = -1;

        double throughput() {
            return requests / seconds;
        }

        double cpuMsPerExchange() {
            return serverCpu * 1000 / requests;
        }

        /** Cores' worth of CPU used by processes other than Keycloak and this driver during the phase. */
        double otherCores() {
            return Math.max(0, machineBusy - serverCpu - driverCpu) / seconds;
        }

        double pct(double p) {
            return percentile(latenciesNanos, p) / 1e6;
        }
    }

    static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }

    PhaseResult phase(Exchange x, int concurrency, int requests) throws Exception {
        PhaseResult r = new PhaseResult();
        r.exchange = x.label;
        r.concurrency = concurrency;
        r.requests = requests;
        long[] lat = new long[requests];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        Map<String, Integer> kinds = new ConcurrentHashMap<>();
        AtomicReference<Throwable> fatal = new AtomicReference<>();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(concurrency);
        for (int t = 0; t < concurrency; t++) {
            pool.execute(() -> {
                try {
                    go.await();
                    int i;
                    while ((i = next.getAndIncrement()) < requests) {
                        String body = bodies[i % bodies.length];
                        long t0 = System.nanoTime();
                        String kind;
                        try {
                            HttpResponse<String> resp = post(body, x.authorization);
                            kind = check(resp);
                        } catch (IOException e) {
                            kind = "io:" + e.getClass().getSimpleName();
                        }
                        lat[i] = System.nanoTime() - t0;
                        if (kind != null) {
                            errors.incrementAndGet();
                            kinds.merge(kind, 1, Integer::sum);
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Throwable e) {
                    fatal.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            });
        }
        ServerProbe.Metrics m0 = probe.metrics();
        long cs0 = probe.contextSwitches();
        double sys0 = probe.systemCpuSeconds();
        double cpu0 = probe.cpuSeconds();
        double drv0 = ServerProbe.driverCpuSeconds();
        double busy0 = probe.machineBusySeconds();
        long t0 = System.nanoTime();
        go.countDown();
        if (!done.await(10, TimeUnit.MINUTES)) {
            pool.shutdownNow();
            throw new IllegalStateException("phase " + x.label + "@" + concurrency + " did not finish");
        }
        long t1 = System.nanoTime();
        double busy1 = probe.machineBusySeconds();
        double drv1 = ServerProbe.driverCpuSeconds();
        double cpu1 = probe.cpuSeconds();
        double sys1 = probe.systemCpuSeconds();
        long cs1 = probe.contextSwitches();
        ServerProbe.Metrics m1 = probe.metrics();
        r.systemCpu = sys1 - sys0;
        r.contextSwitches = cs0 < 0 || cs1 < 0 ? -1 : cs1 - cs0;
        pool.shutdown();
        if (fatal.get() != null) {
            throw new IllegalStateException("load thread failed", fatal.get());
        }
        Arrays.sort(lat);
        r.latenciesNanos = lat;
        r.seconds = (t1 - t0) / 1e9;
        r.serverCpu = cpu1 - cpu0;
        r.driverCpu = drv1 - drv0;
        r.machineBusy = busy1 - busy0;
        r.errors = errors.get();
        r.errorKinds.putAll(kinds);
        if (m0.allocated() >= 0 && m1.allocated() >= 0) {
            r.allocatedBytes = m1.allocated() - m0.allocated();
            r.gcPauseSeconds = m1.gcPauseSeconds() - m0.gcPauseSeconds();
        }
        r.heapUsed = m1.heapUsed();
        r.rssBytes = probe.rssBytes();
        return r;
    }

    /** null when the response is a successful exchange (200 with an access token), else the kind of error. */
    static String check(HttpResponse<String> resp) {
        String body = resp.body();
        if (resp.statusCode() != 200) {
            String err = "";
            int i = body == null ? -1 : body.indexOf("\"error\":\"");
            if (i >= 0) {
                int j = body.indexOf('"', i + 9);
                err = ":" + body.substring(i + 9, Math.max(i + 9, j));
            }
            return "http" + resp.statusCode() + err;
        }
        int i = body.indexOf("\"access_token\":\"");
        if (i < 0 || i + 16 >= body.length() || body.charAt(i + 16) == '"') {
            return "no_access_token";
        }
        return null;
    }

    HttpResponse<String> post(String body, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(tokenUri).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String form(String... kv) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < kv.length; i += 2) {
            if (b.length() > 0) {
                b.append('&');
            }
            b.append(URLEncoder.encode(kv[i], StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(kv[i + 1], StandardCharsets.UTF_8));
        }
        return b.toString();
    }

    // ================================================================== profiling

    /**
     * One JFR recording (settings=profile) over a warm-up and then each exchange alone at concurrency 16, alternating
     * in two halves; JfrTop summarises the samples of each exchange's time windows.
     */
    Map<String, Object> profile(int requests, int concurrency) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        Path jfr = tmpDir.resolve("profile.jfr").toAbsolutePath();
        Files.deleteIfExists(jfr);
        // JDK's "profile" settings, with Java method sampling every 2 ms instead of 10 ms (more samples per run)
        String jfc = Files.readString(Path.of(System.getProperty("java.home"), "lib", "jfr", "profile.jfc"))
                .replaceFirst("(<event name=\"jdk.ExecutionSample\">\\s*<setting name=\"enabled\"[^<]*</setting>\\s*"
                        + "<setting name=\"period\"[^>]*>)[^<]*(</setting>)", "$12 ms$2");
        Path settings = tmpDir.resolve("bench-profile.jfc").toAbsolutePath();
        Files.writeString(settings, jfc);
        log("profiling: %s", probe.jcmd("JFR.start", "name=bench", "settings=" + settings).trim()
                .replaceAll("\\s+", " "));
        for (Exchange x : Exchange.values()) {
            phase(x, concurrency, Math.min(2000, requests / 2)); // settle after JFR start (not analysed)
        }
        Map<Exchange, List<Instant[]>> windows = new LinkedHashMap<>();
        Map<Exchange, double[]> totals = new LinkedHashMap<>(); // requests, seconds, server cpu
        for (int half = 0; half < 2; half++) {
            Exchange[] order = half == 0 ? new Exchange[] {Exchange.BUILTIN, Exchange.OBO}
                    : new Exchange[] {Exchange.OBO, Exchange.BUILTIN};
            for (Exchange x : order) {
                Instant from = Instant.now();
                PhaseResult r = phase(x, concurrency, requests / 2);
                windows.computeIfAbsent(x, k -> new ArrayList<>()).add(new Instant[] {from, Instant.now()});
                double[] t = totals.computeIfAbsent(x, k -> new double[3]);
                t[0] += r.requests;
                t[1] += r.seconds;
                t[2] += r.serverCpu;
            }
        }
        probe.jcmd("JFR.stop", "name=bench", "filename=" + jfr);
        StringBuilder w = new StringBuilder();
        windows.forEach((x, list) -> list.forEach(i -> w.append(x.label).append(' ').append(i[0]).append(' ')
                .append(i[1]).append('\n')));
        Files.writeString(tmpDir.resolve("profile-windows.txt"), w.toString());
        for (Exchange x : Exchange.values()) {
            double[] t = totals.get(x);
            Path summary = tmpDir.resolve("profile-" + x.label + ".txt");
            String text = JfrTop.summarize(jfr, windows.get(x), 40);
            Files.writeString(summary, "# " + x.label + " exchange, concurrency " + concurrency + ", " + (int) t[0]
                    + " requests, "
                    + String.format(Locale.ROOT, "%.1f req/s under JFR, %.3f ms server CPU/exchange%n",
                    t[0] / t[1], t[2] * 1000 / t[0]) + text);
            log("profile of %s written to %s", x.label, summary);
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("jfr", jfr.toString());
            p.put("summary", summary.toString());
            p.put("throughput", t[0] / t[1]);
            p.put("cpu_ms_per_exchange", t[2] * 1000 / t[0]);
            out.put(x.label, p);
        }
        return out;
    }

    // ================================================================== misc

    static String req(Map<String, String> opts, String name) {
        String v = opts.get(name);
        if (v == null) {
            throw new IllegalArgumentException("missing --" + name + "=...");
        }
        return v;
    }

    static void log(String fmt, Object... args) {
        System.out.println("[bench " + DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC)
                .format(Instant.now()) + "] " + String.format(Locale.ROOT, fmt, args));
    }
}
