package com.ecommerce.pipeline.ingest.corrections;

/** Concurrent changes of one row kept winning the conditional write: 409, the client may try again. */
public class ConcurrentChangeException extends RuntimeException {
    public ConcurrentChangeException(String eventId, int attempts) {
        super("The row with event id " + eventId + " was changed concurrently " + attempts
                + " times while this change was being made; read it again and retry.");
    }
}
