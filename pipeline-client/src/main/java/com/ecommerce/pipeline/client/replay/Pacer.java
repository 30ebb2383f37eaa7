package com.ecommerce.pipeline.client.replay;

import java.time.Duration;
import java.time.LocalDateTime;

/**
 * When each batch may be sent, as an offset from the start of the replay. A batch goes when its last
 * row is due, so the replay never runs ahead of the requested pace: {@code --rate R} sends N rows in
 * no less than N/R seconds; {@code --speedup X} sends a batch once (its latest InvoiceDate − the first
 * row's InvoiceDate) / X has passed. Called once per batch, in file order.
 */
public interface Pacer {

    /** Offset from the replay's start at which {@code batch} may be sent. */
    Duration due(Batch batch);

    /** As fast as the service takes it. */
    static Pacer unpaced() {
        return batch -> Duration.ZERO;
    }

    /** {@code rowsPerSecond} rows of the file per second (invalid rows count: they are rows of the file). */
    static Pacer rate(double rowsPerSecond) {
        if (!(rowsPerSecond > 0) || Double.isInfinite(rowsPerSecond)) {
            throw new IllegalArgumentException("the rate must be a positive number of rows per second");
        }
        return batch -> seconds((batch.lastRow() + 1) / rowsPerSecond);
    }

    /** The original InvoiceDate spacing, {@code factor} times faster. */
    static Pacer speedup(double factor) {
        if (!(factor > 0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("the speed-up must be a positive number");
        }
        return new Pacer() {
            private LocalDateTime origin;
            private Duration last = Duration.ZERO;

            @Override
            public Duration due(Batch batch) {
                LocalDateTime latest = batch.latestInvoiceDate();
                if (latest == null) {
                    return last; // only invalid rows: nothing to send, nothing to wait for
                }
                if (origin == null) {
                    origin = batch.earliestInvoiceDate();
                }
                Duration inData = Duration.between(origin, latest);
                Duration due = seconds(inData.toNanos() / 1e9 / factor);
                if (due.compareTo(last) > 0) { // dates going backwards never make the replay wait less
                    last = due;
                }
                return last;
            }
        };
    }

    private static Duration seconds(double seconds) {
        return Duration.ofNanos(Math.round(seconds * 1e9));
    }
}
