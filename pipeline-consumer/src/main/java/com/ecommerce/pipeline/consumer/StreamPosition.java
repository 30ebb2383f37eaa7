package com.ecommerce.pipeline.consumer;

import java.util.Objects;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

/**
 * Where a record sits in its shard. Records of this pipeline are plain Kinesis records (sub-sequence
 * number 0); a KPL-aggregated record, which KCL splits into user records sharing one sequence number,
 * is told apart by its sub-sequence number.
 */
public record StreamPosition(String sequenceNumber, long subSequenceNumber, boolean aggregated) {

    public StreamPosition {
        Objects.requireNonNull(sequenceNumber, "sequenceNumber");
    }

    public static StreamPosition of(KinesisClientRecord record) {
        return new StreamPosition(record.sequenceNumber(), record.subSequenceNumber(), record.aggregated());
    }

    /** A name for the position, safe in S3 keys: the sequence number, plus ".sub" for an aggregated user record. */
    public String id() {
        return aggregated ? sequenceNumber + "." + subSequenceNumber : sequenceNumber;
    }
}
