package com.ecommerce.pipeline.consumer;

import java.time.Clock;
import java.time.Duration;

/**
 * Rows per second over the last {@code window}, from per-second buckets filled as rows are written (so the rate
 * does not depend on how often, or by how many, it is read). Before a full window has passed since the start, the
 * rate is over the time elapsed.
 */
final class RecentRate {

    private final Clock clock;
    private final int seconds;
    private final long[] counts;
    private final long[] bucketSecond;
    private final long startMillis;

    RecentRate(Clock clock, Duration window) {
        this.clock = clock;
        this.seconds = (int) Math.max(1, window.toSeconds());
        this.counts = new long[seconds];
        this.bucketSecond = new long[seconds];
        this.startMillis = clock.millis();
        java.util.Arrays.fill(bucketSecond, -1);
    }

    synchronized void add(long rows) {
        long now = clock.millis() / 1000;
        int i = (int) (now % seconds);
        if (bucketSecond[i] != now) {
            bucketSecond[i] = now;
            counts[i] = 0;
        }
        counts[i] += rows;
    }

    /** Rows per second over the window (rounded to one decimal). */
    synchronized double perSecond() {
        long nowMillis = clock.millis();
        long now = nowMillis / 1000;
        long sum = 0;
        for (int i = 0; i < seconds; i++) {
            if (bucketSecond[i] > now - seconds && bucketSecond[i] <= now) {
                sum += counts[i];
            }
        }
        double span = Math.min(seconds, Math.max(1.0, (nowMillis - startMillis) / 1000.0));
        return Math.round(sum / span * 10) / 10.0;
    }
}
