package io.github.keycloakobo.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away PostgreSQL server for {@link ClusterIT}, from the machine's PostgreSQL binaries (Debian's
 * {@code postgresql} package: {@code /usr/lib/postgresql/<version>/bin}): {@code initdb} into a data directory under
 * {@code target/}, {@code postgres} on a free 127.0.0.1 port (TCP only, no Unix socket, trust authentication, fsync
 * off: test data only), one database, stopped by PID. PostgreSQL refuses to run as root, so as root both run as the
 * {@code postgres} system user through {@code setpriv}, which execs in place (the PID we hold is the postmaster's).
 */
final class PostgresServer {

    static final String DATABASE = "keycloak";
    static final String USER = "keycloak";
    private static final String SYSTEM_USER = "postgres";

    private final Process process;
    private final int port;
    private final Path logFile;
    private volatile boolean stopped;

    private PostgresServer(Process process, int port, Path logFile) {
        this.process = process;
        this.port = port;
        this.logFile = logFile;
    }

    /** The bin directory of the newest installed PostgreSQL (or {@code -Dobo.it.pgBin}), if any. */
    static Optional<Path> binDir() {
        String configured = System.getProperty("obo.it.pgBin");
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Paths.get(configured)).filter(d -> Files.isExecutable(d.resolve("postgres")));
        }
        Path root = Paths.get("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("postgres")) && Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparingInt(PostgresServer::majorVersion));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int majorVersion(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString().replaceAll("\\D.*", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** initdb, start, wait until it accepts connections, create the database; answers the running server. */
    static PostgresServer start(Path bin, Path dataDir, Path logFile, Path pidFile) {
        boolean root = "root".equals(System.getProperty("user.name"));
        try {
            Files.createDirectories(dataDir);
            if (root) {
                UserPrincipal owner = dataDir.getFileSystem().getUserPrincipalLookupService()
                        .lookupPrincipalByName(SYSTEM_USER);
                Files.setOwner(dataDir, owner);
                allowTraversal(dataDir.getParent());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare " + dataDir + (root ? " for user " + SYSTEM_USER : ""), e);
        }
        Path initLog = logFile.resolveSibling("initdb.log");
        run(asServerUser(root, List.of(bin.resolve("initdb").toString(), "-D", dataDir.toString(), "-U", USER,
                "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync")), dataDir.getParent(), initLog,
                Duration.ofSeconds(120), "initdb");

        int port = DistributionKeycloak.freePorts(1)[0];
        ProcessBuilder pb = new ProcessBuilder(asServerUser(root, List.of(bin.resolve("postgres").toString(), "-D",
                dataDir.toString(), "-p", Integer.toString(port), "-h", "127.0.0.1", "-k", "", "-c", "fsync=off",
                "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=200")));
        pb.directory(dataDir.getParent().toFile());
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.to(logFile.toFile()));
        Process p;
        try {
            p = pb.start();
            p.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start postgres", e);
        }
        PostgresServer pg = new PostgresServer(p, port, logFile);
        try {
            Files.writeString(pidFile, p.pid() + "\n", StandardCharsets.US_ASCII);
            pg.awaitConnections(Duration.ofSeconds(60));
            run(List.of(bin.resolve("createdb").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port), "-U",
                    USER, DATABASE), dataDir.getParent(), logFile.resolveSibling("createdb.log"),
                    Duration.ofSeconds(60), "createdb");
        } catch (IOException | RuntimeException e) {
            pg.stop();
            throw e instanceof RuntimeException re ? re : new UncheckedIOException((IOException) e);
        }
        DistributionKeycloak.log("PostgreSQL %s (pid %d) on 127.0.0.1:%d, database %s; log: %s",
                bin.getParent().getFileName(), p.pid(), port, DATABASE, logFile);
        return pg;
    }

    /**
     * The server runs as {@code postgres}, which must be able to walk down to its data directory: a checkout inside a
     * {@code mktemp -d} directory (mode 700) would stop it. Adds only the search (x) bit for others where it lacks.
     */
    private static void allowTraversal(Path dir) throws IOException {
        for (Path d = dir.toAbsolutePath(); d != null; d = d.getParent()) {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(d);
            if (!perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
                perms.add(PosixFilePermission.OTHERS_EXECUTE);
                Files.setPosixFilePermissions(d, perms);
                DistributionKeycloak.log("made %s searchable for the postgres user", d);
            }
        }
    }

    private static List<String> asServerUser(boolean root, List<String> cmd) {
        if (!root) {
            return cmd;
        }
        List<String> out = new ArrayList<>(List.of("setpriv", "--reuid=" + SYSTEM_USER, "--regid=" + SYSTEM_USER,
                "--init-groups", "--"));
        out.addAll(cmd);
        return out;
    }

    private static void run(List<String> cmd, Path dir, Path log, Duration timeout, String what) {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.directory(dir.toFile());
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                DistributionKeycloak.destroyTree(p.toHandle(), Duration.ofSeconds(5));
                throw new IllegalStateException(what + " did not finish within " + timeout + ":\n"
                        + DistributionKeycloak.tail(log));
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(what + " failed with exit code " + p.exitValue() + ":\n"
                        + DistributionKeycloak.tail(log));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted during " + what, e);
        }
    }

    private void awaitConnections(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("postgres exited with code " + process.exitValue() + ":\n"
                        + DistributionKeycloak.tail(logFile));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                if (DistributionKeycloak.tail(logFile).contains("ready to accept connections")) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("postgres did not accept connections within " + timeout + ":\n"
                        + DistributionKeycloak.tail(logFile));
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted", e);
            }
        }
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    long pid() {
        return process.pid();
    }

    /** Fast shutdown (SIGINT to the postmaster, by PID), then SIGKILL whatever is left after 30 s. Idempotent. */
    synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        if (process.isAlive()) {
            try {
                new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start()
                        .waitFor(10, TimeUnit.SECONDS);
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (IOException e) {
                // fall through to the forcible stop
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        DistributionKeycloak.destroyTree(process.toHandle(), Duration.ofSeconds(10));
        DistributionKeycloak.log("PostgreSQL stopped");
    }
}
