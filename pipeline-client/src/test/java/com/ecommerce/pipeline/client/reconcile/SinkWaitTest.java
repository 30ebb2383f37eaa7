package com.ecommerce.pipeline.client.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SinkWaitTest {

    private static final String TRIM = StreamBacklog.TRIM_HORIZON;

    @Test
    void aConsumerThatNeverCheckpointedIsStartingNotStuck() {
        var snapshot = new StreamBacklog.Snapshot(
                Map.of(
                        "archive", Map.of("shard-0", TRIM, "shard-1", TRIM),
                        "warehouse", Map.of("shard-0", "123", "shard-1", "456")),
                Map.of("archive", Set.of("e1", "e2"), "warehouse", Set.of()));
        assertThat(SinkWait.starting(snapshot)).isTrue();
    }

    @Test
    void aConsumerThatCheckpointedOnceAndStoppedIsNotStarting() {
        var snapshot = new StreamBacklog.Snapshot(
                Map.of(
                        "archive", Map.of("shard-0", "100", "shard-1", TRIM),
                        "warehouse", Map.of("shard-0", TRIM, "shard-1", TRIM)),
                Map.of("archive", Set.of("e1"), "warehouse", Set.of()));
        assertThat(SinkWait.starting(snapshot))
                .as("the warehouse's consumer has not started, but nothing is in flight to it")
                .isFalse();
    }
}
