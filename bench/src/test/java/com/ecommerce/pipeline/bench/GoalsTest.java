package com.ecommerce.pipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class GoalsTest {

    @Test
    void theIngestAloneLineGoesBeforeTheEndToEndIngestLine() {
        Goals goals = new Goals();
        goals.addEndToEndIngest(List.of("ingest, end to end"));
        goals.add(List.of("end to end < 5 min"));
        goals.add(List.of("reads p99"));
        goals.addIngestAlone(List.of("ingest alone"));
        goals.add(List.of("dynamo-writer"));
        assertThat(goals.lines())
                .containsExactly(
                        List.of("ingest alone"),
                        List.of("ingest, end to end"),
                        List.of("end to end < 5 min"),
                        List.of("reads p99"),
                        List.of("dynamo-writer"));
    }

    @Test
    void withoutAnEndToEndIngestLineTheIngestAloneLineIsAdded() {
        Goals goals = new Goals();
        goals.add(List.of("reads p99"));
        goals.addIngestAlone(List.of("ingest alone"));
        assertThat(goals.lines()).containsExactly(List.of("reads p99"), List.of("ingest alone"));
    }
}
