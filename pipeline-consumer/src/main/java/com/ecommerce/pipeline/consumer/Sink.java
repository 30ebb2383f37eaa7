package com.ecommerce.pipeline.consumer;

import com.ecommerce.pipeline.schema.TransactionEvent;
import java.util.List;

/**
 * The one thing a consumer service contributes: where a batch of events goes. The machinery around
 * it (KCL, unpacking, buffering, retries, checkpoints, dead letters) is shared.
 */
public interface Sink {

    /**
     * Writes the batch durably and idempotently (keyed by event id) and returns only when it is
     * durable. Throw {@link PoisonEventsException} for events that can never be written (they go to
     * the dead-letter area); any other exception is transient: the batch is retried with backoff and
     * nothing is checkpointed.
     */
    void write(List<TransactionEvent> batch) throws Exception;

    /**
     * What the machinery calls: the batch together with where it sits on the stream (shard, first and
     * last record). By default the position is dropped and {@link #write(List)} is called; a sink that
     * names what it writes after the stream position (so that a redelivered batch overwrites instead of
     * adding, like the S3 archive) overrides this one. Same contract as {@link #write(List)}.
     */
    default void write(Batch batch) throws Exception {
        write(batch.events());
    }
}
