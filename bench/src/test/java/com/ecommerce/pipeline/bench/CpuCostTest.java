package com.ecommerce.pipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CpuCostTest {

    // 1,000 rows over 2 s of wall time: ingest-service used 2.0 CPU s, kinesalite 0.5, the client 1.5 (4.0 in all,
    // the 2 cores' whole 4.0 s); query-api 0.01 s (0.25 % of all: left out of the list, counted in the total)
    private static final Map<String, Double> BEFORE =
            Map.of("ingest-service", 1.0, "kinesalite", 2.0, "query-api", 7.0);
    private static final Map<String, Double> AFTER =
            Map.of("ingest-service", 3.0, "kinesalite", 2.5, "query-api", 7.01);
    private static final CpuCost COST = CpuCost.of(BEFORE, AFTER, Map.of("replay client", 1.5), 1000, 2);

    @Test
    void costPerUnitMostFirstAndHowBusyTheCoresWere() {
        assertThat(COST.describe("ms"))
                .isEqualTo("ingest-service 2.0 ms, replay client 1.5 ms, kinesalite 0.5 ms (4.0 ms in all)");
        assertThat(COST.describe("µs"))
                .isEqualTo("ingest-service 2000 µs, replay client 1500 µs, kinesalite 500 µs (4010 µs in all)");
        assertThat(COST.busy()).isCloseTo(1.0025, within(1e-9));
    }

    @Test
    void theCoresCarryAtMostTwoSecondsOfCpuPerSecond() {
        // 2 CPU s per s / 4.01 ms per row
        assertThat(COST.maxRate()).isCloseTo(498.75, within(0.01));
        // ingest-service alone: 2 / 2.0 ms
        assertThat(COST.maxRateOf("ingest-service")).isCloseTo(1000, within(1e-9));
        assertThat(COST.maxRateOf("dynalite")).isNaN();
    }

    @Test
    void whatBindsIngestSaysTheBoundsAndWhatTheGoalWouldNeed() {
        CpuCost straight = CpuCost.of(Map.of("kinesalite", 0.0), Map.of("kinesalite", 0.1), Map.of(), 1000, 1);
        String text = CapacityPhase.whatBindsIngest(COST, straight, 2000);
        assertThat(text)
                .contains("at most 499 rows/s through the product's path (25 % of the ceiling)")
                .contains("at most 1,000 rows/s (50 %) even if ingest-service had them to itself")
                .contains("cost 100 µs a row")
                // 80 % of 2,000 = 1,600 rows/s on 2 cores: 1,250 µs a row
                .contains("80 % of the ceiling (1,600 rows/s) on 2 cores would need the whole path at 1250 µs");
    }

    @Test
    void whatBindsADrainSaysWhetherTheCoresWereBusyAndWhatTheGoalWouldNeed() {
        // s3-archiver: 10,000 rows in 2 s; itself 0.8 CPU s, S3Mock 0.2 (1.0 in all: the cores 25 % busy)
        CpuCost idle = CpuCost.of(
                Map.of("s3-archiver", 1.0, "S3Mock", 0.0),
                Map.of("s3-archiver", 1.8, "S3Mock", 0.2),
                Map.of(),
                10_000,
                2);
        String waited = SinkCeilingsPhase.whatBindsDrain("s3-archiver", idle, 100_000);
        assertThat(waited)
                .startsWith("What binds s3-archiver's drain: per row, s3-archiver 80 µs, S3Mock 20 µs (100 µs in all)")
                .contains("the cores were only 25 % busy, so it waited more than it computed")
                // 2 CPU s per s / 100 µs a row
                .contains("two cores carry at most 20,000 rows/s (20 % of the ceiling)")
                // 70 % of 100,000 = 70,000 rows/s: 2 / 70,000 s = 28.6 µs
                .contains("70 % of the ceiling (70,000 rows/s) would need 29 µs of CPU a row in all");

        CpuCost busy = CpuCost.of(Map.of("dynamo-writer", 0.0), Map.of("dynamo-writer", 3.6), Map.of(), 10_000, 2);
        assertThat(SinkCeilingsPhase.whatBindsDrain("dynamo-writer", busy, 10_000))
                .contains("the cores were 90 % busy, so CPU binds it");

        CpuCost partly = CpuCost.of(Map.of("s3-archiver", 0.0), Map.of("s3-archiver", 2.6), Map.of(), 10_000, 2);
        assertThat(SinkCeilingsPhase.whatBindsDrain("s3-archiver", partly, 100_000))
                .contains("the cores were 65 % busy, so CPU mostly binds it; the rest of the time it waited");
    }
}
