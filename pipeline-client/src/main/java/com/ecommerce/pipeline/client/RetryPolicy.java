package com.ecommerce.pipeline.client;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * How long to wait before the next attempt: the server's {@code Retry-After} when it sends one (capped
 * at {@code maxRetryAfter}), otherwise exponential backoff from {@code initial}, doubling up to {@code
 * max}, with ±20% jitter so that concurrent batches don't retry in lock-step.
 *
 * @param maxAttempts attempts per batch in all (the first one included) before the replay gives up
 */
public record RetryPolicy(
        int maxAttempts, Duration initial, Duration max, Duration maxRetryAfter, DoubleSupplier random) {

    public static RetryPolicy standard(int maxAttempts) {
        return new RetryPolicy(
                maxAttempts, Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofMinutes(2), Math::random);
    }

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("at least one attempt");
        }
    }

    /**
     * The wait after failed attempt number {@code attempt} (1-based).
     *
     * @param retryAfter what the server asked for, if anything
     */
    public Duration delay(int attempt, Optional<Duration> retryAfter) {
        if (retryAfter.isPresent()) {
            Duration asked = retryAfter.get();
            if (asked.isNegative()) {
                return Duration.ZERO;
            }
            return asked.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : asked;
        }
        double base = initial.toNanos() * Math.pow(2, Math.max(0, attempt - 1));
        double capped = Math.min(base, max.toNanos());
        double jittered = capped * (0.8 + 0.4 * random.getAsDouble());
        return Duration.ofNanos((long) jittered);
    }

    /**
     * A {@code Retry-After} header value: delta-seconds ({@code 5}) or an HTTP-date ({@code Wed, 21 Oct
     * 2015 07:28:00 GMT}, relative to {@code now}). Empty if absent or unreadable.
     */
    public static Optional<Duration> parseRetryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String v = value.trim();
        if (v.chars().allMatch(Character::isDigit)) {
            try {
                return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
            } catch (NumberFormatException e) {
                return Optional.empty(); // absurdly long
            }
        }
        try {
            Instant at =
                    ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration d = Duration.between(now, at);
            return Optional.of(d.isNegative() ? Duration.ZERO : d);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
