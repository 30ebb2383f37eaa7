package com.ecommerce.pipeline.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RecentRateTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));

    @Test
    void theRateIsTheRowsOfTheLastMinuteOverAMinute() {
        RecentRate rate = new RecentRate(clock, Duration.ofMinutes(1));
        clock.advance(Duration.ofSeconds(120));
        rate.add(600); // 10:02:00
        clock.advance(Duration.ofSeconds(30));
        rate.add(300); // 10:02:30
        clock.advance(Duration.ofSeconds(10));
        assertThat(rate.perSecond()).isEqualTo(15.0); // 900 rows in the minute up to 10:02:40

        clock.advance(
                Duration.ofSeconds(45)); // 10:03:25: the 10:02:00 rows have left the window, the 10:02:30 ones not
        assertThat(rate.perSecond()).isEqualTo(5.0);

        clock.advance(Duration.ofSeconds(60));
        assertThat(rate.perSecond()).isZero();
    }

    @Test
    void beforeAMinuteHasPassedTheRateIsOverTheTimeElapsed() {
        RecentRate rate = new RecentRate(clock, Duration.ofMinutes(1));
        clock.advance(Duration.ofSeconds(10));
        rate.add(250);
        clock.advance(Duration.ofSeconds(10));
        assertThat(rate.perSecond()).isEqualTo(12.5); // 250 rows in 20 s
    }
}
