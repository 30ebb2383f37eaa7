package com.ecommerce.pipeline.bench;

import static com.ecommerce.pipeline.bench.Stats.times;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The side-by-side table of the reference designs' way: each layer's row is written once, as soon as it is
 * measured (a failure becomes that row), and the goals table gets one line for all layers rather than a
 * second copy of each row.
 */
final class ReferenceTable {

    static final double GOAL = 20;

    /** A measured row: its cells, and the ratio (this pipeline / one at a time) its verdict is on. */
    record Row(List<String> cells, double ratio) {}

    private final Report report;
    /** Each layer's short name ("Kinesis, SDK straight") and ratio, in order; NaN = not measured. */
    private final List<String> names = new ArrayList<>();

    private final List<Double> ratios = new ArrayList<>();

    ReferenceTable(Report report) {
        this.report = report;
        report.startTable(List.of("layer", "this pipeline", "one at a time", "ratio", "goal ≥ 20×"));
    }

    /** Measures one layer and writes its row; {@code layer} is "short name: description". */
    void row(String layer, Callable<Row> measure) {
        String name = layer.contains(":") ? layer.substring(0, layer.indexOf(':')) : layer;
        try {
            Row row = measure.call();
            report.row(row.cells());
            names.add(name);
            ratios.add(row.ratio());
        } catch (Exception | Error e) {
            report.row(
                    List.of(layer, "**failed:** `" + e.toString().replace('\n', ' ') + "`", "not measured", "n/a", ""));
            names.add(name);
            ratios.add(Double.NaN);
            e.printStackTrace();
        }
    }

    void end() {
        report.endTable();
    }

    /** The goals table's line: every layer's ratio and how many met the goal (by how much each missed: above). */
    List<String> goal() {
        List<String> measured = new ArrayList<>();
        List<String> met = new ArrayList<>();
        List<String> missed = new ArrayList<>();
        List<String> notMeasured = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            double ratio = ratios.get(i);
            String name = names.get(i);
            if (Double.isNaN(ratio)) {
                notMeasured.add(name);
                measured.add(name + " not measured");
            } else {
                (ratio >= GOAL ? met : missed).add(name);
                measured.add(name + " " + times(ratio));
            }
        }
        String verdict = "met in " + met.size() + " of " + names.size() + " layers"
                + (missed.isEmpty()
                        ? ""
                        : "; missed in " + String.join(", ", missed) + " (by how much: the table above)")
                + (notMeasured.isEmpty() ? "" : "; not measured: " + String.join(", ", notMeasured));
        return List.of(
                "≥ 20× the one-at-a-time way, in each layer of the side-by-side table",
                String.join("; ", measured),
                verdict);
    }
}
