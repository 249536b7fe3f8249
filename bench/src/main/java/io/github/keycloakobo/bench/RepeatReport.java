package io.github.keycloakobo.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * What N runs of the benchmark show together: for each headline ratio (obo/builtin) its median and range over the
 * runs, and per concurrency the throughput and p99 of both exchanges (median, min, max), as Markdown, JSON and the
 * data file the plots are drawn from.
 *
 * <pre>java -cp bench/target/classes io.github.keycloakobo.bench.RepeatReport OUT_DIR run-1/results.json ...</pre>
 * writes {@code OUT_DIR/repeat.md}, {@code OUT_DIR/repeat.json} and {@code OUT_DIR/plot-data.tsv}.
 */
public final class RepeatReport {

    /** The ratios of the headline line, then the others {@link Report} computes, as {@code obo_over_builtin} keys. */
    static final List<String[]> RATIOS = List.of(
            new String[] {"throughput_at_16", "throughput at concurrency 16"},
            new String[] {"cpu_per_exchange_all_phases", "server CPU per exchange, all phases"},
            new String[] {"p99_at_16", "p99 latency at concurrency 16"},
            new String[] {"throughput_at_1", "throughput at 1"},
            new String[] {"throughput_at_4", "throughput at 4"},
            new String[] {"p99_at_1", "p99 at 1"},
            new String[] {"p99_at_4", "p99 at 4"});

    private RepeatReport() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: RepeatReport OUT_DIR results.json...");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        List<Map<String, Object>> runs = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            runs.add(MiniJson.object(Files.readString(Path.of(args[i]))));
        }
        Files.createDirectories(out);
        Map<String, Object> json = summarize(runs);
        Files.writeString(out.resolve("repeat.json"), MiniJson.write(json) + "\n");
        Files.writeString(out.resolve("repeat.md"), markdown(runs, json));
        Files.writeString(out.resolve("plot-data.tsv"), plotData(runs));
        System.out.println(headline(json));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> summarize(List<Map<String, Object>> runs) {
        Map<String, Object> ratios = new LinkedHashMap<>();
        for (String[] ratio : RATIOS) {
            List<Double> values = new ArrayList<>();
            for (Map<String, Object> run : runs) {
                Object v = ((Map<String, Object>) run.get("obo_over_builtin")).get(ratio[0]);
                if (v instanceof Number n) {
                    values.add(n.doubleValue());
                }
            }
            if (!values.isEmpty()) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("median", median(values));
                r.put("min", values.stream().mapToDouble(Double::doubleValue).min().orElseThrow());
                r.put("max", values.stream().mapToDouble(Double::doubleValue).max().orElseThrow());
                r.put("runs", values);
                ratios.put(ratio[0], r);
            }
        }
        long errors = 0;
        for (Map<String, Object> run : runs) {
            for (Map<String, Object> row : (List<Map<String, Object>>) run.get("results")) {
                errors += ((Number) row.get("errors")).longValue();
            }
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("runs", runs.size());
        json.put("dates", runs.stream().map(r -> String.valueOf(r.get("date"))).toList());
        json.put("load_notes", runs.stream().map(r -> String.valueOf(r.get("load_note"))).toList());
        json.put("machine", runs.get(0).get("machine"));
        json.put("extension_git_revisions", runs.stream().map(r -> String.valueOf(r.get("extension_git_revision")))
                .distinct().toList());
        json.put("rounds_per_run", runs.get(0).get("rounds") instanceof Number n ? n.intValue() : 0);
        json.put("phases", runs.get(0).get("phases"));
        json.put("errors", errors);
        json.put("obo_over_builtin", ratios);
        return json;
    }

    @SuppressWarnings("unchecked")
    static String headline(Map<String, Object> json) {
        Map<String, Object> ratios = (Map<String, Object>) json.get("obo_over_builtin");
        StringBuilder b = new StringBuilder("obo/builtin, median (range) of " + json.get("runs") + " runs:");
        String[][] parts = {{"throughput_at_16", "throughput"}, {"cpu_per_exchange_all_phases", "cpu/exchange"},
                {"p99_at_16", "p99@16"}};
        for (int i = 0; i < parts.length; i++) {
            Map<String, Object> r = (Map<String, Object>) ratios.get(parts[i][0]);
            b.append(i == 0 ? " " : ", ").append(parts[i][1]).append(' ').append(x(r.get("median")))
                    .append(" (").append(x(r.get("min"))).append('-').append(x(r.get("max"))).append(')');
        }
        return b.toString();
    }

    @SuppressWarnings("unchecked")
    static String markdown(List<Map<String, Object>> runs, Map<String, Object> json) {
        Map<String, Object> ratios = (Map<String, Object>) json.get("obo_over_builtin");
        StringBuilder b = new StringBuilder();
        b.append("# ").append(runs.size()).append(" runs of bench/run\n\n");
        b.append("Machine: ").append(json.get("machine")).append("; extension ")
                .append(String.join(", ", (List<String>) json.get("extension_git_revisions")))
                .append("; each run ").append(json.get("rounds_per_run")).append(" rounds of ")
                .append(json.get("phases")).append(", its own Keycloak start. Errors: ").append(json.get("errors"))
                .append(".\n\n");
        for (int i = 0; i < runs.size(); i++) {
            b.append("- run ").append(i + 1).append(": ").append(runs.get(i).get("date")).append(" (")
                    .append(runs.get(i).get("load_note")).append("; other processes during the phases ")
                    .append(String.format(Locale.ROOT, "%.2f", ((Number) runs.get(i)
                            .getOrDefault("other_processes_cores_during_phases", 0)).doubleValue()))
                    .append(" cores)\n");
        }
        b.append("\n| obo/builtin | median | range | runs |\n|---|---:|---:|---|\n");
        for (String[] ratio : RATIOS) {
            Map<String, Object> r = (Map<String, Object>) ratios.get(ratio[0]);
            if (r == null) {
                continue;
            }
            List<String> each = ((List<Double>) r.get("runs")).stream().map(RepeatReport::x).toList();
            b.append("| ").append(ratio[1]).append(" | **").append(x(r.get("median"))).append("** | ")
                    .append(x(r.get("min"))).append(" - ").append(x(r.get("max"))).append(" | ")
                    .append(String.join(", ", each)).append(" |\n");
        }
        b.append("\n| conc. | exchange | req/s median (range) | p99 ms median (range) |\n|---:|---|---:|---:|\n");
        Map<String, double[][]> perConcurrency = perConcurrency(runs);
        for (Map.Entry<String, double[][]> e : perConcurrency.entrySet()) {
            double[][] v = e.getValue(); // [throughput values, p99 values]
            List<Double> t = list(v[0]);
            List<Double> p = list(v[1]);
            b.append(String.format(Locale.ROOT, "| %s | %s | %.0f (%.0f-%.0f) | %.2f (%.2f-%.2f) |%n",
                    e.getKey().split(" ")[0], e.getKey().split(" ")[1], median(t), min(t), max(t), median(p), min(p),
                    max(p)));
        }
        b.append("\n`").append(headline(json)).append("`\n");
        return b.toString();
    }

    /** Per "concurrency exchange": the throughput and the p99 of every run. */
    @SuppressWarnings("unchecked")
    static Map<String, double[][]> perConcurrency(List<Map<String, Object>> runs) {
        Map<String, double[][]> out = new LinkedHashMap<>();
        TreeSet<Integer> concurrencies = new TreeSet<>();
        for (Map<String, Object> row : (List<Map<String, Object>>) runs.get(0).get("results")) {
            concurrencies.add(((Number) row.get("concurrency")).intValue());
        }
        for (int c : concurrencies) {
            for (String exchange : List.of("obo", "builtin")) {
                double[] tput = new double[runs.size()];
                double[] p99 = new double[runs.size()];
                for (int i = 0; i < runs.size(); i++) {
                    for (Map<String, Object> row : (List<Map<String, Object>>) runs.get(i).get("results")) {
                        if (((Number) row.get("concurrency")).intValue() == c && exchange.equals(row.get("exchange"))) {
                            tput[i] = ((Number) row.get("throughput_rps")).doubleValue();
                            p99[i] = ((Number) ((Map<String, Object>) row.get("latency_ms")).get("p99")).doubleValue();
                        }
                    }
                }
                out.put(c + " " + exchange, new double[][] {tput, p99});
            }
        }
        return out;
    }

    /** conc, then for obo and builtin: throughput median/min/max, p99 median/min/max (what bench/plot.gp reads). */
    static String plotData(List<Map<String, Object>> runs) {
        Map<String, double[][]> per = perConcurrency(runs);
        StringBuilder b = new StringBuilder("# conc\tobo_rps\tobo_rps_min\tobo_rps_max\tobo_p99\tobo_p99_min\t"
                + "obo_p99_max\tbuiltin_rps\tbuiltin_rps_min\tbuiltin_rps_max\tbuiltin_p99\tbuiltin_p99_min\t"
                + "builtin_p99_max\n");
        TreeSet<Integer> concurrencies = new TreeSet<>();
        per.keySet().forEach(k -> concurrencies.add(Integer.parseInt(k.split(" ")[0])));
        for (int c : concurrencies) {
            b.append(c);
            for (String exchange : List.of("obo", "builtin")) {
                double[][] v = per.get(c + " " + exchange);
                for (double[] series : v) {
                    List<Double> l = list(series);
                    b.append(String.format(Locale.ROOT, "\t%.3f\t%.3f\t%.3f", median(l), min(l), max(l)));
                }
            }
            b.append('\n');
        }
        return b.toString();
    }

    private static List<Double> list(double[] values) {
        List<Double> l = new ArrayList<>();
        for (double v : values) {
            l.add(v);
        }
        return l;
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    }

    private static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    }

    private static String x(Object ratio) {
        return String.format(Locale.ROOT, "x%.2f", ((Number) ratio).doubleValue());
    }
}
