package com.ecommerce.pipeline.ingest.stream;

import java.time.Duration;

/** The stream could not take a request's events in time: 503 with {@code Retry-After}. */
public class StreamUnavailableException extends RuntimeException {
    private final String idempotencyKey;
    private final Duration retryAfter;

    public StreamUnavailableException(String message, String idempotencyKey, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.idempotencyKey = idempotencyKey;
        this.retryAfter = retryAfter;
    }

    public String idempotencyKey() {
        return idempotencyKey;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
