package io.github.keycloakobo.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the benchmark reads about the Keycloak JVM and the machine: CPU time from {@code /proc/<pid>/stat}, RSS from
 * {@code /proc/<pid>/status}, heap and allocation counters from the management port's {@code /metrics}, and the
 * machine's total busy CPU from {@code /proc/stat} (to tell how much other load ran during a phase).
 */
final class ServerProbe {

    private final long pid;
    private final double clockTicks;
    private final String metricsUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ServerProbe(long pid, double clockTicks, String managementUrl) {
        this.pid = pid;
        this.clockTicks = clockTicks;
        this.metricsUrl = managementUrl + "/metrics";
    }

    long pid() {
        return pid;
    }

    boolean alive() {
        return Files.exists(Path.of("/proc/" + pid + "/stat"));
    }

    /** user + system CPU seconds of the Keycloak JVM (all its threads, GC and JIT included). */
    double cpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // f[0] is field 3 (state); utime is field 14, stime field 15
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / clockTicks;
        } catch (IOException e) {
            throw new IllegalStateException("Keycloak process " + pid + " is gone", e);
        }
    }

    /** system (kernel) CPU seconds of the Keycloak JVM: system calls, context switches, network stack. */
    double systemCpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[12]) / clockTicks;
        } catch (IOException e) {
            throw new IllegalStateException("Keycloak process " + pid + " is gone", e);
        }
    }

    /** Context switches of the Keycloak JVM's threads so far (voluntary + involuntary, from /proc/<pid>/task). */
    long contextSwitches() {
        long total = 0;
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    for (String line : Files.readAllLines(t.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
                            total += Long.parseLong(line.replaceAll("[^0-9]", ""));
                        }
                    }
                } catch (IOException e) {
                    // thread ended
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return total;
    }

    /** Busy CPU seconds of the whole machine (all cores), from /proc/stat. */
    double machineBusySeconds() {
        try {
            String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] f = cpu.trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                if (i != 4 && i != 5) { // idle, iowait
                    busy += Long.parseLong(f[i]);
                }
            }
            return busy / clockTicks;
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    /** CPU seconds used by this (load driver) JVM. */
    static double driverCpuSeconds() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime() / 1e9;
        }
        return Double.NaN;
    }

    long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            // gone
        }
        return -1;
    }

    /** A snapshot of the JVM metrics Keycloak publishes on its management port (-1 where absent). */
    record Metrics(double heapUsed, double heapCommitted, double allocated, double gcPauseSeconds, double gcPauses) {
        static final Metrics NONE = new Metrics(-1, -1, -1, -1, -1);
    }

    Metrics metrics() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(metricsUrl))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return Metrics.NONE;
            }
            double heapUsed = 0, heapCommitted = 0, allocated = -1, pauseSum = 0, pauseCount = 0;
            for (String line : r.body().split("\n")) {
                if (line.startsWith("#")) {
                    continue;
                }
                if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                    heapUsed += value(line);
                } else if (line.startsWith("jvm_memory_committed_bytes{") && line.contains("area=\"heap\"")) {
                    heapCommitted += value(line);
                } else if (line.startsWith("jvm_gc_memory_allocated_bytes_total")) {
                    allocated = value(line);
                } else if (line.startsWith("jvm_gc_pause_seconds_sum")) {
                    pauseSum += value(line);
                } else if (line.startsWith("jvm_gc_pause_seconds_count")) {
                    pauseCount += value(line);
                }
            }
            return new Metrics(heapUsed, heapCommitted, allocated, pauseSum, pauseCount);
        } catch (IOException e) {
            return Metrics.NONE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Metrics.NONE;
        }
    }

    private static double value(String line) {
        String v = line.substring(line.lastIndexOf(' ') + 1).trim();
        return Double.parseDouble(v);
    }

    /** Runs jcmd against the Keycloak JVM; returns its output (empty on failure). */
    String jcmd(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
        cmd.add(String.valueOf(pid));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            return new String(out);
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** Heap in use right after a full GC (the live set), via jcmd; -1 if unavailable. */
    long liveHeapBytes() {
        jcmd("GC.run");
        String info = jcmd("GC.heap_info");
        // " garbage-first heap   total 262144K, used 123456K [..."
        int i = info.indexOf("used ");
        if (i < 0) {
            return -1;
        }
        String n = info.substring(i + 5).split("[^0-9]")[0];
        return n.isEmpty() ? -1 : Long.parseLong(n) * 1024;
    }
}
