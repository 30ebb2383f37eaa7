package com.ecommerce.pipeline.ingest.transactions;

/** An Idempotency-Key reused for a different request body: 422, nothing published. */
class IdempotencyConflictException extends RuntimeException {
    IdempotencyConflictException(String key) {
        super("Idempotency-Key '" + key + "' was already used for a different request; use a new key for new data.");
    }
}
