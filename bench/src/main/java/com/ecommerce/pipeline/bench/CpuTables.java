package com.ecommerce.pipeline.bench;

import static com.ecommerce.pipeline.bench.Stats.pct;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU seconds per process of the suite, and the report's tables of what each process used while a phase ran; the
 * busiest processes of each table are kept for the summary at the end.
 */
final class CpuTables {

    static final String BENCHMARK_JVM = "benchmark JVM (raw SDK clients, sampling)";

    private final Stack stack;
    private final Report report;
    /** The busiest processes of each table, by its title. */
    private final Map<String, String> busiest = new LinkedHashMap<>();

    CpuTables(Stack stack, Report report) {
        this.stack = stack;
        this.report = report;
    }

    /** CPU seconds used so far by each process of the suite (grouped by what it is) and by this JVM. */
    Map<String, Double> now() {
        Map<String, Double> out = new TreeMap<>();
        for (Stack.Proc p : stack.processes()) {
            double s = p.cpuSeconds();
            if (s >= 0) {
                out.merge(p.name(), s, Double::sum);
            }
        }
        out.put(BENCHMARK_JVM, ProcStats.cpuSeconds(ProcessHandle.current().pid()));
        return out;
    }

    void table(String title, Map<String, Double> before, Map<String, Double> after, double seconds) {
        table(title, before, after, seconds, null);
    }

    /** {@code clientCpuMillis}: the replay client's CPU, a row of its own (it is not a process of the suite). */
    void table(
            String title, Map<String, Double> before, Map<String, Double> after, double seconds, Long clientCpuMillis) {
        busiest.put(title, busiest(before, after, seconds));
        report.para(title + " — CPU seconds per process from `/proc/<pid>/stat` (utime + stime):");
        report.table(rows(before, after, seconds, clientCpuMillis));
    }

    /** Each table's busiest processes, by its title, in the order the tables were written. */
    Map<String, String> busiest() {
        return Collections.unmodifiableMap(busiest);
    }

    /** The three processes that used the most, each with its share of the 2 cores. */
    static String busiest(Map<String, Double> before, Map<String, Double> after, double seconds) {
        return String.join(
                ", ",
                used(before, after).stream()
                        .limit(3)
                        .map(e -> e.getKey() + " " + pct(e.getValue() / (2 * seconds)))
                        .toList());
    }

    /** The table: the processes that used at least 0.05 s, most first, the client if given, then all of them. */
    static List<List<String>> rows(
            Map<String, Double> before, Map<String, Double> after, double seconds, Long clientCpuMillis) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("process", "CPU s", "share of 2 cores"));
        double total = 0;
        for (var e : used(before, after)) {
            double used = e.getValue();
            if (used < 0.05) {
                continue;
            }
            total += used;
            rows.add(List.of(e.getKey(), oneDecimal(used), pct(used / (2 * seconds))));
        }
        if (clientCpuMillis != null) {
            rows.add(List.of(
                    "replay client (java)",
                    oneDecimal(clientCpuMillis / 1000.0),
                    pct(clientCpuMillis / 1000.0 / (2 * seconds))));
            total += clientCpuMillis / 1000.0;
        }
        rows.add(List.of("**all**", oneDecimal(total), pct(total / (2 * seconds))));
        return rows;
    }

    /** What each process used between the two readings, most first (one gone since counts from zero). */
    static List<Map.Entry<String, Double>> used(Map<String, Double> before, Map<String, Double> after) {
        List<Map.Entry<String, Double>> used = new ArrayList<>();
        for (var e : after.entrySet()) {
            used.add(Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0.0)));
        }
        used.sort((a, b) -> Double.compare(b.getValue(), a.getValue()));
        return used;
    }

    private static String oneDecimal(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
