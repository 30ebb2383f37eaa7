package com.ecommerce.pipeline.consumer;

import java.time.Duration;
import java.time.Instant;
import software.amazon.kinesis.retrieval.polling.KinesisSleepTimeController;
import software.amazon.kinesis.retrieval.polling.SleepTimeController;
import software.amazon.kinesis.retrieval.polling.SleepTimeControllerConfig;

/**
 * How long KCL's polling loop pauses before a shard's next GetRecords (KCL 3.5.1's {@code
 * PollingConfig.sleepTimeController} hook; the loop stays KCL's): KCL's own pause ({@code
 * idle-time-between-reads}) after a poll that brought records, a longer one ({@code
 * idle-time-between-reads-when-caught-up}) after an empty poll at the shard's tip, so idle shards cost the
 * stream fewer calls. The first poll that brings records again returns to the short pause.
 *
 * <p>The signal is the last poll's record count. KCL's built-in option, {@code
 * millisBehindLatestThresholdForReducedTps}, keys on {@code millisBehindLatest} alone, which the emulators
 * (kinesis-local, kinesalite) report as 0 on every page: it would slow the drain of a backlog too. An
 * empty page that Kinesis says is still behind the tip is not idle either.
 */
final class CaughtUpSleepTimeController implements SleepTimeController {

    private final SleepTimeController kcl = new KinesisSleepTimeController();
    private final long caughtUpMillis;

    CaughtUpSleepTimeController(long caughtUpMillis) {
        this.caughtUpMillis = caughtUpMillis;
    }

    @Override
    public long getSleepTimeMillis(SleepTimeControllerConfig config) {
        long sleep = kcl.getSleepTimeMillis(config);
        if (!caughtUp(config)) {
            return sleep;
        }
        long elapsed = Duration.between(config.lastSuccessfulCall(), Instant.now())
                .abs()
                .toMillis();
        return Math.max(sleep, caughtUpMillis - elapsed);
    }

    private static boolean caughtUp(SleepTimeControllerConfig config) {
        Integer records = config.lastRecordsCount();
        Long behind = config.lastMillisBehindLatest();
        return config.lastSuccessfulCall() != null
                && records != null
                && records == 0
                && (behind == null || behind <= 0);
    }
}
