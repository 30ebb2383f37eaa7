package com.ecommerce.pipeline.consumer;

import java.math.BigInteger;
import java.util.Objects;
import software.amazon.kinesis.retrieval.KinesisClientRecord;
import software.amazon.kinesis.retrieval.kpl.ExtendedSequenceNumber;

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

    /** The position KCL reports (a checkpoint), or null for none or a sentinel such as TRIM_HORIZON. */
    static StreamPosition of(ExtendedSequenceNumber esn) {
        if (esn == null || esn.sequenceNumber() == null || !esn.sequenceNumber().matches("\\d+")) {
            return null;
        }
        return new StreamPosition(esn.sequenceNumber(), esn.subSequenceNumber(), esn.subSequenceNumber() != 0);
    }

    /** A name for the position, safe in S3 keys: the sequence number, plus ".sub" for an aggregated user record. */
    public String id() {
        return aggregated ? sequenceNumber + "." + subSequenceNumber : sequenceNumber;
    }

    /** Whether this position is {@code other} or comes after it in the shard. */
    boolean isAtOrAfter(StreamPosition other) {
        int bySequence = new BigInteger(sequenceNumber).compareTo(new BigInteger(other.sequenceNumber));
        return bySequence > 0 || (bySequence == 0 && subSequenceNumber >= other.subSequenceNumber);
    }
}
