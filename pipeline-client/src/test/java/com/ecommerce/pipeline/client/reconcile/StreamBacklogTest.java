package com.ecommerce.pipeline.client.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamBacklogTest {

    // Kinesis sequence numbers are decimal strings longer than a long: compared as numbers, not as text.
    private static final String EARLY = "49658271234567890123456789012345678901234567890123456";
    private static final String LATE = "49658271234567890123456789012345678901234567890123457";
    private static final String SHORTER = "9999";

    @Test
    void aRecordIsInFlightOnlyWhenItComesAfterTheCheckpoint() {
        assertThat(StreamBacklog.after(LATE, EARLY)).isTrue();
        assertThat(StreamBacklog.after(EARLY, EARLY))
                .as("the checkpointed record itself")
                .isFalse();
        assertThat(StreamBacklog.after(EARLY, LATE)).isFalse();
        assertThat(StreamBacklog.after(EARLY, SHORTER))
                .as("numerically, not as text")
                .isTrue();
    }

    @Test
    void noCheckpointYetMeansEverythingIsInFlightAndShardEndNothing() {
        assertThat(StreamBacklog.after(EARLY, StreamBacklog.TRIM_HORIZON)).isTrue();
        assertThat(StreamBacklog.after(EARLY, null)).isTrue();
        assertThat(StreamBacklog.after(EARLY, StreamBacklog.SHARD_END)).isFalse();
    }

    @Test
    void aShardIsReadOnceFromTheEarliestConsumersPosition() {
        assertThat(StreamBacklog.earliest(List.of(LATE, EARLY, StreamBacklog.SHARD_END)))
                .isEqualTo(EARLY);
        assertThat(StreamBacklog.earliest(List.of(LATE, StreamBacklog.TRIM_HORIZON, EARLY)))
                .isEqualTo(StreamBacklog.TRIM_HORIZON);
        assertThat(StreamBacklog.earliest(Arrays.asList(LATE, null))).isEqualTo(StreamBacklog.TRIM_HORIZON);
        assertThat(StreamBacklog.earliest(List.of("LATEST", LATE)))
                .as("an unknown sentinel is read from the start")
                .isEqualTo(StreamBacklog.TRIM_HORIZON);
        assertThat(StreamBacklog.earliest(List.of(StreamBacklog.SHARD_END, StreamBacklog.SHARD_END)))
                .as("every consumer past the shard's end: nothing to read")
                .isNull();
    }
}
