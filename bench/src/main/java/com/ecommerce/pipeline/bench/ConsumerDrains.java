package com.ecommerce.pipeline.bench;

import static com.ecommerce.pipeline.bench.Stats.n;
import static com.ecommerce.pipeline.bench.Stats.sec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Each consumer in turn drains the standing backlog alone: started, its counter sampled until it has written the
 * backlog's rows, stopped again. Alone, as its sink's raw ceiling runs: with all three draining at once each had a
 * third of the cores, and the ratio to the ceiling measured that share.
 */
final class ConsumerDrains {

    static final String[] CONSUMERS = Stack.CONSUMER_ORDER.toArray(String[]::new);
    /** The limit of a drain: then it reports what was done. */
    static final Duration LIMIT = Duration.ofMinutes(20);

    private final BenchRun b;

    /** Each consumer's JIT compile time at the end of its drain: the same work every run, so the host's speed. */
    private final Map<String, Long> compileMillis = new java.util.LinkedHashMap<>();

    ConsumerDrains(BenchRun b) {
        this.b = b;
    }

    /** Drains {@code target} rows with each consumer in turn; the table, and each one's capacity into the rates. */
    void drain(long target) throws Exception {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of(
                "consumer",
                "rows",
                "seconds (writing)",
                "capacity rows/s",
                "start and lease wait (not counted)",
                "its end-to-end rate",
                "CPU of the consumer / of all, while it ran",
                "BI summaries exact after the last row"));
        for (String c : CONSUMERS) {
            rows.add(drainOne(c, target));
        }
        BenchCommand opt = b.opt();
        b.report()
                .para("Then each consumer in turn, alone: `./pipeline start CONSUMER` (as `up` starts it, with the same"
                        + " JVM options), its `" + Stack.CONSUMER_ROWS + "` read every " + opt.capacitySampleSeconds
                        + " s until it had the " + n(target) + " rows that waited on APIData for it (a standing"
                        + " backlog), then `./pipeline stop CONSUMER`. Alone, as its sink's ceiling runs below. A"
                        + " restarted process counts from zero. Its capacity is the rows over the time from the last"
                        + " sample at zero before its first rows — so the JVM start and KCL's take-over of the stopped"
                        + " worker's leases are not counted (that wait is its own column) — to the first sample"
                        + " showing all of them; a consumer flushes as soon as a poll finds it caught up, so no age"
                        + " limit is waited for at the end. Both ends are taken at samples: the rate is a lower bound,"
                        + " each end within " + opt.capacitySampleSeconds + " s (sampled this often only here: the"
                        + " drains take a few seconds). Time limit " + LIMIT.toMinutes()
                        + " min; past it the rate is over what was written. warehouse-loader folds its BI summaries"
                        + " from a delta log behind the load (while it drains a backlog its folders wait until the"
                        + " backlog is loaded), so after its last row it keeps running until `bi_pending` is empty"
                        + " (polled every 0.25 s): the last column.");
        b.report().table(rows);
        b.report()
                .para("Each consumer's JVM compiled for "
                        + String.join(
                                ", ",
                                compileMillis.entrySet().stream()
                                        .map(e -> e.getKey() + " " + n(e.getValue()) + " ms")
                                        .toList())
                        + " by the end of its drain (`" + Stack.JIT_MILLIS + "`, its compiler threads' time). A fresh"
                        + " JVM compiles the same code in every run, so across runs these read the host's speed"
                        + " during the drain ([bench](../bench/README.md#the-hosts-speed)).");
    }

    private List<String> drainOne(String c, long target) throws Exception {
        Stack stack = b.stack();
        List<Stats.Sample> samples = new ArrayList<>();
        Map<String, Double> cpu0 = b.cpu().now();
        long t0 = System.nanoTime();
        Stack.Run started =
                stack.pipeline(b.opt().servicesEnv(), Duration.ofMinutes(10), CapacityPhase.withCommand("start", c));
        if (started.exit() != 0) {
            b.report()
                    .para("`./pipeline start " + c + "` exited " + started.exit() + ":")
                    .code(started.tail(5));
        }
        long deadline = t0 + LIMIT.toNanos();
        double wall;
        // CPU readings at the last sample at zero and at the one showing every row: the drain's own window, without
        // the JVM start and the lease wait, for what binds it (SinkCeilingsPhase).
        Map<String, Double> cpuAtZero = null;
        Map<String, Double> cpuAtDone = null;
        while (true) {
            double t = (System.nanoTime() - t0) / 1e9;
            long written = stack.consumerRows(c);
            if (written < 0) { // not answering yet: nothing written in this process
                written =
                        samples.isEmpty() ? 0 : samples.get(samples.size() - 1).rows();
            }
            samples.add(new Stats.Sample(t, written, target));
            if (written == 0) {
                cpuAtZero = b.cpu().now();
            } else if (written >= target) {
                cpuAtDone = b.cpu().now();
            }
            if (written >= target || started.exit() != 0 || System.nanoTime() > deadline) {
                wall = t;
                break;
            }
            Thread.sleep((long) (b.opt().capacitySampleSeconds * 1000));
        }
        double biLag = c.equals("warehouse-loader") && written(samples) >= target ? biCatchUp() : -1;
        Map<String, Double> cpu1 = b.cpu().now();
        compileMillis.put(c, stack.consumerCompileMillis(c));
        stack.pipeline(Map.of(), Duration.ofMinutes(5), "stop", c);
        Stats.Drain d = Stats.drain(samples, target);
        b.rates().capacity(c, d);
        if (d.complete() && cpuAtZero != null && cpuAtDone != null && d.doneAt() > d.startedAt()) {
            b.rates().drainCost(c, CpuCost.of(cpuAtZero, cpuAtDone, Map.of(), target, d.doneAt() - d.startedAt()));
        }
        double own = cpu1.getOrDefault(c, 0.0) - cpu0.getOrDefault(c, 0.0);
        double all = cpu1.values().stream().mapToDouble(Double::doubleValue).sum()
                - cpu0.values().stream().mapToDouble(Double::doubleValue).sum();
        return row(c, d, target, wall, b.rates().endToEnd(c), own, all, biLag);
    }

    private static long written(List<Stats.Sample> samples) {
        return samples.isEmpty() ? 0 : samples.get(samples.size() - 1).rows();
    }

    /** Seconds until warehouse-loader's BI delta log is empty (its summaries exact); NaN past five minutes. */
    private static double biCatchUp() throws Exception {
        long start = System.nanoTime();
        long deadline = start + Duration.ofMinutes(5).toNanos();
        try (java.sql.Connection c = SinkBench.pg();
                java.sql.PreparedStatement pending = c.prepareStatement("SELECT count(*) FROM bi_pending")) {
            while (System.nanoTime() < deadline) {
                try (java.sql.ResultSet rs = pending.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) == 0) {
                        return (System.nanoTime() - start) / 1e9;
                    }
                }
                Thread.sleep(250);
            }
        }
        return Double.NaN;
    }

    /** A consumer's row of the table: its drain, its end-to-end rate, its CPU and everything's while it ran. */
    static List<String> row(
            String c, Stats.Drain d, long target, double wall, double endToEnd, double own, double all, double biLag) {
        return List.of(
                c,
                n(d.rows()) + (d.complete() ? "" : " of " + n(target) + " (not all)"),
                d.startedAt() == null
                        ? "n/a"
                        : sec((d.complete() ? d.doneAt() : wall) - d.startedAt()) + (d.complete() ? "" : " (limit)"),
                n(d.rate()),
                d.startedAt() == null ? "no rows" : sec(d.startedAt()),
                n(endToEnd) + " rows/s",
                String.format(Locale.ROOT, "%.1f s / %.1f s over %s (JVM start included)", own, all, sec(wall)),
                !c.equals("warehouse-loader")
                        ? ""
                        : biLag < 0
                                ? "not measured (not every row written)"
                                : Double.isNaN(biLag) ? "not within 5 min" : sec(biLag) + " more");
    }
}
