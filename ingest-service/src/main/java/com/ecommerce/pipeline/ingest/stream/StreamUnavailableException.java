package com.ecommerce.pipeline.ingest.stream;

import java.time.Duration;

/**
 * The stream could not take a request's events in time: 503 with {@code Retry-After}. Says why ({@link
 * Reason}, the tag of the {@code ingest.requests.unavailable} counter) and how many rows were at stake.
 */
public class StreamUnavailableException extends RuntimeException {

    /** Why the stream did not take the events. */
    public enum Reason {
        /** The publish timeout passed while waiting for the stream to answer. */
        PUBLISH_TIMEOUT("publish-timeout", "the stream did not answer within the publish timeout"),
        /** The stream kept refusing records for throughput (ProvisionedThroughputExceeded, LimitExceeded). */
        THROTTLED("throttled", "the stream kept throttling (ProvisionedThroughputExceeded)"),
        /** No connection to the stream's endpoint (refused, reset, DNS, TLS…). */
        UNREACHABLE("stream-unreachable", "the stream's endpoint could not be reached"),
        /** The stream answered with another error (missing stream, internal failure, KMS…). */
        STREAM_ERROR("stream-error", "the stream answered with an error"),
        /** The request's thread was interrupted (shutdown). */
        INTERRUPTED("interrupted", "interrupted while publishing (shutting down?)");

        private final String tag;
        private final String description;

        Reason(String tag, String description) {
            this.tag = tag;
            this.description = description;
        }

        /** The metric tag and log value: {@code publish-timeout}, {@code throttled}, … */
        public String tag() {
            return tag;
        }

        public String describe() {
            return description;
        }
    }

    private final String idempotencyKey;
    private final Duration retryAfter;
    private final Reason reason;
    private final int rows;

    public StreamUnavailableException(
            String message, String idempotencyKey, Duration retryAfter, Reason reason, int rows, Throwable cause) {
        super(message, cause);
        this.idempotencyKey = idempotencyKey;
        this.retryAfter = retryAfter;
        this.reason = reason;
        this.rows = rows;
    }

    /** Without a known reason or row count (a timeout, -1 rows). */
    public StreamUnavailableException(String message, String idempotencyKey, Duration retryAfter, Throwable cause) {
        this(message, idempotencyKey, retryAfter, Reason.PUBLISH_TIMEOUT, -1, cause);
    }

    public String idempotencyKey() {
        return idempotencyKey;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    public Reason reason() {
        return reason;
    }

    /** Rows of the request, or -1 if unknown. */
    public int rows() {
        return rows;
    }
}
