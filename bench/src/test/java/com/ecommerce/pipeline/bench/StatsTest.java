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
    void backlogRateCountsOnlyIntervalsThatBeganWithEnoughAcceptedRowsWaiting() {
        // (t, rows written by the consumer, rows accepted by ingest so far); backlog = accepted - written
        List<Stats.Sample> s = List.of(
                new Stats.Sample(0, 0, 0), // backlog 0: 0→3 s not counted
                new Stats.Sample(3, 0, 2_500), // backlog 2,500: 3→6 s counted, 600 rows
                new Stats.Sample(6, 600, 5_000), // backlog 4,400: 6→9 s counted, 900 rows
                new Stats.Sample(9, 1_500, 5_000), // backlog 3,500: 9→12 s counted, 2,100 rows
                new Stats.Sample(12, 3_600, 5_000), // backlog 1,400: 12→15 s not counted
                new Stats.Sample(15, 5_000, 5_000));
        // by hand: (600 + 900 + 2,100) rows / 9 s = 400 rows/s
        assertThat(Stats.backlogRate(s, 2_000)).isCloseTo(400.0, within(1e-9));
        // only 6→9 s began with 4,000+ waiting: 900 / 3 = 300 rows/s
        assertThat(Stats.backlogRate(s, 4_000)).isCloseTo(300.0, within(1e-9));
        assertThat(Stats.backlogRate(s, 5_000)).isNull();
    }

    @Test
    void theBacklogIsNeverNegativeAndUnknownWithoutTheIngestCount() {
        // ingest's counter is bumped after the records are put, so a consumer may briefly be ahead of it
        assertThat(new Stats.Sample(1, 700, 500).backlog()).isZero();
        assertThat(new Stats.Sample(1, 700, 3_000).backlog()).isEqualTo(2_300);
        assertThat(new Stats.Sample(1, 700, -1).backlog()).isEqualTo(-1);
        List<Stats.Sample> unknown =
                List.of(new Stats.Sample(0, 0, -1), new Stats.Sample(3, 900, -1), new Stats.Sample(6, 1_800, -1));
        assertThat(Stats.backlogRate(unknown, 1)).isNull();
    }

    @Test
    void aConsumersStartIsTheLastSampleAtZeroRowsSoColdStartIsNotCounted() {
        List<Stats.Sample> s = List.of(
                new Stats.Sample(0, 0, 0),
                new Stats.Sample(3, 0, 1_000),
                new Stats.Sample(6, 0, 2_000), // last sample at zero rows: the start
                new Stats.Sample(9, 600, 3_000),
                new Stats.Sample(12, 1_500, 3_000),
                new Stats.Sample(15, 2_400, 3_000),
                new Stats.Sample(18, 3_000, 3_000));
        assertThat(Stats.firstRowAt(s)).isEqualTo(9.0);
        assertThat(Stats.startedAt(s)).isEqualTo(6.0);
        // by hand: 3,000 rows from 6 s to 18 s = 250 rows/s (not 3,000 / 18 s, not 3,000 / 9 s from the first rows)
        assertThat(Stats.overallRate(s, 3_000)).isCloseTo(250.0, within(1e-9));
        // half the rows: reached at 12 + (1,500 - 1,500) ... = 12 s exactly; 1,500 / 6 s = 250 rows/s
        assertThat(Stats.overallRate(s, 1_500)).isCloseTo(250.0, within(1e-9));
    }

    @Test
    void allRowsWithinOneSamplingIntervalIsARateOverThatInterval() {
        // The 03:11 run's s3-archiver: nothing until 28 s, all 20,000 rows at 30 s. It printed "0 overall"
        // (first rows at 30 s, done at 30 s); the rows were written within 28→30 s: 10,000 rows/s.
        List<Stats.Sample> s = List.of(
                new Stats.Sample(26, 0, 15_133), new Stats.Sample(28, 0, 20_000), new Stats.Sample(30, 20_000, 20_000));
        assertThat(Stats.startedAt(s)).isEqualTo(28.0);
        assertThat(Stats.reachedAt(s, 20_000)).isCloseTo(30.0, within(1e-9));
        assertThat(Stats.overallRate(s, 20_000)).isCloseTo(10_000.0, within(1e-9));
    }

    @Test
    void noRateWithoutAStartOrWithoutTimePassing() {
        assertThat(Stats.startedAt(List.of(new Stats.Sample(0, 0, 0), new Stats.Sample(3, 0, 0))))
                .isNull();
        assertThat(Stats.overallRate(List.of(new Stats.Sample(0, 0, 0)), 1)).isNaN();
        // rows already in the first sample: start and end are that sample, no time to divide by
        assertThat(Stats.startedAt(List.of(new Stats.Sample(4, 100, 100)))).isEqualTo(4.0);
        assertThat(Stats.overallRate(List.of(new Stats.Sample(4, 100, 100)), 100))
                .isNaN();
        // not all rows reached
        assertThat(Stats.overallRate(List.of(new Stats.Sample(0, 0, 0), new Stats.Sample(3, 50, 100)), 100))
                .isNaN();
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

    @Test
    void aDrainRunsFromTheLastSampleAtZeroToTheFirstSampleWithEveryRow() {
        // A restarted consumer, 10,000 rows waiting: 0-9 s starting and taking over leases, first rows by 12 s.
        // rows written at 0, 3, 6, ... s; the last at zero (9 s) starts the drain; all rows first seen at 21 s (not
        // interpolated back into 18-21 s)
        List<Stats.Sample> s = everyStep(3, 10_000, 0, 0, 0, 0, 2_000, 7_000, 9_999, 10_000, 10_000);
        Stats.Drain d = Stats.drain(s, 10_000);
        assertThat(d.startedAt()).isEqualTo(9.0);
        assertThat(d.doneAt()).isEqualTo(21.0);
        assertThat(d.complete()).isTrue();
        assertThat(d.rows()).isEqualTo(10_000);
        // by hand: 10,000 rows / (21 - 9) s
        assertThat(d.rate()).isCloseTo(833.333, within(1e-3));
    }

    @Test
    void aDrainOfEverythingInOneFlushIsOneSamplingIntervalNotAnInstant() {
        // s3-archiver flushes its buffers on a timer: all rows appear between two samples.
        List<Stats.Sample> s = everyStep(3, 6_000, 0, 0, 6_000);
        Stats.Drain d = Stats.drain(s, 6_000);
        assertThat(d.startedAt()).isEqualTo(3.0);
        assertThat(d.rate()).isCloseTo(2_000.0, within(1e-9)); // 6,000 rows / 3 s
    }

    @Test
    void aDrainThatDidNotFinishIsARateOverWhatWasWrittenUntilTheLastProgress() {
        // every 5 s; last progress at 15 s
        List<Stats.Sample> s = everyStep(5, 50_000, 0, 0, 1_000, 3_000, 3_000);
        Stats.Drain d = Stats.drain(s, 50_000);
        assertThat(d.complete()).isFalse();
        assertThat(d.doneAt()).isNull();
        assertThat(d.rows()).isEqualTo(3_000);
        assertThat(d.rate()).isCloseTo(300.0, within(1e-9)); // 3,000 rows / (15 - 5) s
    }

    @Test
    void aConsumerThatWroteNothingHasNoDrain() {
        List<Stats.Sample> s = List.of(new Stats.Sample(0, 0, 100), new Stats.Sample(3, 0, 100));
        Stats.Drain d = Stats.drain(s, 100);
        assertThat(d.startedAt()).isNull();
        assertThat(d.rows()).isZero();
        assertThat(d.rate()).isNaN();
    }

    /** Samples {@code step} seconds apart from 0 s, with these rows written and {@code target} rows waiting. */
    private static List<Stats.Sample> everyStep(double step, long target, long... rows) {
        List<Stats.Sample> out = new java.util.ArrayList<>();
        for (int i = 0; i < rows.length; i++) {
            out.add(new Stats.Sample(i * step, rows[i], target));
        }
        return out;
    }
}
