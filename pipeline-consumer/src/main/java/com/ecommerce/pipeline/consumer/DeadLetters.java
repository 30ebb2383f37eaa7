package com.ecommerce.pipeline.consumer;

/** Where dead letters go. Writes are durable when they return and idempotent (keyed by position). */
public interface DeadLetters {

    /** Stores the dead letter, overwriting the same one from an earlier delivery; throws if it could not. */
    void write(DeadLetter deadLetter) throws Exception;
}
