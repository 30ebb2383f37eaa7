package com.ecommerce.pipeline.ingest.publish;

/** An Idempotency-Key reused for a different request body: 422, nothing published. */
public class IdempotencyConflictException extends RuntimeException {
    public IdempotencyConflictException(String key) {
        super("Idempotency-Key '" + key + "' was already used for a different request; use a new key for new data.");
    }
}
