package com.ecommerce.pipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The rows the phases write, from figures given by hand. */
class PhaseRowsTest {

    @Test
    void aConsumerAgainstItsSinksCeilingAndItsGoal() {
        // 700 of 1,000 rows/s against dynamo-writer's 70 %
        BoundedRun.Result ceiling = new BoundedRun.Result(10_000, 10, 4, 4);
        assertThat(SinkCeilingsPhase.row("dynamo-writer", 700, "end-to-end rate", "plain", ceiling))
                .containsExactly(
                        "dynamo-writer",
                        "700 rows/s (end-to-end rate)",
                        "1,000 rows/s (plain)",
                        "10,000 in 10.0 s",
                        "70 %",
                        "≥ 70 %: met");
        // 400 of 1,000 against warehouse-loader's 50 %, a ceiling run stopped by its time limit
        BoundedRun.Result bounded = new BoundedRun.Result(10_000, 10, 3, 4);
        assertThat(SinkCeilingsPhase.row("warehouse-loader", 400, "end-to-end rate", "`COPY`", bounded))
                .containsExactly(
                        "warehouse-loader",
                        "400 rows/s (end-to-end rate)",
                        "1,000 rows/s (`COPY`)",
                        "10,000 in 10.0 s (time limit)",
                        "40 %",
                        "≥ 50 %: missed by 10 points (80 % of it)");
        assertThat(SinkCeilingsPhase.goal("warehouse-loader", 400, "end-to-end rate", bounded))
                .containsExactly(
                        "warehouse-loader ≥ 50 % of its sink's raw ceiling",
                        "40 % (400 rows/s, end-to-end rate, vs 1,000 rows/s)", "missed by 10 points (80 % of it)");
    }

    @Test
    void aReferenceRowExtrapolatesAnUnfinishedPerRowRun() {
        // 500 rows in 40 s = 12.5 rows/s: the 5,000-row slice would take 400 s; 20,000 / 12.5 = 1,600×
        ReferenceTable.Row row = ReferenceWayPhase.row(
                "Kinesis, SDK straight: packed", 20_000, null, new BoundedRun.Result(500, 40, 3, 4), 5_000, null);
        assertThat(row.ratio()).isEqualTo(1_600);
        assertThat(row.cells())
                .containsExactly(
                        "Kinesis, SDK straight: packed",
                        "20,000 rows/s",
                        "13 rows/s (500 rows in 40.0 s (time limit; the slice would take ~400.0 s, extrapolated))",
                        "1600×",
                        "met");
        ReferenceTable.Row done = ReferenceWayPhase.row(
                "client", 1_000, "capacity", new BoundedRun.Result(5_000, 100, 4, 4), 5_000, "7 retries, same key");
        assertThat(done.cells())
                .containsExactly(
                        "client",
                        "1,000 rows/s (capacity)",
                        "50 rows/s (5,000 rows in 100.0 s; 7 retries, same key)",
                        "20×",
                        "met");
    }

    @Test
    void aConsumersDrainRow() {
        assertThat(ConsumerDrains.row(
                        "s3-archiver",
                        new Stats.Drain(3.0, 13.0, 10_000, 1_000),
                        10_000,
                        14,
                        900,
                        5.25,
                        12,
                        Double.NaN))
                .containsExactly(
                        "s3-archiver",
                        "10,000",
                        "10.0 s",
                        "1,000",
                        "3.0 s",
                        "900 rows/s",
                        "5.3 s / 12.0 s over 14.0 s (JVM start included)",
                        "");
        // stopped by the time limit at 20 s: its seconds run to the end of the sampling
        assertThat(ConsumerDrains.row(
                        "dynamo-writer", new Stats.Drain(3.0, null, 4_000, 400), 10_000, 20, 300, 8, 30, Double.NaN))
                .startsWith("dynamo-writer", "4,000 of 10,000 (not all)", "17.0 s (limit)", "400", "3.0 s");
        assertThat(ConsumerDrains.row(
                        "warehouse-loader",
                        new Stats.Drain(null, null, 0, Double.NaN),
                        10_000,
                        20,
                        Double.NaN,
                        1,
                        2,
                        -1))
                .startsWith("warehouse-loader", "0 of 10,000 (not all)", "n/a", "n/a", "no rows", "n/a rows/s")
                .endsWith("not measured (not every row written)");
        // its BI summaries exact 2.5 s after its last row
        assertThat(ConsumerDrains.row(
                        "warehouse-loader", new Stats.Drain(3.0, 13.0, 10_000, 1_000), 10_000, 14, 900, 5, 12, 2.5))
                .endsWith("2.5 s more");
        assertThat(ConsumerDrains.row(
                        "warehouse-loader",
                        new Stats.Drain(3.0, 13.0, 10_000, 1_000),
                        10_000,
                        14,
                        900,
                        5,
                        12,
                        Double.NaN))
                .endsWith("not within 5 min");
    }

    @Test
    void theMemoryTableShowsTheLargestOfSeveralProcessesAndTheClient() {
        Map<String, long[]> byName = new TreeMap<>();
        byName.put("PostgreSQL", new long[] {204_800, 5});
        byName.put("query-api", new long[] {307_200, 1});
        assertThat(MemoryPhase.rows(byName, null, 1_048_576))
                .containsExactly(
                        List.of("process", "peak RSS (VmHWM)"),
                        List.of("PostgreSQL (largest of 5 processes)", "200 MB"),
                        List.of("query-api", "300 MB"),
                        List.of("replay client (`./pipeline replay`, the full run)", "n/a"),
                        List.of("this benchmark's JVM (holds the dataset and the read-back sinks)", "1,024 MB"));
        assertThat(MemoryPhase.rows(byName, 409_600L, 1).get(3))
                .containsExactly("replay client (`./pipeline replay`, the full run)", "400 MB");
    }

    @Test
    void aCommandsTailIsItsLastLines() {
        Stack.Run run = new Stack.Run(1, 2, "first\nsecond\nthird\n\n");
        assertThat(run.tail(2)).isEqualTo("second\nthird");
        assertThat(run.tail(10)).isEqualTo("first\nsecond\nthird");
    }
}
