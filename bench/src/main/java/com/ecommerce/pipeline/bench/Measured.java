package com.ecommerce.pipeline.bench;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Figures one phase measures and a later one uses. */
final class Measured {

    /** The raw Kinesis ceiling of the rows (rows/s); NaN until measured, or if that phase failed. */
    double ingestCeiling = Double.NaN;

    /** What each sink held after the end-to-end run; null until reconciled, or if that failed. */
    Reconciled reconciled;

    /** Peak RSS (KiB, "rss") and CPU milliseconds ("cpu") of the replay client, sampled while it ran. */
    final Map<String, Long> clientPeak = new ConcurrentHashMap<>();
}
