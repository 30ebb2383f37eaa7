package com.ecommerce.pipeline.schema.kinesis;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which open shard owns a partition key, computed the way Kinesis does: the MD5 of the key's UTF-8
 * bytes read as an unsigned 128-bit integer, looked up in the shards' hash key ranges.
 */
public final class ShardMap {

    /** The largest hash key, 2^128 - 1. */
    public static final BigInteger MAX_HASH_KEY = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

    private final List<HashKeyRange> ranges;
    private final BigInteger[] starts;

    /**
     * @param openShards the stream's open shards; together they must cover 0..2^128-1 exactly, with no
     *     gap or overlap (as the open shards of a stream always do), so that every key has one owner
     */
    public ShardMap(List<HashKeyRange> openShards) {
        if (openShards.isEmpty()) {
            throw new IllegalArgumentException("a stream has at least one open shard");
        }
        List<HashKeyRange> sorted = new ArrayList<>(openShards);
        sorted.sort(Comparator.comparing(HashKeyRange::startingHashKey));
        BigInteger expected = BigInteger.ZERO;
        for (HashKeyRange r : sorted) {
            if (!r.startingHashKey().equals(expected)) {
                throw new IllegalArgumentException((r.startingHashKey().compareTo(expected) > 0 ? "gap" : "overlap")
                        + " in the shards' hash key ranges: " + r.shardId() + " starts at " + r.startingHashKey()
                        + ", expected " + expected);
            }
            expected = r.endingHashKey().add(BigInteger.ONE);
        }
        if (!expected.equals(MAX_HASH_KEY.add(BigInteger.ONE))) {
            throw new IllegalArgumentException(
                    "the shards' hash key ranges end at " + expected.subtract(BigInteger.ONE) + ", not at 2^128-1");
        }
        this.ranges = List.copyOf(sorted);
        this.starts = sorted.stream().map(HashKeyRange::startingHashKey).toArray(BigInteger[]::new);
    }

    /** N shards splitting the hash key space evenly, as CreateStream with N shards does. */
    public static ShardMap uniform(int shards) {
        if (shards < 1) {
            throw new IllegalArgumentException("shards must be >= 1, was " + shards);
        }
        BigInteger space = MAX_HASH_KEY.add(BigInteger.ONE);
        List<HashKeyRange> ranges = new ArrayList<>(shards);
        for (int i = 0; i < shards; i++) {
            BigInteger start = space.multiply(BigInteger.valueOf(i)).divide(BigInteger.valueOf(shards));
            BigInteger end = space.multiply(BigInteger.valueOf(i + 1))
                    .divide(BigInteger.valueOf(shards))
                    .subtract(BigInteger.ONE);
            ranges.add(new HashKeyRange(String.format("shardId-%012d", i), start, end));
        }
        return new ShardMap(ranges);
    }

    /** The 128-bit unsigned MD5 hash Kinesis computes for a partition key. */
    public static BigInteger hashOf(String partitionKey) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            return new BigInteger(1, md5.digest(partitionKey.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has MD5", e);
        }
    }

    /** The id of the shard that owns the key's hash. */
    public String shardFor(String partitionKey) {
        return shardForHash(hashOf(partitionKey));
    }

    /** The id of the shard that owns a hash key. */
    public String shardForHash(BigInteger hashKey) {
        if (hashKey.signum() < 0 || hashKey.compareTo(MAX_HASH_KEY) > 0) {
            throw new IllegalArgumentException("hash key out of range: " + hashKey);
        }
        int i = java.util.Arrays.binarySearch(starts, hashKey);
        return ranges.get(i >= 0 ? i : -i - 2).shardId();
    }

    /** The open shards, by starting hash key. */
    public List<HashKeyRange> shards() {
        return ranges;
    }
}
