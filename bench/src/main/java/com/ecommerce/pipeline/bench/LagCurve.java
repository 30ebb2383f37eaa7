package com.ecommerce.pipeline.bench;

import static com.ecommerce.pipeline.bench.Stats.n;
import static com.ecommerce.pipeline.bench.Stats.sec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The end-to-end run's lag curve: at most about 40 of the samples (every step-th and the last), with rows accepted by
 * ingest-service and each consumer's rows, backlog and a bar of its progress.
 */
final class LagCurve {

    private LagCurve() {}

    /** Every how many samples a row is shown, for {@code samples} samples. */
    static int step(int samples) {
        return Math.max(1, (int) Math.ceil(samples / 40.0));
    }

    /** The table (header first); {@code samples}: each consumer's, in {@link Stack#CONSUMER_ORDER}, aligned. */
    static List<List<String>> rows(Map<String, List<Stats.Sample>> samples, int total) {
        List<Stats.Sample> first = samples.get(Stack.CONSUMER_ORDER.get(0));
        int n = first.size();
        int step = step(n);
        List<List<String>> rows = new ArrayList<>();
        List<String> head = new ArrayList<>(List.of("t", "accepted by ingest"));
        for (String c : Stack.CONSUMER_ORDER) {
            head.add(c + " rows");
            head.add("backlog");
        }
        head.add("progress (█ = " + n(total / 20) + " rows; a = archiver, d = dynamo, w = warehouse)");
        rows.add(head);
        for (int i = 0; i < n; i++) {
            if (i % step != 0 && i != n - 1) {
                continue;
            }
            List<String> row = new ArrayList<>();
            row.add(sec(first.get(i).t()));
            long ingested = first.get(i).ingested();
            row.add(ingested < 0 ? "n/a" : n(ingested));
            StringBuilder bars = new StringBuilder();
            for (String c : Stack.CONSUMER_ORDER) {
                List<Stats.Sample> s = samples.get(c);
                Stats.Sample x = i < s.size() ? s.get(i) : s.get(s.size() - 1);
                row.add(n(x.rows()));
                row.add(x.backlog() < 0 ? "n/a" : n(x.backlog()));
                bars.append(c.charAt(0))
                        .append(" ")
                        .append("█".repeat((int) Math.min(20, x.rows() * 20L / Math.max(1, total))))
                        .append(" ");
            }
            row.add("`" + bars.toString().strip() + "`");
            rows.add(row);
        }
        return rows;
    }
}
