package com.ecommerce.pipeline.client.reconcile;

import com.ecommerce.pipeline.client.cloud.StoreUnavailableException;
import com.ecommerce.pipeline.schema.kinesis.MalformedRecordException;
import com.ecommerce.pipeline.schema.kinesis.RecordCodec;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * The rows in flight to each sink: the events on the stream after its consumer's checkpoint, which the consumer
 * has not yet confirmed written (it checkpoints only after its sink write is durable). Each consumer's checkpoints
 * are read from its KCL lease table (one item per shard, attribute {@code checkpoint}; a shard without a lease yet
 * starts at TRIM_HORIZON, as the consumers do); each shard is then read once, from the earliest of the consumers'
 * positions to its tip.
 *
 * <p>Read the backlog before the sinks: an event past a checkpoint was written before that checkpoint, so a sink
 * read afterwards holds it; the other order could see an event neither in flight (checkpointed meanwhile) nor in
 * the sink (read before it was written).
 */
final class StreamBacklog {

    static final String TRIM_HORIZON = "TRIM_HORIZON";
    static final String SHARD_END = "SHARD_END";

    /** What one read saw: each sink's checkpoints, and the distinct event ids on the stream after them. */
    record Snapshot(Map<String, Map<String, String>> checkpoints, Map<String, Set<String>> inFlight) {

        long inFlight(String sink) {
            return inFlight.getOrDefault(sink, Set.of()).size();
        }

        long totalInFlight() {
            return inFlight.values().stream().mapToLong(Set::size).sum();
        }
    }

    private final KinesisClient kinesis;
    private final DynamoDbClient dynamo;
    private final String stream;
    /** The consumer (KCL application, whose lease table has its name) of each sink, in report order. */
    private final Map<String, String> consumers;

    StreamBacklog(KinesisClient kinesis, DynamoDbClient dynamo, String stream, Map<String, String> consumers) {
        this.kinesis = kinesis;
        this.dynamo = dynamo;
        this.stream = stream;
        this.consumers = consumers;
    }

    Snapshot read() {
        try {
            List<String> shards = kinesis.listShards(r -> r.streamName(stream)).shards().stream()
                    .map(Shard::shardId)
                    .toList();
            Map<String, Map<String, String>> checkpoints = new LinkedHashMap<>();
            for (Map.Entry<String, String> c : consumers.entrySet()) {
                checkpoints.put(c.getKey(), checkpoints(c.getValue(), shards));
            }
            Map<String, Set<String>> inFlight = new LinkedHashMap<>();
            consumers.keySet().forEach(sink -> inFlight.put(sink, new LinkedHashSet<>()));
            for (String shard : shards) {
                String from = earliest(
                        checkpoints.values().stream().map(c -> c.get(shard)).toList());
                if (from == null) {
                    continue; // every consumer is past this shard's end
                }
                for (Positioned e : readAfter(shard, from)) {
                    for (Map.Entry<String, Map<String, String>> c : checkpoints.entrySet()) {
                        if (after(e.sequenceNumber(), c.getValue().get(shard))) {
                            inFlight.get(c.getKey()).add(e.eventId());
                        }
                    }
                }
            }
            return new Snapshot(checkpoints, inFlight);
        } catch (software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException e) {
            throw new StoreUnavailableException("the Kinesis stream " + stream + " does not exist", e);
        } catch (SdkClientException e) {
            throw new StoreUnavailableException("Kinesis or DynamoDB is unreachable: " + e.getMessage(), e);
        }
    }

    /** A consumer's checkpoint per shard: a sequence number, TRIM_HORIZON (no lease or none yet) or SHARD_END. */
    private Map<String, String> checkpoints(String leaseTable, List<String> shards) {
        Map<String, String> byShard = new TreeMap<>();
        shards.forEach(s -> byShard.put(s, TRIM_HORIZON));
        try {
            dynamo.scanPaginator(r -> r.tableName(leaseTable)).items().forEach(item -> {
                AttributeValue checkpoint = item.get("checkpoint");
                AttributeValue key = item.get("leaseKey");
                if (checkpoint == null || checkpoint.s() == null || key == null || key.s() == null) {
                    return; // not a shard's lease (KCL keeps other items in the table too)
                }
                String shard = key.s().substring(key.s().lastIndexOf(':') + 1); // multi-stream keys end in the shard
                if (byShard.containsKey(shard)) {
                    byShard.put(shard, checkpoint.s());
                }
            });
        } catch (ResourceNotFoundException e) {
            // the consumer never started: everything on the stream is in flight to its sink
        }
        return byShard;
    }

    /** The earliest of these positions, or null when all are SHARD_END. */
    static String earliest(List<String> positions) {
        String earliest = null;
        for (String p : positions) {
            if (p == null || TRIM_HORIZON.equals(p) || !isSequenceNumber(p) && !SHARD_END.equals(p)) {
                return TRIM_HORIZON; // unknown sentinels (LATEST, AT_TIMESTAMP) are read from the start: safe
            }
            if (!SHARD_END.equals(p)
                    && (earliest == null || new BigInteger(p).compareTo(new BigInteger(earliest)) < 0)) {
                earliest = p;
            }
        }
        return earliest;
    }

    /** Whether a record at {@code sequenceNumber} comes after the checkpoint {@code position}. */
    static boolean after(String sequenceNumber, String position) {
        if (position == null || TRIM_HORIZON.equals(position)) {
            return true;
        }
        if (SHARD_END.equals(position)) {
            return false;
        }
        if (!isSequenceNumber(position)) {
            return true;
        }
        return new BigInteger(sequenceNumber).compareTo(new BigInteger(position)) > 0;
    }

    private static boolean isSequenceNumber(String p) {
        return p.chars().allMatch(Character::isDigit) && !p.isEmpty();
    }

    private record Positioned(String sequenceNumber, String eventId) {}

    /** Every event of the shard after {@code from} (or from its start), up to its tip. */
    private List<Positioned> readAfter(String shard, String from) {
        String iterator = TRIM_HORIZON.equals(from)
                ? kinesis.getShardIterator(r ->
                                r.streamName(stream).shardId(shard).shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                        .shardIterator()
                : kinesis.getShardIterator(r -> r.streamName(stream)
                                .shardId(shard)
                                .shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                                .startingSequenceNumber(from))
                        .shardIterator();
        List<Positioned> events = new ArrayList<>();
        while (iterator != null) {
            String it = iterator;
            GetRecordsResponse response =
                    kinesis.getRecords(r -> r.shardIterator(it).limit(10_000));
            for (Record record : response.records()) {
                List<TransactionEvent> decoded;
                try {
                    decoded = RecordCodec.decode(record.data().asByteArray());
                } catch (MalformedRecordException e) {
                    continue; // a record no sink takes: it goes to the dead letters, never to a sink
                }
                for (TransactionEvent e : decoded) {
                    events.add(new Positioned(record.sequenceNumber(), e.eventId()));
                }
            }
            // At the tip: nothing more now (an open shard's iterator never ends).
            if (response.records().isEmpty()
                    && (response.millisBehindLatest() == null || response.millisBehindLatest() == 0)) {
                break;
            }
            iterator = response.nextShardIterator();
        }
        return events;
    }
}
