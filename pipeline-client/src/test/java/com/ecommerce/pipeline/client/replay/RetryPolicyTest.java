package com.ecommerce.pipeline.client.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private static final Instant NOW = Instant.parse("2026-01-15T10:00:00Z");

    private static RetryPolicy policy(double random) {
        return new RetryPolicy(10, Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofMinutes(2), () -> random);
    }

    @Test
    void retryAfterInSecondsOrAsAnHttpDate() {
        assertThat(RetryPolicy.parseRetryAfter("1", NOW)).contains(Duration.ofSeconds(1));
        assertThat(RetryPolicy.parseRetryAfter(" 120 ", NOW)).contains(Duration.ofSeconds(120));
        assertThat(RetryPolicy.parseRetryAfter("Thu, 15 Jan 2026 10:00:07 GMT", NOW))
                .contains(Duration.ofSeconds(7));
        assertThat(RetryPolicy.parseRetryAfter("Thu, 15 Jan 2026 09:00:00 GMT", NOW))
                .contains(Duration.ZERO);
        assertThat(RetryPolicy.parseRetryAfter("soon", NOW)).isEmpty();
        assertThat(RetryPolicy.parseRetryAfter("", NOW)).isEmpty();
        assertThat(RetryPolicy.parseRetryAfter(null, NOW)).isEmpty();
        assertThat(RetryPolicy.parseRetryAfter("99999999999999999999999", NOW)).isEmpty();
    }

    @Test
    void theServersRetryAfterIsHonouredUpToACapAndStretchedByJitter() {
        RetryPolicy p = policy(0.5); // 10 % more than asked
        assertThat(p.delay(1, Optional.of(Duration.ofSeconds(3)))).isEqualTo(Duration.ofMillis(3300));
        assertThat(p.delay(7, Optional.of(Duration.ofSeconds(1)))).isEqualTo(Duration.ofMillis(1100));
        assertThat(p.delay(1, Optional.of(Duration.ofHours(1)))).isEqualTo(Duration.ofSeconds(132));
        assertThat(p.delay(1, Optional.of(Duration.ZERO))).isZero();
        // never shorter than asked, at most 20 % longer
        assertThat(policy(0.0).delay(1, Optional.of(Duration.ofSeconds(5)))).isEqualTo(Duration.ofSeconds(5));
        assertThat(policy(0.999999).delay(1, Optional.of(Duration.ofSeconds(5))))
                .isBetween(Duration.ofMillis(5999), Duration.ofSeconds(6));
    }

    @Test
    void theReplaysPolicyCountsNoAttemptsAndGivesUpAfterTenMinutesWithoutProgress() {
        RetryPolicy p = RetryPolicy.untilNoProgressFor(RetryPolicy.DEFAULT_GIVE_UP_AFTER);
        assertThat(p.maxAttempts()).isEqualTo(Integer.MAX_VALUE);
        assertThat(p.giveUpAfter()).isEqualTo(Duration.ofMinutes(10));
        // the bench's per-row client keeps its count of attempts
        assertThat(RetryPolicy.standard(3).maxAttempts()).isEqualTo(3);
        assertThat(RetryPolicy.standard(3).giveUpAfter()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void withoutRetryAfterTheBackoffDoublesUpToTheCap() {
        RetryPolicy mid = policy(0.5); // jitter factor exactly 1.0
        assertThat(mid.delay(1, Optional.empty())).isEqualTo(Duration.ofMillis(500));
        assertThat(mid.delay(2, Optional.empty())).isEqualTo(Duration.ofSeconds(1));
        assertThat(mid.delay(4, Optional.empty())).isEqualTo(Duration.ofSeconds(4));
        assertThat(mid.delay(7, Optional.empty())).isEqualTo(Duration.ofSeconds(30));
        assertThat(mid.delay(60, Optional.empty())).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void jitterStaysWithinTwentyPercent() {
        assertThat(policy(0.0).delay(3, Optional.empty())).isEqualTo(Duration.ofMillis(1600));
        assertThat(policy(0.999999).delay(3, Optional.empty()))
                .isBetween(Duration.ofMillis(2399), Duration.ofMillis(2400));
    }
}
