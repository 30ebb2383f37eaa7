package com.ecommerce.pipeline.consumer;

import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.util.List;
import java.util.Objects;

/**
 * A batch handed to a {@link Sink}: the events of whole Kinesis records of one shard, in stream order,
 * with the positions of the first and last of those records. A batch never splits a record, so the
 * same records delivered again with the same flush boundaries give the same positions.
 *
 * @param shardId the shard the records came from
 * @param first the first record of the batch
 * @param last the last record of the batch
 * @param events every event of those records, in stream order
 */
public record Batch(String shardId, StreamPosition first, StreamPosition last, List<TransactionEvent> events) {

    public Batch {
        Objects.requireNonNull(shardId, "shardId");
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(last, "last");
        events = List.copyOf(events);
    }

    /**
     * The events of plain (not aggregated) records {@code firstSequence..lastSequence} of a shard: what
     * this pipeline's producers put, and what the archive's object names record (a rebuild hands the
     * archive's batches to a sink again with the position they had).
     */
    public static Batch of(String shardId, String firstSequence, String lastSequence, List<TransactionEvent> events) {
        return new Batch(
                shardId,
                new StreamPosition(firstSequence, 0, false),
                new StreamPosition(lastSequence, 0, false),
                events);
    }

    public int size() {
        return events.size();
    }

    @Override
    public String toString() {
        return "batch of " + events.size() + " events from " + shardId + " [" + first.id() + " .. " + last.id() + "]";
    }
}
