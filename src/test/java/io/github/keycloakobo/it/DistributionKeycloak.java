package io.github.keycloakobo.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Keycloak from the unpacked {@code keycloak-quarkus-dist} zip, run as a child process on 127.0.0.1.
 * <p>
 * Each run starts from a fresh copy of the distribution in {@code obo.it.workDir}, with the built provider jar in
 * {@code providers/}, an in-memory database and free ports. A PID file next to the work dir lets the next run (and
 * {@code .ci/run}) kill a server that survived a killed test JVM.
 */
public final class DistributionKeycloak implements KeycloakRuntime {

    private static final String ADMIN_USER = "admin";
    private static final String ADMIN_PASSWORD = "admin"; // test-only bootstrap admin
    private static final int LOG_TAIL_LINES = 80;
    /**
     * Server log levels of every test server: the extension's own category at debug, so that each of its log
     * statements runs (and {@link LogLeakIT} can prove none of them prints a token), and Keycloak's event log at
     * debug, so that successful events are logged with their details too.
     */
    static final String LOG_LEVEL = "--log-level=INFO,io.github.keycloakobo:debug,org.keycloak.events:debug";

    /** The kc.sh process being built or started right now, for the shutdown hook. */
    private static volatile Process inFlight;

    private final Path workDir;
    private final Path home;
    private final Path pidFile;
    private final Path logFile;
    private final Process process;
    private final int httpPort;
    private final int managementPort;
    /** The HTTPS port of the shared test server (client libraries such as MSAL accept only https authorities), or 0. */
    private volatile int httpsPort;
    private volatile Path certificate;
    private volatile boolean stopped;

    private DistributionKeycloak(Path workDir, Path home, Path pidFile, Path logFile, Process process, int httpPort,
            int managementPort) {
        this.workDir = workDir;
        this.home = home;
        this.pidFile = pidFile;
        this.logFile = logFile;
        this.process = process;
        this.httpPort = httpPort;
        this.managementPort = managementPort;
    }

    /** Prepares a fresh distribution, builds it, starts it and waits until {@code /health/ready} answers 200. */
    public static DistributionKeycloak start() {
        Path workDir = ItConfig.workDir();
        Path pidFile = ItConfig.pidFile();
        Path source = ItConfig.keycloakHome();
        Path jar = ItConfig.providerJar();
        if (!Files.isRegularFile(source.resolve("bin/kc.sh"))) {
            throw new IllegalStateException("No Keycloak distribution at " + source + " (" + ItConfig.KEYCLOAK_HOME
                    + "); mvn pre-integration-test unpacks it there");
        }
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("Provider jar " + jar + " does not exist; run mvn package first");
        }

        killStale(pidFile, workDir);

        Path home = workDir.resolve("keycloak");
        try {
            deleteRecursively(workDir);
            Files.createDirectories(workDir);
            long t0 = System.nanoTime();
            copyTree(source, home);
            Files.copy(jar, home.resolve("providers").resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            log("copied distribution to %s in %d ms", home, ms(t0));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare " + workDir, e);
        }

        build(home, workDir.resolve("build.log"));

        Path logFile = workDir.resolve("keycloak.log");
        // an HTTPS listener too (ClientLibrariesIT: MSAL takes only https authorities), on the supported lines
        TestTls tls = ItConfig.keycloakAtLeast("26.4") ? TestTls.create(workDir.resolve("tls")) : null;
        IllegalStateException last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            int[] ports = freePorts(3);
            List<String> options = new ArrayList<>(List.of("--cache=local",
                    "--" + METRICS_HISTOGRAMS_OPTION + "=true",
                    "--" + METRICS_MAX_CLIENT_TAGS_OPTION + "=" + METRICS_MAX_CLIENT_TAGS));
            if (tls != null) {
                options.addAll(List.of("--https-port=" + ports[2], "--https-key-store-file=" + tls.keyStore(),
                        "--https-key-store-password=" + TestTls.PASSWORD,
                        // health and metrics stay plain HTTP (with HTTPS on, the management port inherits it)
                        "--http-management-scheme=http"));
            }
            try {
                DistributionKeycloak kc = launch(workDir, home, pidFile, logFile, ports[0], ports[1], options);
                if (tls != null) {
                    kc.httpsPort = ports[2];
                    kc.certificate = tls.certificatePem();
                }
                return kc;
            } catch (PortInUseException e) {
                // another process grabbed a port between our probe and Keycloak's bind: try other ports
                last = e;
                log("port conflict on attempt %d, retrying with other ports", attempt);
            }
        }
        throw last;
    }

    private static void build(Path home, Path buildLog) {
        // metrics on as an operator switches them on, so that OboMetricsIT reads the OBO meters on /metrics
        List<String> options = new ArrayList<>(List.of("--db=dev-mem", "--health-enabled=true",
                "--metrics-enabled=true"));
        String features = ItConfig.features();
        if (!features.isEmpty()) {
            options.add("--features=" + features);
        }
        build(home, buildLog, options);
    }

    /** Runs {@code kc.sh build} with {@code options} in a prepared distribution copy (also for extra servers). */
    static void build(Path home, Path buildLog, List<String> options) {
        List<String> cmd = new ArrayList<>(List.of(home.resolve("bin/kc.sh").toString(), "build"));
        cmd.addAll(options);
        ProcessBuilder pb = newProcessBuilder(home, cmd, buildLog);
        long t0 = System.nanoTime();
        try {
            Process p = pb.start();
            inFlight = p;
            p.getOutputStream().close();
            if (!p.waitFor(ItConfig.startTimeout().toSeconds(), TimeUnit.SECONDS)) {
                destroyTree(p.toHandle(), Duration.ofSeconds(10));
                throw new IllegalStateException("kc.sh build did not finish in " + ItConfig.startTimeout()
                        + "; log tail of " + buildLog + ":\n" + tail(buildLog));
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("kc.sh build failed with exit code " + p.exitValue() + "; log tail of "
                        + buildLog + ":\n" + tail(buildLog));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run kc.sh build", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted during kc.sh build", e);
        }
        log("kc.sh build %s done in %d ms", String.join(" ", options), ms(t0));
    }

    /** The extension's option that switches the duration histogram on (runtime), as an operator writes it. */
    static final String METRICS_HISTOGRAMS_OPTION = "spi-oauth2-token-exchange--obo--metrics-histograms";
    /** The cap of distinct source and target tag values per realm, low on the test server so that a test can reach it. */
    static final String METRICS_MAX_CLIENT_TAGS_OPTION = "spi-oauth2-token-exchange--obo--metrics-max-client-tags";
    static final int METRICS_MAX_CLIENT_TAGS = 5;

    /**
     * Starts a built distribution on 127.0.0.1 with the options every test server gets plus {@code options} (e.g.
     * the database and cache options of a cluster node) and waits until it is ready. The PID file lists the new
     * server's processes.
     */
    static DistributionKeycloak launch(Path workDir, Path home, Path pidFile, Path logFile, int httpPort,
            int managementPort, List<String> options) {
        List<String> cmd = new ArrayList<>(List.of(home.resolve("bin/kc.sh").toString(), "start", "--optimized",
                "--http-enabled=true", "--http-host=127.0.0.1", "--http-port=" + httpPort,
                "--http-management-port=" + managementPort, "--hostname-strict=false", LOG_LEVEL));
        cmd.addAll(options);
        ProcessBuilder pb = newProcessBuilder(home, cmd, logFile);
        Process p;
        try {
            p = pb.start();
            inFlight = p;
            p.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start kc.sh", e);
        }
        DistributionKeycloak kc = new DistributionKeycloak(workDir, home, pidFile, logFile, p, httpPort,
                managementPort);
        kc.writePidFile();
        log("started kc.sh (pid %d) on http://127.0.0.1:%d, management port %d; log: %s", p.pid(), httpPort,
                managementPort, logFile);
        try {
            kc.awaitReady(ItConfig.startTimeout());
        } catch (RuntimeException e) {
            kc.stop();
            throw e;
        }
        return kc;
    }

    private static ProcessBuilder newProcessBuilder(Path home, List<String> cmd, Path output) {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.directory(home.toFile());
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.to(output.toFile()));
        Map<String, String> env = pb.environment();
        env.put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USER);
        env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
        // tests only: C1 compiler only, about 40% less start-up CPU (kc.sh already chooses the GC)
        env.put("JAVA_OPTS_APPEND", "-XX:TieredStopAtLevel=1");
        // never let a developer's environment reconfigure the test server
        env.keySet().removeIf(k -> k.startsWith("KC_") && !k.startsWith("KC_BOOTSTRAP_ADMIN_"));
        env.remove("KEYCLOAK_ADMIN");
        env.remove("KEYCLOAK_ADMIN_PASSWORD");
        env.remove("JAVA_OPTS");
        return pb;
    }

    private void awaitReady(Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI ready = URI.create(managementUrl().orElseThrow() + "/health/ready");
        Instant deadline = Instant.now().plus(timeout);
        long t0 = System.nanoTime();
        while (true) {
            writePidFile(); // picks up the java child of kc.sh once it exists
            if (!process.isAlive()) {
                String tail = tail(logFile);
                if (tail.contains("Address already in use") || tail.contains("Port already bound")) {
                    throw new PortInUseException("Keycloak could not bind its ports:\n" + tail);
                }
                throw new IllegalStateException("Keycloak exited with code " + process.exitValue()
                        + " before it was ready; log tail of " + logFile + ":\n" + tail);
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(5)).GET()
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    log("Keycloak ready after %d ms", ms(t0));
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for Keycloak", e);
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("Keycloak was not ready within " + timeout + " (" + ready
                        + "); log tail of " + logFile + ":\n" + tail(logFile));
            }
            sleep(1000);
        }
    }

    /** Kills a kc.sh process that is still being built or started (JVM shutdown during start-up). */
    static void killInFlight() {
        Process p = inFlight;
        if (p != null && p.isAlive()) {
            destroyTree(p.toHandle(), Duration.ofSeconds(10));
        }
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    @Override
    public Optional<String> httpsBaseUrl() {
        return httpsPort == 0 ? Optional.empty() : Optional.of("https://127.0.0.1:" + httpsPort);
    }

    @Override
    public Optional<Path> tlsCertificate() {
        return Optional.ofNullable(certificate);
    }

    @Override
    public Optional<String> managementUrl() {
        return Optional.of("http://127.0.0.1:" + managementPort);
    }

    @Override
    public Path logFile() {
        return logFile;
    }

    @Override
    public OptionalLong serverPid() {
        return process.descendants().filter(h -> commandLine(h).contains("java")).mapToLong(ProcessHandle::pid)
                .findFirst();
    }

    @Override
    public String describe() {
        return "Keycloak distribution " + home + " (pid " + process.pid() + ") at " + baseUrl();
    }

    @Override
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        long t0 = System.nanoTime();
        destroyTree(process.toHandle(), Duration.ofSeconds(30));
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            // harmless: the next run checks the PIDs before killing anything
        }
        log("Keycloak stopped in %d ms", ms(t0));
    }

    // ---------------------------------------------------------------- processes

    /** The PID file lists kc.sh first, then its descendants (the JVM), one per line. */
    private void writePidFile() {
        if (!process.isAlive()) {
            return;
        }
        Set<Long> pids = new LinkedHashSet<>();
        pids.add(process.pid());
        process.descendants().forEach(h -> pids.add(h.pid()));
        String text = pids.stream().map(String::valueOf).collect(Collectors.joining("\n", "", "\n"));
        try {
            Path tmp = pidFile.resolveSibling(pidFile.getFileName() + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.US_ASCII);
            Files.move(tmp, pidFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + pidFile, e);
        }
    }

    /**
     * Kills a server left behind by an earlier run (test JVM killed before it could stop it). Only processes whose
     * command line mentions our work dir are touched, so a recycled PID never hits an unrelated process.
     */
    static void killStale(Path pidFile, Path workDir) {
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        List<ProcessHandle> victims = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(pidFile, StandardCharsets.US_ASCII)) {
                line = line.trim();
                if (line.isEmpty() || !line.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                ProcessHandle.of(Long.parseLong(line)).filter(ProcessHandle::isAlive)
                        .filter(h -> commandLine(h).contains(workDir.toString())).ifPresent(victims::add);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + pidFile, e);
        }
        for (ProcessHandle h : victims) {
            log("killing stale Keycloak process %d from %s", h.pid(), pidFile);
            destroyTree(h, Duration.ofSeconds(20));
        }
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + pidFile, e);
        }
    }

    private static String commandLine(ProcessHandle h) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(h.pid()), "cmdline"));
            return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return h.info().commandLine().orElse("");
        }
    }

    /** SIGTERM to the process and all its descendants (collected first), wait, then SIGKILL what is left. */
    static void destroyTree(ProcessHandle root, Duration grace) {
        List<ProcessHandle> all = new ArrayList<>();
        all.add(root);
        root.descendants().forEach(all::add);
        for (ProcessHandle h : all) {
            h.destroy();
        }
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle h : all) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                try {
                    h.onExit().get(left, TimeUnit.NANOSECONDS);
                } catch (Exception e) {
                    // fall through to the forcible kill
                }
            }
        }
        for (ProcessHandle h : all) {
            if (h.isAlive()) {
                log("process %d did not stop within %s, killing it", h.pid(), grace);
                h.destroyForcibly();
            }
        }
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                // nothing more we can do
            }
        }
    }

    // ---------------------------------------------------------------- files and ports

    /**
     * {@code n} distinct ports that are free on 127.0.0.1 now, below Linux's ephemeral range (32768 and up): a port
     * the kernel handed out as free can be taken by any outgoing connection before the server binds it, which made
     * Keycloak exit at start ("Unable to start the management interface").
     */
    static int[] freePorts(int n) {
        java.util.Set<Integer> chosen = new java.util.LinkedHashSet<>();
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; chosen.size() < n; attempt++) {
            if (attempt > 10_000) {
                throw new IllegalStateException("Cannot find " + n + " free ports on 127.0.0.1 between 20000 and 32000");
            }
            int port = random.nextInt(20_000, 32_000);
            if (!chosen.contains(port) && isFree(port)) {
                chosen.add(port);
            }
        }
        return chosen.stream().mapToInt(Integer::intValue).toArray();
    }

    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES,
                        LinkOption.NOFOLLOW_LINKS);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(p);
            }
        }
    }

    static String tail(Path file) {
        try {
            if (!Files.exists(file)) {
                return "(no " + file + ")";
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    static void log(String format, Object... args) {
        System.out.println("[it-keycloak] " + String.format(format, args));
    }

    static final class PortInUseException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        PortInUseException(String message) {
            super(message);
        }
    }
}
