package com.ecommerce.pipeline.ingest.transactions;

/** Too many bytes or rows in one request: 413. */
class RequestTooLargeException extends RuntimeException {
    RequestTooLargeException(String message) {
        super(message);
    }
}
