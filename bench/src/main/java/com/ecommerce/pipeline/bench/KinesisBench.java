package com.ecommerce.pipeline.bench;

import com.ecommerce.pipeline.schema.kinesis.EventJson;
import com.ecommerce.pipeline.schema.kinesis.HashKeyRange;
import com.ecommerce.pipeline.schema.kinesis.PackedRecord;
import com.ecommerce.pipeline.schema.kinesis.PackingLimits;
import com.ecommerce.pipeline.schema.kinesis.PutRecordsCalls;
import com.ecommerce.pipeline.schema.kinesis.RecordPacker;
import com.ecommerce.pipeline.schema.kinesis.ShardMap;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/** The raw Kinesis ceilings: the same packed records, or one record per row, straight from the SDK. */
final class KinesisBench {

    static final int SHARDS = 4;
    private static final int MAX_ENTRIES = 500;
    private static final long MAX_CALL_BYTES = 4_500_000;

    private final KinesisClient kinesis;

    KinesisBench(KinesisClient kinesis) {
        this.kinesis = kinesis;
    }

    /**
     * Creates an empty 4-shard stream (deleting any leftover of that name first) and returns its shard map once it
     * is ACTIVE.
     *
     * <p>Only a stream that exists is deleted. kinesis-local (kinesis-mock 0.6.2) answers DeleteStream of a missing
     * stream with ResourceNotFoundException but still schedules the removal of that name for its
     * DELETE_STREAM_DURATION (500 ms, longer on a busy event loop): a stream created under that name in the meantime
     * is removed again and never shows up. That is why bench-ceiling, bench-packed and bench-per-row "did not become
     * ACTIVE (last: not visible)". The same holds after deleting an existing stream, so the name must be gone from
     * ListStreams (which lists a DELETING stream until it is removed) before it is created again.
     */
    ShardMap createStream(String name) throws InterruptedException {
        deleteStream(name);
        kinesis.createStream(b -> b.streamName(name).shardCount(SHARDS));
        // kinesis-local turns a stream ACTIVE on a timer of its (single-threaded) event loop: on a starved
        // CPU that takes far longer than its nominal 500 ms, so wait up to 3 minutes.
        String last = "not visible";
        for (long deadline = System.nanoTime() + 180_000_000_000L; System.nanoTime() < deadline; ) {
            StreamStatus status = status(name);
            if (status == StreamStatus.ACTIVE) {
                return shardMap(name);
            }
            last = status == null ? "not visible" : status.toString();
            Thread.sleep(500);
        }
        throw new IllegalStateException("stream " + name + " did not become ACTIVE within 3 min (last: " + last + ")");
    }

    /** Whether ListStreams names the stream (ACTIVE, CREATING or DELETING). */
    boolean exists(String name) {
        return kinesis.listStreamsPaginator(b -> b.limit(100)).streamNames().stream()
                .anyMatch(name::equals);
    }

    /** The stream's status, or null while it is not there (or not yet). */
    private StreamStatus status(String name) {
        try {
            return kinesis.describeStreamSummary(b -> b.streamName(name))
                    .streamDescriptionSummary()
                    .streamStatus();
        } catch (ResourceNotFoundException e) {
            return null;
        }
    }

    /** The stream's open shards: how many batches a consumer writes at once (one record processor each). */
    int shardCount(String name) {
        return (int) kinesis.listShards(b -> b.streamName(name)).shards().stream()
                .filter(s -> s.sequenceNumberRange().endingSequenceNumber() == null)
                .count();
    }

    private ShardMap shardMap(String name) {
        List<HashKeyRange> ranges = new ArrayList<>();
        // One page: a 4-shard stream is far below ListShards' default page of 1,000.
        for (var s : kinesis.listShards(b -> b.streamName(name)).shards()) {
            ranges.add(new HashKeyRange(
                    s.shardId(),
                    new BigInteger(s.hashKeyRange().startingHashKey()),
                    new BigInteger(s.hashKeyRange().endingHashKey())));
        }
        return new ShardMap(ranges);
    }

    /**
     * Deletes the stream if it exists and waits until ListStreams no longer names it (kinesis-local frees its memory
     * then, and only then may the name be created again). A missing stream is left alone: see {@link #createStream}.
     */
    void deleteStream(String name) throws InterruptedException {
        if (!exists(name)) {
            return;
        }
        try {
            kinesis.deleteStream(b -> b.streamName(name).enforceConsumerDeletion(true));
        } catch (ResourceNotFoundException e) {
            // removed meanwhile: still wait below until the name is gone
        }
        for (long deadline = System.nanoTime() + 180_000_000_000L; System.nanoTime() < deadline; ) {
            if (!exists(name)) {
                return;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("stream " + name + " was still listed 3 min after DeleteStream");
    }

    /** Packs each request's events as ingest-service does (its shard map, default limits). */
    static List<PackedRecord> pack(List<List<TransactionEvent>> requests, ShardMap shards) {
        List<PackedRecord> out = new ArrayList<>();
        for (List<TransactionEvent> r : requests) {
            out.addAll(RecordPacker.pack(r, shards, PackingLimits.defaults()));
        }
        return out;
    }

    /**
     * PutRecords calls of up to 500 records / 4.5 MB, in order, and small enough that each of {@code threads}
     * threads gets several calls (one call of everything would leave the other threads idle).
     */
    static List<List<PackedRecord>> calls(List<PackedRecord> records, int threads) {
        int maxEntries = Math.max(1, Math.min(MAX_ENTRIES, records.size() / (threads * 4)));
        return PutRecordsCalls.split(records, maxEntries, MAX_CALL_BYTES);
    }

    /** Puts packed records with PutRecords on a few threads, retrying failed entries; rows per second. */
    BoundedRun.Result putPacked(String stream, List<PackedRecord> records, int threads, Duration limit) {
        return BoundedRun.run(calls(records, threads), threads, limit, call -> putRecords(stream, call));
    }

    private long putRecords(String stream, List<PackedRecord> call) {
        List<PackedRecord> pending = call;
        for (int attempt = 0; !pending.isEmpty(); attempt++) {
            if (attempt == 20) {
                throw new IllegalStateException(pending.size() + " records still refused after 20 attempts");
            }
            List<PutRecordsRequestEntry> entries = pending.stream()
                    .map(r -> PutRecordsRequestEntry.builder()
                            .partitionKey(r.partitionKey())
                            .explicitHashKey(r.explicitHashKey())
                            .data(SdkBytes.fromByteArrayUnsafe(r.data()))
                            .build())
                    .toList();
            List<PackedRecord> current = pending;
            PutRecordsResponse response =
                    kinesis.putRecords(b -> b.streamName(stream).records(entries));
            List<PackedRecord> failed = new ArrayList<>();
            List<PutRecordsResultEntry> results = response.records();
            for (int i = 0; i < results.size(); i++) {
                if (results.get(i).errorCode() != null) {
                    failed.add(current.get(i));
                }
            }
            pending = failed;
            if (!pending.isEmpty()) {
                sleep(100L << Math.min(attempt, 5));
            }
        }
        return call.stream().mapToLong(r -> r.events().size()).sum();
    }

    /** The reference way: one PutRecord per row, the row's event JSON as the record, keyed by InvoiceNo. */
    BoundedRun.Result putPerRow(String stream, List<TransactionEvent> events, int threads, Duration limit) {
        return BoundedRun.run(events, threads, limit, e -> {
            byte[] json = EventJson.write(e);
            kinesis.putRecord(b -> b.streamName(stream)
                    .partitionKey(e.transaction().invoiceNo())
                    .data(SdkBytes.fromByteArrayUnsafe(json)));
            return 1;
        });
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
