package com.ecommerce.pipeline.consumer;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.UUID;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * How a consumer service reads the stream ({@code pipeline.consumer.*}). The stream itself and its
 * endpoint are {@code pipeline.kinesis.*}; the lease table's DynamoDB endpoint is {@code
 * spring.cloud.aws.dynamodb.endpoint}.
 *
 * @param applicationName the KCL application: its lease table and consumer group; one per consumer
 *     service (e.g. {@code s3-archiver}), shared by all instances of that service
 * @param maxRows flush the buffer once it holds this many rows
 * @param maxBytes ... or this many bytes of Kinesis record data (compressed, as received)
 * @param maxAge ... or once its oldest row has waited this long
 * @param minAge a shard that has caught up (its poll empty) is flushed once its oldest row has been on the stream
 *     this long (its record's arrival time; default 0: at once). Under a steady trickle every poll catches up, so
 *     each flush is small: the archiver sets it to write fewer, larger objects (S3Mock's PutObject costs more with
 *     every object in its bucket); the end of a drained backlog, long on the stream, is flushed at once; never
 *     longer than {@code maxAge}
 * @param idleTimeBetweenReads pause between GetRecords calls of a shard
 * @param idleTimeBetweenReadsWhenCaughtUp the longer pause after a poll that came back empty at the shard's
 *     tip (never shorter than {@code idleTimeBetweenReads}); the next poll that brings records returns to
 *     the short one
 * @param maxRecords Kinesis records per GetRecords call (each holds up to 1,000 rows)
 * @param initialBackoff first pause before retrying a failed sink or dead-letter write
 * @param maxBackoff the pause doubles up to this
 * @param shutdownTimeout how long a graceful shutdown may take before the scheduler is stopped hard
 * @param deadLetterBucket where undecodable records and poison events go
 * @param deadLetterPrefix key prefix there; the application name and shard id follow
 * @param workerId this instance's name in the lease table (default: host, pid and a random suffix)
 */
@Validated
@ConfigurationProperties(prefix = "pipeline.consumer", ignoreUnknownFields = false)
public record ConsumerProperties(
        @NotBlank String applicationName,
        @DefaultValue("10000") @Positive int maxRows,
        @DefaultValue("5MB") @NotNull DataSize maxBytes,
        @DefaultValue("30s") @NotNull Duration maxAge,
        @DefaultValue("0s") @NotNull Duration minAge,
        @DefaultValue("1s") @NotNull Duration idleTimeBetweenReads,
        @DefaultValue("2s") @NotNull Duration idleTimeBetweenReadsWhenCaughtUp,
        @DefaultValue("500") @Positive @Max(10000) int maxRecords,
        @DefaultValue("200ms") @NotNull Duration initialBackoff,
        @DefaultValue("30s") @NotNull Duration maxBackoff,
        @DefaultValue("20s") @NotNull Duration shutdownTimeout,
        @DefaultValue("ecommerce-raw") @NotBlank String deadLetterBucket,
        @DefaultValue("dead-letter/") @NotNull String deadLetterPrefix,
        String workerId) {

    public ConsumerProperties {
        requirePositive("max-age", maxAge);
        if (minAge != null && minAge.isNegative()) {
            throw new IllegalArgumentException("pipeline.consumer.min-age must not be negative, was " + minAge);
        }
        if (minAge != null && maxAge != null && minAge.compareTo(maxAge) > 0) {
            minAge = maxAge; // max-age flushes anyway; a test that shortens max-age need not also shorten min-age
        }
        requirePositive("idle-time-between-reads", idleTimeBetweenReads);
        requirePositive("idle-time-between-reads-when-caught-up", idleTimeBetweenReadsWhenCaughtUp);
        requirePositive("initial-backoff", initialBackoff);
        requirePositive("shutdown-timeout", shutdownTimeout);
        if (maxBytes != null && maxBytes.toBytes() <= 0) {
            throw new IllegalArgumentException("pipeline.consumer.max-bytes must be positive, was " + maxBytes);
        }
        if (maxBackoff != null && initialBackoff != null && maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("pipeline.consumer.max-backoff (" + maxBackoff
                    + ") must not be shorter than initial-backoff (" + initialBackoff + ")");
        }
        if (deadLetterPrefix != null && !deadLetterPrefix.isEmpty() && !deadLetterPrefix.endsWith("/")) {
            deadLetterPrefix = deadLetterPrefix + "/";
        }
        if (workerId == null || workerId.isBlank()) {
            workerId = defaultWorkerId();
        }
    }

    private static void requirePositive(String name, Duration value) {
        if (value != null && (value.isNegative() || value.isZero())) {
            throw new IllegalArgumentException("pipeline.consumer." + name + " must be positive, was " + value);
        }
    }

    private static String defaultWorkerId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return host + ":" + ProcessHandle.current().pid() + ":"
                + UUID.randomUUID().toString().substring(0, 8);
    }
}
