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
}
