package com.ecommerce.pipeline.bench;

import com.ecommerce.pipeline.schema.kinesis.PackedRecord;
import com.ecommerce.pipeline.schema.kinesis.ShardMap;
import com.ecommerce.pipeline.schema.model.Transaction;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A raw Kinesis ceiling run: the rows cut into the client's requests, packed as ingest-service packs them, put with
 * PutRecords onto a new empty 4-shard stream, which is deleted afterwards. Its result, the records and bytes put, and
 * CPU seconds per process before and after. The ingest ceiling and the ingest-alone phase both measure it.
 */
record PackedCeiling(
        BoundedRun.Result run, int records, long bytes, Map<String, Double> cpuBefore, Map<String, Double> cpuAfter) {

    static PackedCeiling measure(BenchRun b, List<Transaction> rows, String stream) throws Exception {
        KinesisBench kinesis = b.kinesis();
        ShardMap shards = kinesis.createStream(stream);
        List<PackedRecord> records = KinesisBench.pack(Dataset.requests(rows, 500, stream), shards);
        long bytes = records.stream().mapToLong(r -> r.data().length).sum();
        Map<String, Double> cpu0 = b.cpu().now();
        BoundedRun.Result r;
        try {
            r = kinesis.putPacked(stream, records, b.opt().threads, Duration.ofHours(1));
        } finally {
            // deleted even after a failure: a full scratch stream would slow kinesis-local for the whole run
            kinesis.deleteStream(stream);
        }
        return new PackedCeiling(r, records.size(), bytes, cpu0, b.cpu().now());
    }
}
