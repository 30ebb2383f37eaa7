package com.ecommerce.pipeline.bench;

import static com.ecommerce.pipeline.bench.Stats.n;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Each consumer's measured rates: into its sink in the end-to-end run, and its capacity (the drain of a standing
 * backlog) when that phase ran. The sink ceilings and the reference way compare the capacity when it was measured.
 */
final class ConsumerRates {

    /** Each consumer's rate into its sink in the end-to-end run (while it had a backlog, if it had one). */
    private final Map<String, Double> endToEnd = new LinkedHashMap<>();
    /** Each consumer's drain of a standing backlog after a restart (the capacity phase), when it ran. */
    private final Map<String, Stats.Drain> capacity = new LinkedHashMap<>();
    /** The CPU a row of each consumer's drain cost each process, over the drain alone (start and lease wait left out). */
    private final Map<String, CpuCost> drainCost = new LinkedHashMap<>();

    void endToEnd(String consumer, double rate) {
        endToEnd.put(consumer, rate);
    }

    double endToEnd(String consumer) {
        return endToEnd.getOrDefault(consumer, Double.NaN);
    }

    void capacity(String consumer, Stats.Drain drain) {
        capacity.put(consumer, drain);
    }

    void drainCost(String consumer, CpuCost cost) {
        drainCost.put(consumer, cost);
    }

    /** The CPU a row of its drain cost, null when the drain was not measured whole. */
    CpuCost drainCost(String consumer) {
        return drainCost.get(consumer);
    }

    /** A consumer's rate compared with its sink's ceiling and the per-row way: its capacity when measured. */
    double ours(String consumer) {
        Stats.Drain d = capacity.get(consumer);
        return d != null && !Double.isNaN(d.rate()) ? d.rate() : endToEnd(consumer);
    }

    /** Which rate {@link #ours} is. */
    String oursLabel(String consumer) {
        Stats.Drain d = capacity.get(consumer);
        if (d == null || Double.isNaN(d.rate())) {
            return "end-to-end rate";
        }
        return d.complete()
                ? "capacity: drain of a standing backlog"
                : "capacity: drain of a standing backlog, " + n(d.rows()) + " rows within the time limit";
    }

    /** Each consumer's goal against its sink's ceiling: issue 14 (s3-archiver, warehouse-loader), issue 13 (DynamoDB). */
    static double ceilingGoal(String consumer) {
        return switch (consumer) {
            case "s3-archiver", "dynamo-writer" -> 0.7;
            default -> 0.5;
        };
    }
}
