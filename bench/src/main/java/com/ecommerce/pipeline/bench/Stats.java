package com.ecommerce.pipeline.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The arithmetic of the report: rates, ratios, percentiles, and the number formats it prints. */
final class Stats {

    private Stats() {}

    /** Rows per second; 0 when nothing was timed. */
    static double rate(long rows, double seconds) {
        return seconds <= 0 ? 0 : rows / seconds;
    }

    /** a / b, or NaN when b is 0 (printed as "n/a"). */
    static double ratio(double a, double b) {
        return b == 0 ? Double.NaN : a / b;
    }

    /** The p-th percentile (0–100) by the nearest-rank method; NaN for no values. */
    static double percentile(long[] values, double p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /**
     * One sample of a consumer: seconds since the start, rows it had written so far, and rows ingest-service had
     * accepted onto the stream so far ({@code -1} when that could not be read).
     */
    record Sample(double t, long rows, long ingested) {

        /** Rows accepted by ingest but not yet written by the consumer; -1 when unknown. */
        long backlog() {
            return ingested < 0 ? -1 : Math.max(0, ingested - rows);
        }
    }

    /**
     * The rate a consumer sustained while it had a backlog (its capacity): rows written over the sampling intervals
     * that began with at least {@code minBacklogRows} rows accepted by ingest and not yet written by the consumer,
     * divided by their duration. Those intervals show what the consumer can do; the others show only how fast rows
     * arrived. Null when there were none (or the backlog was never known).
     */
    static Double backlogRate(List<Sample> samples, long minBacklogRows) {
        double seconds = 0;
        long rows = 0;
        for (int i = 1; i < samples.size(); i++) {
            Sample a = samples.get(i - 1);
            Sample b = samples.get(i);
            if (a.backlog() >= minBacklogRows) {
                seconds += b.t() - a.t();
                rows += b.rows() - a.rows();
            }
        }
        return seconds == 0 ? null : rows / seconds;
    }

    /** Seconds from the start until the samples first reached {@code rows}, interpolated between samples. */
    static Double reachedAt(List<Sample> samples, long rows) {
        for (int i = 0; i < samples.size(); i++) {
            Sample b = samples.get(i);
            if (b.rows() >= rows) {
                if (i == 0) {
                    return b.t();
                }
                Sample a = samples.get(i - 1);
                double f = (double) (rows - a.rows()) / (b.rows() - a.rows());
                return a.t() + f * (b.t() - a.t());
            }
        }
        return null;
    }

    /** Seconds from the start until the first sample that shows rows written. */
    static Double firstRowAt(List<Sample> samples) {
        return samples.stream()
                .filter(s -> s.rows() > 0)
                .map(Sample::t)
                .findFirst()
                .orElse(null);
    }

    /**
     * When the consumer started writing: the last sample still at zero rows before the first rows (its first rows
     * were written after it), so the cold-start wait before it is not counted; the first sample if that already
     * shows rows; null if no rows were written.
     */
    static Double startedAt(List<Sample> samples) {
        for (int i = 0; i < samples.size(); i++) {
            if (samples.get(i).rows() > 0) {
                return samples.get(i == 0 ? 0 : i - 1).t();
            }
        }
        return null;
    }

    /**
     * {@code rows} over the time from {@link #startedAt} until {@link #reachedAt}; NaN if either is unknown or no
     * time passed between them (all rows in the very first sample).
     */
    static double overallRate(List<Sample> samples, long rows) {
        Double start = startedAt(samples);
        Double done = reachedAt(samples, rows);
        return start == null || done == null || done <= start ? Double.NaN : rows / (done - start);
    }

    /**
     * A consumer draining a standing backlog of {@code target} rows after a restart: {@code startedAt} is the last
     * sample at zero rows before its first rows (so the wait for its leases is not counted: it is {@code startedAt}
     * itself), {@code doneAt} the first sample that shows all {@code target} rows (not interpolated: counters move
     * in flushes, so this and the start make the rate a lower bound, each end within one sampling interval). If it
     * did not get there, {@code rows} is what it wrote and the rate runs to the sample where it last moved. Null
     * times and a NaN rate when it wrote nothing.
     */
    record Drain(Double startedAt, Double doneAt, long rows, double rate) {

        boolean complete() {
            return doneAt != null;
        }
    }

    static Drain drain(List<Sample> samples, long target) {
        Double start = startedAt(samples);
        if (start == null) {
            return new Drain(null, null, 0, Double.NaN);
        }
        Sample end = null;
        for (Sample s : samples) {
            if (s.rows() >= target) {
                return new Drain(start, s.t(), target, rate(target, s.t() - start));
            }
            if (end == null || s.rows() > end.rows()) {
                end = s;
            }
        }
        return new Drain(start, null, end.rows(), rate(end.rows(), end.t() - start));
    }

    static String n(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    /** A rate or count rounded to a whole number with thousands separators. */
    static String n(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%,.0f", v);
    }

    static String sec(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.1f s", v);
    }

    static String ms(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, v < 10 ? "%.1f ms" : "%.0f ms", v);
    }

    static String pct(double ratio) {
        return Double.isNaN(ratio) ? "n/a" : String.format(Locale.ROOT, "%.0f %%", ratio * 100);
    }

    static String times(double ratio) {
        return Double.isNaN(ratio) ? "n/a" : String.format(Locale.ROOT, ratio < 10 ? "%.1f×" : "%.0f×", ratio);
    }

    static String mb(long kib) {
        return String.format(Locale.ROOT, "%,.0f MB", kib / 1024.0);
    }

    /** "met" or how far off a goal of at least {@code goal} the value is. */
    static String atLeast(double value, double goal, String unit) {
        if (Double.isNaN(value)) {
            return "not measured";
        }
        return value >= goal ? "met" : "missed by " + fmt(goal - value, unit) + " (" + pct(value / goal) + " of it)";
    }

    /** "met" or how far over a goal of at most {@code goal} the value is. */
    static String atMost(double value, double goal, String unit) {
        if (Double.isNaN(value)) {
            return "not measured";
        }
        return value <= goal
                ? "met"
                : "missed by " + fmt(value - goal, unit) + " (" + times(value / goal) + " the goal)";
    }

    private static String fmt(double v, String unit) {
        return switch (unit) {
            case "%" -> String.format(Locale.ROOT, "%.0f points", v * 100);
            case "×" -> String.format(Locale.ROOT, "%.1f×", v);
            case "s" -> sec(v);
            default -> n(v) + " " + unit;
        };
    }
}
