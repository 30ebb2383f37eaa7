package com.ecommerce.pipeline.ingest;

import com.ecommerce.pipeline.schema.kinesis.MalformedRecordException;
import com.ecommerce.pipeline.schema.kinesis.RecordCodec;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/** Reads everything on every shard of a stream straight from Kinesis, independent of the service. */
public final class StreamContents {

    /** One row as found on the stream: its shard, its record's sequence number and its position in the record. */
    public record StreamedEvent(String shardId, String sequenceNumber, int position, TransactionEvent event) {}

    private StreamContents() {}

    public static List<StreamedEvent> readAll(KinesisClient kinesis, String stream) throws MalformedRecordException {
        List<StreamedEvent> events = new ArrayList<>();
        for (Shard shard : kinesis.listShards(r -> r.streamName(stream)).shards()) {
            String iterator = kinesis.getShardIterator(r -> r.streamName(stream)
                            .shardId(shard.shardId())
                            .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                    .shardIterator();
            int emptyReads = 0;
            while (iterator != null && emptyReads < 2) {
                String it = iterator;
                GetRecordsResponse response =
                        kinesis.getRecords(r -> r.shardIterator(it).limit(10_000));
                if (response.records().isEmpty()) {
                    emptyReads++;
                }
                for (Record record : response.records()) {
                    List<TransactionEvent> decoded =
                            RecordCodec.decode(record.data().asByteArray());
                    for (int i = 0; i < decoded.size(); i++) {
                        events.add(new StreamedEvent(shard.shardId(), record.sequenceNumber(), i, decoded.get(i)));
                    }
                }
                iterator = response.nextShardIterator();
            }
        }
        return events;
    }

    public static List<StreamedEvent> withKey(List<StreamedEvent> all, String idempotencyKey) {
        return all.stream()
                .filter(e -> idempotencyKey.equals(e.event().ingest().idempotencyKey()))
                .toList();
    }
}
