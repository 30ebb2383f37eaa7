package com.ecommerce.pipeline.client.replay;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * When to retry and when to stop. The wait: the server's {@code Retry-After} when it sends one (capped
 * at {@code maxRetryAfter}), stretched by up to 20 % of jitter (never shortened); otherwise exponential
 * backoff from {@code initial}, doubling up to {@code max}, with ±20 % jitter, so that concurrent
 * batches don't retry in lock-step. The end: once no batch has been answered for {@code giveUpAfter}
 * (a slow but living service is ridden out however many attempts that takes), or after {@code
 * maxAttempts} attempts of one batch, whichever comes first.
 *
 * @param maxAttempts attempts per batch in all (the first one included) before giving up; {@link
 *     Integer#MAX_VALUE} for no count
 * @param giveUpAfter how long the client goes on retrying while nothing gets through
 */
public record RetryPolicy(
        int maxAttempts,
        Duration giveUpAfter,
        Duration initial,
        Duration max,
        Duration maxRetryAfter,
        DoubleSupplier random) {

    /** {@code ./pipeline replay}'s default for {@code --give-up-after}. */
    public static final Duration DEFAULT_GIVE_UP_AFTER = Duration.ofMinutes(10);

    /** At most {@code maxAttempts} per batch (and never past {@link #DEFAULT_GIVE_UP_AFTER} without progress). */
    public static RetryPolicy standard(int maxAttempts) {
        return new RetryPolicy(
                maxAttempts,
                DEFAULT_GIVE_UP_AFTER,
                Duration.ofMillis(500),
                Duration.ofSeconds(30),
                Duration.ofMinutes(2),
                Math::random);
    }

    /** As many attempts as it takes, until nothing was answered for {@code giveUpAfter}. */
    public static RetryPolicy untilNoProgressFor(Duration giveUpAfter) {
        return standard(Integer.MAX_VALUE).withGiveUpAfter(giveUpAfter);
    }

    /** The former shape: a count of attempts, {@link #DEFAULT_GIVE_UP_AFTER} without progress. */
    public RetryPolicy(int maxAttempts, Duration initial, Duration max, Duration maxRetryAfter, DoubleSupplier random) {
        this(maxAttempts, DEFAULT_GIVE_UP_AFTER, initial, max, maxRetryAfter, random);
    }

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("at least one attempt");
        }
        if (giveUpAfter == null || giveUpAfter.isNegative() || giveUpAfter.isZero()) {
            throw new IllegalArgumentException("giveUpAfter must be positive");
        }
    }

    public RetryPolicy withGiveUpAfter(Duration giveUpAfter) {
        return new RetryPolicy(maxAttempts, giveUpAfter, initial, max, maxRetryAfter, random);
    }

    public RetryPolicy withMaxAttempts(int maxAttempts) {
        return new RetryPolicy(maxAttempts, giveUpAfter, initial, max, maxRetryAfter, random);
    }

    /**
     * The wait after failed attempt number {@code attempt} (1-based).
     *
     * @param retryAfter what the server asked for, if anything
     */
    public Duration delay(int attempt, Optional<Duration> retryAfter) {
        if (retryAfter.isPresent()) {
            Duration asked = retryAfter.get();
            if (asked.isNegative() || asked.isZero()) {
                return Duration.ZERO;
            }
            Duration capped = asked.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : asked;
            return Duration.ofNanos((long) (capped.toNanos() * (1 + 0.2 * random.getAsDouble())));
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
