package com.ecommerce.pipeline.bench;

import com.ecommerce.pipeline.schema.HashKeyRange;
import com.ecommerce.pipeline.schema.PackedRecord;
import com.ecommerce.pipeline.schema.PackingLimits;
import com.ecommerce.pipeline.schema.PutRecordsCalls;
import com.ecommerce.pipeline.schema.RecordPacker;
import com.ecommerce.pipeline.schema.ShardMap;
import com.ecommerce.pipeline.schema.TransactionEvent;
import com.ecommerce.pipeline.schema.TransactionJson;
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

    /** Creates an empty 4-shard stream (deleting any leftover of that name) and returns its shard map. */
    ShardMap createStream(String name) throws InterruptedException {
        deleteStream(name);
        kinesis.createStream(b -> b.streamName(name).shardCount(SHARDS));
        // kinesis-local turns a stream ACTIVE on a timer of its (single-threaded) event loop: on a starved
        // CPU that takes far longer than its nominal 500 ms, so wait up to 3 minutes.
        String last = "not visible";
        for (long deadline = System.nanoTime() + 180_000_000_000L; System.nanoTime() < deadline; ) {
            var d = describe(name);
            if (d != null && d.streamStatus() == StreamStatus.ACTIVE) {
                List<HashKeyRange> ranges = new ArrayList<>();
                for (var s : d.shards()) {
                    ranges.add(new HashKeyRange(
                            s.shardId(),
                            new BigInteger(s.hashKeyRange().startingHashKey()),
                            new BigInteger(s.hashKeyRange().endingHashKey())));
                }
                return new ShardMap(ranges);
            }
            last = d == null ? "not visible" : String.valueOf(d.streamStatus());
            Thread.sleep(500);
        }
        throw new IllegalStateException("stream " + name + " did not become ACTIVE within 3 min (last: " + last + ")");
    }

    /** The stream's description, or null while kinesis-local has not made it visible yet. */
    private software.amazon.awssdk.services.kinesis.model.StreamDescription describe(String name) {
        try {
            return kinesis.describeStream(b -> b.streamName(name)).streamDescription();
        } catch (ResourceNotFoundException e) {
            return null;
        }
    }

    /** Deletes the stream and waits until it is gone (kinesis-local frees its memory). */
    void deleteStream(String name) throws InterruptedException {
        try {
            kinesis.deleteStream(b -> b.streamName(name).enforceConsumerDeletion(true));
        } catch (ResourceNotFoundException e) {
            return;
        }
        for (int i = 0; i < 120; i++) {
            try {
                kinesis.describeStream(b -> b.streamName(name));
            } catch (ResourceNotFoundException e) {
                return;
            }
            Thread.sleep(250);
        }
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
            byte[] json = TransactionJson.writeEvent(e);
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
