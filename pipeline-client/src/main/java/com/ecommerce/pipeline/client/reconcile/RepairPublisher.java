package com.ecommerce.pipeline.client.reconcile;

import com.ecommerce.pipeline.client.cloud.StoreUnavailableException;
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
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Puts events straight onto the stream, as ingest-service's publisher does: packed by pipeline-schema's {@link
 * RecordPacker} with the default {@link PackingLimits} (the record format and the routing by InvoiceNo every
 * consumer expects), split into PutRecords calls by {@link PutRecordsCalls}, the entries Kinesis refuses retried
 * with backoff. Bypasses ingest-service, and so its idempotency store: a repair's events are ones ingest published
 * before, which the store would answer without publishing again.
 */
final class RepairPublisher {

    private static final Duration GIVE_UP_AFTER = Duration.ofMinutes(2);

    private final KinesisClient kinesis;
    private final String stream;
    private ShardMap shards;
    private long records;

    RepairPublisher(KinesisClient kinesis, String stream) {
        this.kinesis = kinesis;
        this.stream = stream;
    }

    /** Records put so far. */
    long records() {
        return records;
    }

    /**
     * Puts the events (whole requests' invoice groups, in request order) and returns once every record is on the
     * stream.
     *
     * @throws StoreUnavailableException when the stream is missing or did not take them within two minutes
     */
    void publish(List<TransactionEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + GIVE_UP_AFTER.toNanos();
        try {
            List<PackedRecord> pending = RecordPacker.pack(events, shards(), PackingLimits.defaults());
            Set<String> codes = new TreeSet<>();
            for (int attempt = 0; !pending.isEmpty(); attempt++) {
                if (attempt > 0) {
                    if (System.nanoTime() > deadline) {
                        throw new StoreUnavailableException(
                                "the stream " + stream + " did not take " + pending.size()
                                        + " records within " + GIVE_UP_AFTER.toSeconds() + " s ("
                                        + String.join(", ", codes)
                                        + "); what it took is harmless to publish again: run the repair again",
                                null);
                    }
                    sleep(Math.min(2_000L, 100L << Math.min(attempt, 5)));
                }
                List<PackedRecord> failed = new ArrayList<>();
                for (List<PackedRecord> call : PutRecordsCalls.split(pending)) {
                    PutRecordsResponse response = kinesis.putRecords(r -> r.streamName(stream)
                            .records(call.stream()
                                    .map(p -> PutRecordsRequestEntry.builder()
                                            .partitionKey(p.partitionKey())
                                            .explicitHashKey(p.explicitHashKey())
                                            .data(SdkBytes.fromByteArrayUnsafe(p.data()))
                                            .build())
                                    .toList()));
                    for (int i = 0; i < call.size(); i++) {
                        String code = response.records().get(i).errorCode();
                        if (code == null) {
                            records++;
                        } else {
                            failed.add(call.get(i));
                            codes.add(code);
                        }
                    }
                }
                pending = failed;
            }
        } catch (ResourceNotFoundException e) {
            throw new StoreUnavailableException("the Kinesis stream " + stream + " does not exist", e);
        } catch (SdkClientException | KinesisException e) {
            throw new StoreUnavailableException("Kinesis is unreachable: " + e.getMessage(), e);
        }
    }

    /** The open shards' hash key ranges (a reshard's closed parents take no writes), read once. */
    private ShardMap shards() {
        if (shards == null) {
            List<HashKeyRange> open = new ArrayList<>();
            String next = null;
            do {
                String token = next;
                ListShardsResponse page = kinesis.listShards(r -> {
                    if (token == null) {
                        r.streamName(stream);
                    } else {
                        r.nextToken(token);
                    }
                });
                for (Shard shard : page.shards()) {
                    if (shard.sequenceNumberRange().endingSequenceNumber() == null) {
                        open.add(new HashKeyRange(
                                shard.shardId(),
                                new BigInteger(shard.hashKeyRange().startingHashKey()),
                                new BigInteger(shard.hashKeyRange().endingHashKey())));
                    }
                }
                next = page.nextToken();
            } while (next != null);
            shards = new ShardMap(open);
        }
        return shards;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while re-publishing", e);
        }
    }
}
