package com.ecommerce.pipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void percentilesUseTheNearestRank() {
        long[] values = new long[100];
        for (int i = 0; i < 100; i++) {
            values[i] = 100 - i; // 1..100, unsorted
        }
        assertThat(Stats.percentile(values, 50)).isEqualTo(50);
        assertThat(Stats.percentile(values, 99)).isEqualTo(99);
        assertThat(Stats.percentile(values, 100)).isEqualTo(100);
        assertThat(Stats.percentile(new long[] {7}, 99)).isEqualTo(7);
        assertThat(Stats.percentile(new long[0], 50)).isNaN();
    }

    @Test
    void backlogRateCountsOnlyIntervalsThatStartedBehind() {
        List<Stats.Sample> s = List.of(
                new Stats.Sample(0, 0, 0), // idle: 0→3 s not counted
                new Stats.Sample(3, 300, 10_000), // behind: 3→6 s counted, 900 rows
                new Stats.Sample(6, 1_200, 8_000), // behind: 6→9 s counted, 600 rows
                new Stats.Sample(9, 1_800, 1_000), // caught up: 9→12 s not counted
                new Stats.Sample(12, 1_900, 0));
        assertThat(Stats.backlogRate(s, 5_000)).isCloseTo(1_500 / 6.0, within(1e-9));
        assertThat(Stats.backlogRate(s, 50_000)).isNull();
    }

    @Test
    void reachedAtInterpolatesBetweenSamples() {
        List<Stats.Sample> s =
                List.of(new Stats.Sample(0, 0, 0), new Stats.Sample(10, 400, 0), new Stats.Sample(20, 1_000, 0));
        assertThat(Stats.reachedAt(s, 700)).isCloseTo(15.0, within(1e-9));
        assertThat(Stats.reachedAt(s, 1_000)).isCloseTo(20.0, within(1e-9));
        assertThat(Stats.reachedAt(s, 1_001)).isNull();
        assertThat(Stats.firstRowAt(s)).isEqualTo(10.0);
    }

    @Test
    void goalsSayByHowMuchTheyAreMissed() {
        assertThat(Stats.atLeast(0.85, 0.8, "%")).isEqualTo("met");
        assertThat(Stats.atLeast(0.6, 0.8, "%")).isEqualTo("missed by 20 points (75 % of it)");
        assertThat(Stats.atLeast(12.5, 20, "×")).isEqualTo("missed by 7.5× (63 % of it)");
        assertThat(Stats.atMost(240, 300, "s")).isEqualTo("met");
        assertThat(Stats.atMost(450, 300, "s")).isEqualTo("missed by 150.0 s (1.5× the goal)");
        assertThat(Stats.atLeast(Double.NaN, 1, "%")).isEqualTo("not measured");
    }

    @Test
    void ratesAndRatiosOfNothingAreNotNumbers() {
        assertThat(Stats.rate(1_000, 4)).isEqualTo(250);
        assertThat(Stats.rate(1_000, 0)).isZero();
        assertThat(Stats.ratio(1, 0)).isNaN();
        assertThat(Stats.pct(Double.NaN)).isEqualTo("n/a");
        assertThat(Stats.n(1234567.4)).isEqualTo("1,234,567");
        assertThat(Stats.times(25.4)).isEqualTo("25×");
        assertThat(Stats.times(2.54)).isEqualTo("2.5×");
    }
}
