package com.ecommerce.pipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CpuTablesTest {

    // over 10 s the 2 cores give 20 CPU seconds: a process's share is its seconds / 20
    private static final Map<String, Double> BEFORE = Map.of("dynamo-writer", 5.0, "kinesalite", 1.0, "query-api", 3.0);
    private static final Map<String, Double> AFTER =
            Map.of("dynamo-writer", 9.0, "kinesalite", 7.0, "query-api", 3.02, "ingest-service", 2.0);

    @Test
    void eachProcessWhatItUsedMostFirstWithoutTheIdleOnesThenAll() {
        assertThat(CpuTables.rows(BEFORE, AFTER, 10, null))
                .containsExactly(
                        List.of("process", "CPU s", "share of 2 cores"),
                        List.of("kinesalite", "6.0", "30 %"),
                        List.of("dynamo-writer", "4.0", "20 %"),
                        List.of("ingest-service", "2.0", "10 %"), // started in between: counted from zero
                        // query-api used 0.02 s: below 0.05 s, not shown nor counted
                        List.of("**all**", "12.0", "60 %"));
    }

    @Test
    void theReplayClientHasARowOfItsOwnAndCountsInAll() {
        assertThat(CpuTables.rows(BEFORE, AFTER, 10, 3_000L))
                .endsWith(List.of("replay client (java)", "3.0", "15 %"), List.of("**all**", "15.0", "75 %"));
    }

    @Test
    void theBusiestAreTheThreeThatUsedTheMost() {
        assertThat(CpuTables.busiest(BEFORE, AFTER, 10))
                .isEqualTo("kinesalite 30 %, dynamo-writer 20 %, ingest-service 10 %");
    }
}
