package com.ecommerce.pipeline.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The CPU one unit of work (a row, a request) cost each process, from two {@link CpuTables#now()} readings around it:
 * where a goal is missed, the report says from these what the 2 cores allow at most, whatever the code's latency.
 *
 * @param perUnit CPU seconds per unit by process, most first (processes under 1 % of the total left out)
 * @param total CPU seconds per unit of every process, those left out included
 * @param busy the share of the cores used while the work ran
 */
record CpuCost(List<Map.Entry<String, Double>> perUnit, double total, double busy) {

    static final int CORES = 2;

    /**
     * {@code extraSeconds}: CPU of a process outside the suite's list (the replay client), by name; {@code seconds}: the
     * wall time the readings span.
     */
    static CpuCost of(
            Map<String, Double> before,
            Map<String, Double> after,
            Map<String, Double> extraSeconds,
            double units,
            double seconds) {
        List<Map.Entry<String, Double>> used = new ArrayList<>(CpuTables.used(before, after));
        used.addAll(extraSeconds.entrySet());
        double all = used.stream().mapToDouble(Map.Entry::getValue).sum();
        List<Map.Entry<String, Double>> shown = used.stream()
                .filter(e -> e.getValue() >= 0.01 * all)
                .sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
                .map(e -> Map.entry(e.getKey(), e.getValue() / units))
                .toList();
        return new CpuCost(shown, all / units, all / (CORES * seconds));
    }

    /** Units per second the cores give if they do only this work at this cost. */
    double maxRate() {
        return CORES / total;
    }

    /** Units per second the cores give to this work if {@code process} alone used them, NaN if it is not listed. */
    double maxRateOf(String process) {
        return perUnit.stream()
                .filter(e -> e.getKey().equals(process))
                .mapToDouble(e -> CORES / e.getValue())
                .findFirst()
                .orElse(Double.NaN);
    }

    /** "ingest-service 21.7 µs, replay client 14.0 µs (40.1 µs in all)", in {@code unit}s ("µs" or "ms"). */
    String describe(String unit) {
        double scale = unit.equals("µs") ? 1e6 : 1e3;
        List<String> parts = new ArrayList<>();
        perUnit.forEach(e -> parts.add(e.getKey() + " " + format(e.getValue() * scale, unit)));
        return String.join(", ", parts) + " (" + format(total * scale, unit) + " in all)";
    }

    static String format(double v, String unit) {
        return String.format(Locale.ROOT, v < 10 ? "%.1f %s" : "%.0f %s", v, unit);
    }
}
