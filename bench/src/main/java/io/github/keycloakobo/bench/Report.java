package io.github.keycloakobo.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import io.github.keycloakobo.bench.LoadDriver.Exchange;
import io.github.keycloakobo.bench.LoadDriver.PhaseResult;

/** Aggregates the measured phases and writes results.json and results.md. */
final class Report {

    /** The targets: OBO throughput at least x1.25, CPU per exchange at most x0.8, p99@16 no worse. */
    static final double TARGET_THROUGHPUT = 1.25;
    static final double TARGET_CPU = 0.8;
    static final double TARGET_P99 = 1.0;

    /** All rounds of one exchange at one concurrency. */
    static final class Agg {
        final String exchange;
        final int concurrency;
        int requests;
        int errors;
        double seconds;
        double serverCpu;
        double systemCpu;
        long contextSwitches;
        double driverCpu;
        double otherCpu;
        double allocated;
        boolean allocatedKnown = true;
        double gcPause;
        long maxRss;
        double maxHeapUsed = -1;
        final List<Double> roundThroughput = new ArrayList<>();
        final Map<String, Integer> errorKinds = new TreeMap<>();
        long[] latencies = new long[0];

        Agg(String exchange, int concurrency) {
            this.exchange = exchange;
            this.concurrency = concurrency;
        }

        void add(PhaseResult r) {
            requests += r.requests;
            errors += r.errors;
            seconds += r.seconds;
            serverCpu += r.serverCpu;
            systemCpu += r.systemCpu;
            contextSwitches += Math.max(0, r.contextSwitches);
            driverCpu += r.driverCpu;
            otherCpu += Math.max(0, r.machineBusy - r.serverCpu - r.driverCpu);
            if (r.allocatedBytes < 0) {
                allocatedKnown = false;
            } else {
                allocated += r.allocatedBytes;
                gcPause += r.gcPauseSeconds;
            }
            maxRss = Math.max(maxRss, r.rssBytes);
            maxHeapUsed = Math.max(maxHeapUsed, r.heapUsed);
            roundThroughput.add(r.throughput());
            r.errorKinds.forEach((k, v) -> errorKinds.merge(k, v, Integer::sum));
            long[] merged = Arrays.copyOf(latencies, latencies.length + r.latenciesNanos.length);
            System.arraycopy(r.latenciesNanos, 0, merged, latencies.length, r.latenciesNanos.length);
            Arrays.sort(merged);
            latencies = merged;
        }

        double throughput() {
            return requests / seconds;
        }

        double cpuMs() {
            return serverCpu * 1000 / requests;
        }

        double pct(double p) {
            return LoadDriver.percentile(latencies, p) / 1e6;
        }

        double allocKb() {
            return allocatedKnown && allocated > 0 ? allocated / 1024 / requests : Double.NaN;
        }

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("exchange", exchange);
            m.put("concurrency", concurrency);
            m.put("requests", requests);
            m.put("errors", errors);
            m.put("error_kinds", errorKinds);
            m.put("seconds", seconds);
            m.put("throughput_rps", throughput());
            m.put("throughput_rps_per_phase", roundThroughput);
            m.put("latency_ms", Map.of("p50", pct(50), "p95", pct(95), "p99", pct(99), "max", pct(100)));
            m.put("server_cpu_seconds", serverCpu);
            m.put("server_cpu_ms_per_exchange", cpuMs());
            m.put("server_system_cpu_ms_per_exchange", systemCpu * 1000 / requests);
            m.put("server_context_switches_per_exchange", (double) contextSwitches / requests);
            m.put("driver_cpu_ms_per_exchange", driverCpu * 1000 / requests);
            m.put("other_processes_cores", otherCpu / seconds);
            m.put("server_alloc_kb_per_exchange", allocKb());
            m.put("server_gc_pause_ms_per_1000_exchanges", allocatedKnown ? gcPause * 1e6 / requests : null);
            m.put("server_rss_max_mib", maxRss / 1048576.0);
            m.put("server_heap_used_max_mib_at_phase_end", maxHeapUsed < 0 ? null : maxHeapUsed / 1048576.0);
            return m;
        }
    }

    final LoadDriver d;
    final Map<String, Agg> aggs = new LinkedHashMap<>();
    final Collection<Integer> concurrencies;
    final int rounds;
    final Map<String, Object> sanity;
    final double startupCpu;
    final long liveHeapBefore;
    final long liveHeapAfter;
    final long rssBefore;
    final long rssAfter;
    final Map<String, Object> profile;
    final Map<String, List<PhaseResult>> results;
    final Agg totalObo = new Agg("obo", 0);
    final Agg totalBuiltin = new Agg("builtin", 0);

    Report(LoadDriver d, Map<String, List<PhaseResult>> results, Collection<Integer> concurrencies, int rounds,
           Map<String, Object> sanity, double startupCpu, long liveHeapBefore, long liveHeapAfter, long rssBefore,
           long rssAfter, Map<String, Object> profile) {
        this.d = d;
        this.concurrencies = concurrencies;
        this.rounds = rounds;
        this.sanity = sanity;
        this.startupCpu = startupCpu;
        this.liveHeapBefore = liveHeapBefore;
        this.liveHeapAfter = liveHeapAfter;
        this.rssBefore = rssBefore;
        this.rssAfter = rssAfter;
        this.profile = profile;
        this.results = results;
        for (int c : concurrencies) {
            for (Exchange x : Exchange.values()) {
                Agg a = new Agg(x.label, c);
                for (PhaseResult r : results.getOrDefault(LoadDriver.key(x, c), List.of())) {
                    a.add(r);
                    (x == Exchange.OBO ? totalObo : totalBuiltin).add(r);
                }
                aggs.put(LoadDriver.key(x, c), a);
            }
        }
    }

    Agg get(Exchange x, int c) {
        return aggs.get(LoadDriver.key(x, c));
    }

    int peak() {
        return concurrencies.stream().mapToInt(Integer::intValue).max().orElse(16);
    }

    double throughputRatio() {
        return get(Exchange.OBO, peak()).throughput() / get(Exchange.BUILTIN, peak()).throughput();
    }

    double cpuRatio() {
        return totalObo.cpuMs() / totalBuiltin.cpuMs();
    }

    double p99Ratio() {
        return get(Exchange.OBO, peak()).pct(99) / get(Exchange.BUILTIN, peak()).pct(99);
    }

    /** Sums of one exchange's phases in one round (at one concurrency, or all when {@code c} is 0). */
    double[] roundSums(Exchange x, int round, int c) {
        double[] t = new double[4]; // requests, seconds, server cpu, count
        for (int conc : concurrencies) {
            if (c != 0 && conc != c) {
                continue;
            }
            for (PhaseResult r : results.getOrDefault(LoadDriver.key(x, conc), List.of())) {
                if (r.round == round) {
                    t[0] += r.requests;
                    t[1] += r.seconds;
                    t[2] += r.serverCpu;
                    t[3]++;
                }
            }
        }
        return t;
    }

    /** obo/builtin throughput at {@code c} in each round. */
    List<Double> roundThroughputRatios(int c) {
        List<Double> out = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            double[] o = roundSums(Exchange.OBO, r, c);
            double[] b = roundSums(Exchange.BUILTIN, r, c);
            if (o[3] > 0 && b[3] > 0) {
                out.add((o[0] / o[1]) / (b[0] / b[1]));
            }
        }
        return out;
    }

    /** obo/builtin server CPU per exchange over all concurrencies, in each round. */
    List<Double> roundCpuRatios() {
        List<Double> out = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            double[] o = roundSums(Exchange.OBO, r, 0);
            double[] b = roundSums(Exchange.BUILTIN, r, 0);
            if (o[3] > 0 && b[3] > 0) {
                out.add((o[2] / o[0]) / (b[2] / b[0]));
            }
        }
        return out;
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> v = new ArrayList<>(values);
        v.sort(Double::compare);
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    int errors() {
        return totalObo.errors + totalBuiltin.errors;
    }

    String ratioLine() {
        return String.format(Locale.ROOT, "obo/builtin: throughput x%.2f, cpu/exchange x%.2f, p99@%d x%.2f",
                throughputRatio(), cpuRatio(), peak(), p99Ratio());
    }

    boolean targetsMet() {
        return throughputRatio() >= TARGET_THROUGHPUT && cpuRatio() <= TARGET_CPU && p99Ratio() <= TARGET_P99
                && errors() == 0;
    }

    /** The recorded results go to bench/results/; a profiling run (JFR distorts the numbers) only to tmp/. */
    void write() throws IOException {
        Path dir = profile != null ? d.tmpDir : d.outDir;
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("results.json"), MiniJson.write(json()));
        Files.writeString(dir.resolve("results.md"), markdown());
        LoadDriver.log("wrote %s and %s", dir.resolve("results.json"), dir.resolve("results.md"));
        System.out.print(markdown());
    }

    static String fmt(List<Double> ratios) {
        return ratios.stream().map(v -> String.format(Locale.ROOT, "x%.2f", v)).toList().toString();
    }

    String date() {
        return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC).format(d.started);
    }

    double otherCores() {
        double sec = totalObo.seconds + totalBuiltin.seconds;
        return (totalObo.otherCpu + totalBuiltin.otherCpu) / sec;
    }

    Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("date", date());
        m.put("machine", d.opts.getOrDefault("machine", ""));
        m.put("keycloak_version", d.opts.getOrDefault("kc-version", ""));
        m.put("extension_git_revision", d.opts.getOrDefault("git-rev", ""));
        m.put("load_note", d.opts.getOrDefault("load-note", ""));
        m.put("other_processes_cores_during_phases", otherCores());
        m.put("rounds", rounds);
        m.put("phases", d.opts.getOrDefault("phases", "1:600,4:1500,16:3000"));
        m.put("user_tokens", d.tokens.size());
        m.put("keycloak_startup_cpu_seconds", startupCpu);
        m.put("server_idle_cores_before_each_round", d.idleCores);
        m.put("duration_seconds", Duration.between(d.started, Instant.now()).toMillis() / 1000.0);
        m.put("sanity", sanity);
        List<Object> rows = new ArrayList<>();
        aggs.values().forEach(a -> rows.add(a.json()));
        m.put("results", rows);
        Map<String, Object> totals = new LinkedHashMap<>();
        totals.put("obo", totalObo.json());
        totals.put("builtin", totalBuiltin.json());
        m.put("totals_all_phases", totals);
        Map<String, Object> mem = new LinkedHashMap<>();
        mem.put("live_heap_mib_after_warmup", liveHeapBefore / 1048576.0);
        mem.put("live_heap_mib_after_measured_rounds", liveHeapAfter / 1048576.0);
        mem.put("rss_mib_after_warmup", rssBefore / 1048576.0);
        mem.put("rss_mib_after_measured_rounds", rssAfter / 1048576.0);
        m.put("server_memory", mem);
        Map<String, Object> ratios = new LinkedHashMap<>();
        ratios.put("throughput_at_" + peak(), throughputRatio());
        ratios.put("cpu_per_exchange_all_phases", cpuRatio());
        ratios.put("p99_at_" + peak(), p99Ratio());
        for (int c : concurrencies) {
            Agg o = get(Exchange.OBO, c);
            Agg b = get(Exchange.BUILTIN, c);
            ratios.put("throughput_at_" + c, o.throughput() / b.throughput());
            ratios.put("cpu_per_exchange_at_" + c, o.cpuMs() / b.cpuMs());
            ratios.put("p99_at_" + c, o.pct(99) / b.pct(99));
        }
        ratios.put("throughput_at_" + peak() + "_per_round", roundThroughputRatios(peak()));
        ratios.put("throughput_at_" + peak() + "_median_of_rounds", median(roundThroughputRatios(peak())));
        ratios.put("cpu_per_exchange_per_round", roundCpuRatios());
        ratios.put("cpu_per_exchange_median_of_rounds", median(roundCpuRatios()));
        m.put("obo_over_builtin", ratios);
        m.put("targets", Map.of("throughput_min", TARGET_THROUGHPUT, "cpu_max", TARGET_CPU, "p99_max", TARGET_P99,
                "errors", 0, "met", targetsMet()));
        if (profile != null) {
            m.put("profile", profile);
        }
        m.put("ratio_line", ratioLine());
        return m;
    }

    String markdown() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Run of %s: Keycloak %s, extension %s; %s.%n", date(),
                d.opts.getOrDefault("kc-version", "?"), d.opts.getOrDefault("git-rev", "?"),
                d.opts.getOrDefault("machine", "?")));
        b.append(String.format(Locale.ROOT, "Load: %s; other processes used %.2f cores on average during the "
                        + "measured phases.%n", d.opts.getOrDefault("load-note", "not recorded"), otherCores()));
        b.append(String.format(Locale.ROOT, "%d rounds x (%s requests per exchange and concurrency), exchanges "
                        + "alternating, %d user tokens; errors: %d.%n%n", rounds,
                d.opts.getOrDefault("phases", "1:600,4:1500,16:3000"), d.tokens.size(), errors()));
        b.append("| conc. | exchange | req/s | (min-max per phase) | p50 ms | p95 ms | p99 ms "
                + "| server CPU ms/exch. | server alloc KB/exch. | errors |\n");
        b.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (int c : concurrencies) {
            for (Exchange x : Exchange.values()) {
                Agg a = get(x, c);
                double min = a.roundThroughput.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
                double max = a.roundThroughput.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
                b.append(String.format(Locale.ROOT, "| %d | %s | %.0f | %.0f-%.0f | %.2f | %.2f | %.2f | %.3f | %s | %d |%n",
                        c, x.label, a.throughput(), min, max, a.pct(50), a.pct(95), a.pct(99), a.cpuMs(),
                        Double.isNaN(a.allocKb()) ? "n/a" : String.format(Locale.ROOT, "%.0f", a.allocKb()),
                        a.errors));
            }
            Agg o = get(Exchange.OBO, c);
            Agg bi = get(Exchange.BUILTIN, c);
            b.append(String.format(Locale.ROOT, "| %d | **obo/builtin** | **x%.2f** | | x%.2f | x%.2f | **x%.2f** "
                            + "| **x%.2f** | %s | |%n",
                    c, o.throughput() / bi.throughput(), o.pct(50) / bi.pct(50), o.pct(95) / bi.pct(95),
                    o.pct(99) / bi.pct(99), o.cpuMs() / bi.cpuMs(),
                    Double.isNaN(o.allocKb()) || Double.isNaN(bi.allocKb()) ? "n/a"
                            : String.format(Locale.ROOT, "x%.2f", o.allocKb() / bi.allocKb())));
        }
        b.append(String.format(Locale.ROOT, "%nAll phases: server CPU per exchange obo %.3f ms, builtin %.3f ms "
                        + "(x%.2f); load driver CPU per exchange obo %.3f ms, builtin %.3f ms.%n",
                totalObo.cpuMs(), totalBuiltin.cpuMs(), cpuRatio(), totalObo.driverCpu * 1000 / totalObo.requests,
                totalBuiltin.driverCpu * 1000 / totalBuiltin.requests));
        b.append(String.format(Locale.ROOT, "Per round (obo/builtin, same round): throughput@%d %s (median x%.2f); "
                        + "CPU per exchange %s (median x%.2f).%n", peak(), fmt(roundThroughputRatios(peak())),
                median(roundThroughputRatios(peak())), fmt(roundCpuRatios()), median(roundCpuRatios())));
        b.append(String.format(Locale.ROOT, "Server CPU at rest before each round: %s cores (included in the "
                + "CPU per exchange above, equally for both).%n", d.idleCores.stream()
                .map(v -> String.format(Locale.ROOT, "%.3f", v)).toList()));
        b.append(String.format(Locale.ROOT, "Server memory: live heap after a full GC %.0f MiB after warm-up, "
                        + "%.0f MiB after the measured rounds; RSS %.0f MiB, then %.0f MiB.%n",
                liveHeapBefore / 1048576.0, liveHeapAfter / 1048576.0, rssBefore / 1048576.0, rssAfter / 1048576.0));
        b.append(String.format(Locale.ROOT, "Targets (throughput@%d >= x%.2f, CPU/exchange <= x%.2f, p99@%d <= x%.2f, "
                        + "0 errors): %s.%n", peak(), TARGET_THROUGHPUT, TARGET_CPU, peak(), TARGET_P99,
                targetsMet() ? "met" : "NOT met"));
        Object sessions = sanity.get("sessions_after_measured_rounds");
        if (sessions != null) {
            b.append("Sessions per client after the measured rounds (admin API client-session-stats): ")
                    .append(sessions).append(".\n");
        }
        if (!totalObo.errorKinds.isEmpty() || !totalBuiltin.errorKinds.isEmpty()) {
            b.append("Errors: obo ").append(totalObo.errorKinds).append(", builtin ")
                    .append(totalBuiltin.errorKinds).append("\n");
        }
        return b.toString();
    }
}
