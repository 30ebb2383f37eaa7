package com.ecommerce.pipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LagCurveTest {

    @Test
    void atMostAboutFortyRowsAreShown() {
        assertThat(LagCurve.step(1)).isEqualTo(1);
        assertThat(LagCurve.step(40)).isEqualTo(1);
        assertThat(LagCurve.step(41)).isEqualTo(2);
        assertThat(LagCurve.step(172)).isEqualTo(5);
    }

    @Test
    void eachRowHasTheAcceptedRowsEachConsumersRowsBacklogAndBar() {
        Map<String, List<Stats.Sample>> samples = Map.of(
                "s3-archiver",
                        List.of(
                                new Stats.Sample(0, 0, -1),
                                new Stats.Sample(1, 500, 1_000),
                                new Stats.Sample(2, 1_000, 1_000)),
                "dynamo-writer",
                        List.of(
                                new Stats.Sample(0, 0, -1),
                                new Stats.Sample(1, 100, 1_000),
                                new Stats.Sample(2, 1_000, 1_000)),
                // one sample short: its last one stands
                "warehouse-loader", List.of(new Stats.Sample(0, 0, -1), new Stats.Sample(1, 0, 1_000)));
        List<List<String>> rows = LagCurve.rows(samples, 1_000);
        assertThat(rows.get(0))
                .containsExactly(
                        "t",
                        "accepted by ingest",
                        "s3-archiver rows",
                        "backlog",
                        "dynamo-writer rows",
                        "backlog",
                        "warehouse-loader rows",
                        "backlog",
                        "progress (█ = 50 rows; a = archiver, d = dynamo, w = warehouse)");
        assertThat(rows.get(1)).containsExactly("0.0 s", "n/a", "0", "n/a", "0", "n/a", "0", "n/a", "`s  d  w`");
        // 500 rows of 1,000 = 10 of 20 bars, 100 = 2
        assertThat(rows.get(2))
                .containsExactly("1.0 s", "1,000", "500", "500", "100", "900", "0", "1,000", "`s ██████████ d ██ w`");
        assertThat(rows.get(3))
                .containsExactly(
                        "2.0 s",
                        "1,000",
                        "1,000",
                        "0",
                        "1,000",
                        "0",
                        "0",
                        "1,000",
                        "`s ████████████████████ d ████████████████████ w`");
    }

    @Test
    void everyStepthSampleIsShownAndTheLast() {
        List<Stats.Sample> s =
                IntStream.range(0, 45).mapToObj(i -> new Stats.Sample(i, i, 45)).toList();
        List<List<String>> rows =
                LagCurve.rows(Map.of("s3-archiver", s, "dynamo-writer", s, "warehouse-loader", s), 45);
        // step 2: samples 0, 2, …, 44 (the last is an even one too): 23 rows under the header
        assertThat(rows).hasSize(24);
        assertThat(rows.get(2).get(0)).isEqualTo("2.0 s");
        assertThat(rows.get(23).get(0)).isEqualTo("44.0 s");
        List<Stats.Sample> t = s.subList(0, 44); // 0..43: step 2 shows 0, 2, …, 42 and the last, 43
        rows = LagCurve.rows(Map.of("s3-archiver", t, "dynamo-writer", t, "warehouse-loader", t), 45);
        assertThat(rows).hasSize(24);
        assertThat(rows.get(22).get(0)).isEqualTo("42.0 s");
        assertThat(rows.get(23).get(0)).isEqualTo("43.0 s");
    }
}
