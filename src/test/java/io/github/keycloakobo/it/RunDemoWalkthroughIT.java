package io.github.keycloakobo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

/**
 * {@code ./run-demo --walkthrough} exits 0 on a fresh copy of the project: the one-command demo builds the extension
 * and the demo APIs, starts its own Keycloak (from the distribution) and both APIs on non-default ports, performs the
 * eight steps and stops everything.
 *
 * <p>It runs in a copy of the working tree without build output ({@code target/it-run-demo/repo}), as a fresh clone
 * would, so its nested Maven build never touches the jar and classes of the build that runs this test. It takes a
 * few minutes on two cores; {@code -Dobo.it.runDemo=false} leaves it out.
 */
@DisabledIfSystemProperty(named = "obo.it.runDemo", matches = "false")
class RunDemoWalkthroughIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(
            Long.parseLong(System.getProperty("obo.it.runDemoTimeoutMinutes", "20")));

    @Test
    void walkthroughExitsZero() throws Exception {
        Path project = Paths.get(System.getProperty("basedir", "")).toAbsolutePath();
        Path work = project.resolve("target/it-run-demo");
        Path root = work.resolve("repo");
        Path demoDir = work.resolve("demo");
        copyWithoutBuildOutput(project, root);
        Files.createDirectories(demoDir);
        Path output = demoDir.resolve("run-demo.out");

        List<Integer> ports = java.util.Arrays.stream(DistributionKeycloak.freePorts(4)).boxed().toList();
        ProcessBuilder pb = new ProcessBuilder(root.resolve("run-demo").toString(), "--walkthrough")
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Map<String, String> env = pb.environment();
        env.put("DEMO_DIR", demoDir.toString());
        env.put("DEMO_KEYCLOAK_PORT", ports.get(0).toString());
        env.put("DEMO_KEYCLOAK_MANAGEMENT_PORT", ports.get(1).toString());
        env.put("DEMO_ORDERS_PORT", ports.get(2).toString());
        env.put("DEMO_INVENTORY_PORT", ports.get(3).toString());
        env.put("DEMO_KEYCLOAK_START_TIMEOUT", "600");

        Process process = pb.start();
        try {
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                fail("./run-demo --walkthrough did not finish within " + TIMEOUT + "\n" + tail(output));
            }
            assertEquals(0, process.exitValue(), () -> "./run-demo --walkthrough failed\n" + tail(output));
            String out = Files.readString(output, StandardCharsets.UTF_8);
            assertTrue(out.contains("Walkthrough OK"), () -> tail(output));
            assertTrue(out.contains("Step 8/8"), () -> tail(output));
        } finally {
            stop(process, demoDir);
        }
        assertNoLeftovers(demoDir);
    }

    /** Stops run-demo and everything it started, by PID: TERM first (its trap stops its children), then KILL. */
    private static void stop(Process process, Path demoDir) throws InterruptedException {
        if (process.isAlive()) {
            List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
            process.destroy();
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            for (ProcessHandle p : tree) {
                if (p.isAlive()) {
                    p.destroyForcibly();
                }
            }
        }
        for (ProcessHandle p : recordedProcesses(demoDir)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    private static void assertNoLeftovers(Path demoDir) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<ProcessHandle> left = recordedProcesses(demoDir);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(500);
            left = recordedProcesses(demoDir);
        }
        assertTrue(left.isEmpty(), () -> "run-demo left processes running: " + recordedProcesses(demoDir));
    }

    /** Live processes whose PIDs run-demo recorded under DEMO_DIR/pids and that still look like its own. */
    private static List<ProcessHandle> recordedProcesses(Path demoDir) {
        List<ProcessHandle> found = new ArrayList<>();
        Path pids = demoDir.resolve("pids");
        if (!Files.isDirectory(pids)) {
            return found;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(pids, "*.pid")) {
            for (Path f : files) {
                String text = Files.readString(f).trim();
                if (!text.matches("\\d+")) {
                    continue;
                }
                ProcessHandle.of(Long.parseLong(text)).filter(ProcessHandle::isAlive).filter(p -> {
                    String cmd = p.info().commandLine().orElse("");
                    return cmd.contains("kc.sh") || cmd.contains("keycloak") || cmd.contains("obo-demo-apis")
                            || cmd.contains("run-demo");
                }).ifPresent(found::add);
            }
        } catch (IOException e) {
            // nothing recorded
        }
        return found;
    }

    /** Copies the project as a fresh clone has it: no .git, no build output. */
    private static void copyWithoutBuildOutput(Path from, Path to) throws IOException {
        if (Files.exists(to)) {
            try (var walk = Files.walk(to)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                String name = dir.getFileName().toString();
                if (!dir.equals(from) && (name.equals("target") || name.equals(".git"))) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static String tail(Path output) {
        try {
            List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }
}
