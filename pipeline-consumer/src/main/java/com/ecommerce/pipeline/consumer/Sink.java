package com.ecommerce.pipeline.consumer;

/**
 * The one thing a consumer service contributes: where a batch of events goes. The machinery around
 * it (KCL, unpacking, buffering, retries, checkpoints, dead letters) is shared.
 */
public interface Sink {

    /**
     * Writes the batch durably and idempotently and returns only when it is durable. The batch carries
     * where it sits on the stream (shard, first and last record): a sink that names what it writes after
     * that position (the S3 archive) overwrites on redelivery; the others key by event id and ignore it.
     * Throw {@link PoisonEventsException} for events that can never be written (they go to the dead-letter
     * area); any other exception is transient: the batch is retried with backoff and nothing is
     * checkpointed.
     */
    void write(Batch batch) throws Exception;
}
