package com.ecommerce.pipeline.schema.kinesis;

import java.math.BigInteger;
import java.util.Objects;

/** The hash keys an open Kinesis shard owns, both ends inclusive (as ListShards reports them). */
public record HashKeyRange(String shardId, BigInteger startingHashKey, BigInteger endingHashKey) {

    public HashKeyRange {
        Objects.requireNonNull(shardId, "shardId");
        Objects.requireNonNull(startingHashKey, "startingHashKey");
        Objects.requireNonNull(endingHashKey, "endingHashKey");
        if (startingHashKey.compareTo(endingHashKey) > 0) {
            throw new IllegalArgumentException(
                    shardId + ": startingHashKey " + startingHashKey + " > endingHashKey " + endingHashKey);
        }
    }

    public boolean contains(BigInteger hash) {
        return startingHashKey.compareTo(hash) <= 0 && hash.compareTo(endingHashKey) <= 0;
    }
}
