package com.ecommerce.pipeline.consumer;

import java.time.Instant;
import java.util.Objects;

/**
 * Something the consumer could not process and set aside: a whole Kinesis record that does not
 * decode, or one event the sink rejected as poison.
 *
 * @param reason why, in words
 * @param shardId the shard it came from
 * @param position its record's position in the shard
 * @param partitionKey its record's partition key
 * @param arrivalTime when its record reached the stream (approximate, as Kinesis reports it); may be null
 * @param eventId the rejected event, or null for an undecodable record
 * @param data the raw record data, or the event's JSON line for a poison event
 */
public record DeadLetter(
        String reason,
        String shardId,
        StreamPosition position,
        String partitionKey,
        Instant arrivalTime,
        String eventId,
        byte[] data) {

    public DeadLetter {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(shardId, "shardId");
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(data, "data");
    }

    /** Undecodable record or poison event. */
    public String kind() {
        return eventId == null ? "record" : "event";
    }
}
