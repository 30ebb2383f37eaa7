package com.ecommerce.pipeline.bench;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * When a load's slow requests started: grouped into episodes of requests that started close together. A stall of the
 * whole machine (or of one process every request needs) shows as few episodes holding most slow requests, each
 * spanning about the stall's length; slow requests spread evenly over the run show as many small ones.
 */
record SlowRequests(long thresholdMicros, int slow, int total, List<Episode> episodes, Instant startedAt) {

    /** Slow requests whose starts lie within {@link #GAP_MICROS} of the one before. */
    record Episode(long firstStartMicros, long lastStartMicros, int requests, long maxLatencyMicros) {}

    static final long GAP_MICROS = 200_000;

    static SlowRequests of(HttpLoad.Result r, long thresholdMicros) {
        long[] lat = r.latenciesMicros();
        long[] starts = r.startsMicros();
        Integer[] slow = java.util.stream.IntStream.range(0, lat.length)
                .filter(i -> lat[i] > thresholdMicros)
                .boxed()
                .toArray(Integer[]::new);
        Arrays.sort(slow, Comparator.comparingLong(i -> starts[i]));
        List<Episode> episodes = new ArrayList<>();
        for (int i = 0; i < slow.length; ) {
            int j = i;
            long max = lat[slow[i]];
            while (j + 1 < slow.length && starts[slow[j + 1]] - starts[slow[j]] <= GAP_MICROS) {
                max = Math.max(max, lat[slow[++j]]);
            }
            episodes.add(new Episode(starts[slow[i]], starts[slow[j]], j - i + 1, max));
            i = j + 1;
        }
        return new SlowRequests(thresholdMicros, slow.length, lat.length, episodes, r.startedAt());
    }

    /** One line for the report: how many, in how many episodes, and the largest ones with their clock time. */
    String describe() {
        if (slow == 0) {
            return "no request over " + Stats.ms(thresholdMicros / 1000.0);
        }
        DateTimeFormatter clock = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
        List<Episode> largest = episodes.stream()
                .sorted(Comparator.comparingInt(Episode::requests).reversed())
                .limit(4)
                .toList();
        int inLargest = largest.stream().mapToInt(Episode::requests).sum();
        StringBuilder out = new StringBuilder(String.format(
                Locale.ROOT,
                "%,d of %,d requests over %s, in %d episode%s (starts within %d ms of each other); the %d largest hold %,d:",
                slow,
                total,
                Stats.ms(thresholdMicros / 1000.0),
                episodes.size(),
                episodes.size() == 1 ? "" : "s",
                GAP_MICROS / 1000,
                largest.size(),
                inLargest));
        for (Episode e : largest) {
            out.append(String.format(
                    Locale.ROOT,
                    " %d started over %d ms from %s UTC (%.1f s in), max %s;",
                    e.requests(),
                    (e.lastStartMicros() - e.firstStartMicros()) / 1000,
                    clock.format(startedAt.plusNanos(e.firstStartMicros() * 1000)),
                    e.firstStartMicros() / 1e6,
                    Stats.ms(e.maxLatencyMicros() / 1000.0)));
        }
        out.setLength(out.length() - 1);
        return out.append('.').toString();
    }
}
