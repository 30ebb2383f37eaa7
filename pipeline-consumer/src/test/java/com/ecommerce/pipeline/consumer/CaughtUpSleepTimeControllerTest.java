package com.ecommerce.pipeline.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import software.amazon.kinesis.retrieval.polling.SleepTimeControllerConfig;

/**
 * KCL's pause before a shard's next GetRecords: the usual interval, a longer one after an empty poll. The
 * bounds leave 500 ms for a slow test machine (the pauses compared are 1 s and 3 s).
 */
class CaughtUpSleepTimeControllerTest {

    private static final long IDLE = 1_000;
    private static final long CAUGHT_UP = 3_000;

    private final CaughtUpSleepTimeController controller = new CaughtUpSleepTimeController(CAUGHT_UP);

    @Test
    void afterAPollWithRecordsTheUsualIntervalApplies() {
        assertThat(controller.getSleepTimeMillis(lastPoll(500, 0L, 200))).isBetween(IDLE - 700, IDLE - 200);
    }

    @Test
    void afterAnEmptyPollAtTheTipThePollingBacksOff() {
        assertThat(controller.getSleepTimeMillis(lastPoll(0, 0L, 200))).isBetween(CAUGHT_UP - 700, CAUGHT_UP - 200);
        assertThat(controller.getSleepTimeMillis(lastPoll(0, null, 200))).isBetween(CAUGHT_UP - 700, CAUGHT_UP - 200);
    }

    /** Real Kinesis can return an empty page while the shard is still behind its tip: not idle. */
    @Test
    void anEmptyPageStillBehindTheTipIsNotIdle() {
        assertThat(controller.getSleepTimeMillis(lastPoll(0, 60_000L, 200))).isBetween(IDLE - 700, IDLE - 200);
    }

    @Test
    void afterAFailedCallTheUsualIntervalApplies() {
        // KCL clears what it knows of the last call once it has slept after it.
        long sleep = controller.getSleepTimeMillis(SleepTimeControllerConfig.builder()
                .idleMillisBetweenCalls(IDLE)
                .millisBehindLatestThresholdForReducedTps(0L)
                .build());

        assertThat(sleep).isEqualTo(IDLE);
    }

    @Test
    void neverPollsAnIdleShardMoreOftenThanABusyOne() {
        var shorter = new CaughtUpSleepTimeController(100);

        assertThat(shorter.getSleepTimeMillis(lastPoll(0, 0L, 200))).isBetween(IDLE - 700, IDLE - 200);
    }

    private static SleepTimeControllerConfig lastPoll(int records, Long millisBehindLatest, long millisAgo) {
        return SleepTimeControllerConfig.builder()
                .lastSuccessfulCall(Instant.now().minusMillis(millisAgo))
                .idleMillisBetweenCalls(IDLE)
                .lastRecordsCount(records)
                .lastMillisBehindLatest(millisBehindLatest)
                .millisBehindLatestThresholdForReducedTps(0L)
                .build();
    }
}
