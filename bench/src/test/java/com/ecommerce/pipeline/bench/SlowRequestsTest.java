package com.ecommerce.pipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SlowRequestsTest {

    private static final Instant START = Instant.parse("2026-12-03T12:00:00Z");

    @Test
    void slowRequestsThatStartedCloseTogetherAreOneEpisode() {
        // 10 fast requests, then a stall: 3 slow ones started 0.1 s apart at 5 s, and one alone at 9 s
        long[] starts = {0, 1_000_000, 2_000_000, 5_000_000, 5_100_000, 5_200_000, 9_000_000, 9_500_000};
        long[] lat = {2_000, 3_000, 2_500, 310_000, 250_000, 120_000, 80_000, 1_000};
        SlowRequests slow = SlowRequests.of(result(lat, starts), 50_000);

        assertThat(slow.slow()).isEqualTo(4);
        assertThat(slow.episodes())
                .containsExactly(
                        new SlowRequests.Episode(5_000_000, 5_200_000, 3, 310_000),
                        new SlowRequests.Episode(9_000_000, 9_000_000, 1, 80_000));
        assertThat(slow.describe())
                .startsWith("4 of 8 requests over 50 ms, in 2 episodes")
                .contains("3 started over 200 ms from 12:00:05.000 UTC (5.0 s in), max 310 ms")
                .contains("1 started over 0 ms from 12:00:09.000 UTC (9.0 s in), max 80 ms");
    }

    @Test
    void slowRequestsFurtherApartThanTheGapAreSeparateEpisodes() {
        long[] starts = {300_000, 0, 600_000};
        long[] lat = {60_000, 70_000, 90_000};
        SlowRequests slow = SlowRequests.of(result(lat, starts), 50_000);

        assertThat(slow.episodes()).hasSize(3);
        assertThat(slow.episodes().get(0).firstStartMicros()).isZero();
    }

    @Test
    void noSlowRequestSaysSo() {
        SlowRequests slow = SlowRequests.of(result(new long[] {1_000}, new long[] {0}), 50_000);
        assertThat(slow.episodes()).isEmpty();
        assertThat(slow.describe()).isEqualTo("no request over 50 ms");
    }

    private static HttpLoad.Result result(long[] latencies, long[] starts) {
        return new HttpLoad.Result(latencies, starts, START, 10, Map.of(200, (long) latencies.length), 0);
    }
}
