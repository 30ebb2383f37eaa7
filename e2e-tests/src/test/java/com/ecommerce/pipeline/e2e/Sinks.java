package com.ecommerce.pipeline.e2e;

import com.ecommerce.pipeline.schema.MalformedRecordException;
import com.ecommerce.pipeline.schema.RecordCodec;
import com.ecommerce.pipeline.schema.TransactionEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;
import tools.jackson.databind.JsonNode;

/** Reads the stream and the three sinks straight from the emulators, independent of the services. */
final class Sinks {

    static final String STREAM = "APIData";
    static final String BUCKET = "ecommerce-raw";
    static final String ARCHIVE_PREFIX = "raw/";

    /** One row as found on the stream. */
    record StreamedEvent(String shardId, String sequenceNumber, int position, TransactionEvent event) {}

    private Sinks() {}

    /**
     * Every event on every shard, from TRIM_HORIZON (as ingest-service's test StreamContents reads it). Records
     * that do not decode (the poison the fault tests put on the stream) hold no event and are skipped.
     */
    static List<StreamedEvent> stream(KinesisClient kinesis) {
        List<StreamedEvent> events = new ArrayList<>();
        for (Shard shard : kinesis.listShards(r -> r.streamName(STREAM)).shards()) {
            String iterator = kinesis.getShardIterator(r -> r.streamName(STREAM)
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
                    List<TransactionEvent> decoded;
                    try {
                        decoded = RecordCodec.decode(record.data().asByteArray());
                    } catch (MalformedRecordException e) {
                        continue;
                    }
                    for (int i = 0; i < decoded.size(); i++) {
                        events.add(new StreamedEvent(shard.shardId(), record.sequenceNumber(), i, decoded.get(i)));
                    }
                }
                iterator = response.nextShardIterator();
            }
        }
        return events;
    }

    static int shardCount(KinesisClient kinesis) {
        return kinesis.listShards(r -> r.streamName(STREAM)).shards().size();
    }

    static Map<String, Integer> countStream(List<StreamedEvent> events) {
        Map<String, Integer> counts = new TreeMap<>();
        events.forEach(e -> counts.merge(e.event().eventId(), 1, Integer::sum));
        return counts;
    }

    /** How often each event id occurs in the archive: every line of every gzip NDJSON object under raw/. */
    static Map<String, Integer> archiveCounts(S3Client s3) throws IOException {
        Map<String, Integer> counts = new TreeMap<>();
        for (S3Object object : s3.listObjectsV2Paginator(r -> r.bucket(BUCKET).prefix(ARCHIVE_PREFIX))
                .contents()) {
            try (ResponseInputStream<GetObjectResponse> in =
                            s3.getObject(r -> r.bucket(BUCKET).key(object.key()));
                    BufferedReader lines = new BufferedReader(
                            new InputStreamReader(new GZIPInputStream(in), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonNode event = ServiceProcess.JSON.readTree(line);
                    String id = event.path("eventId").asString();
                    counts.merge(id, 1, Integer::sum);
                }
            }
        }
        return counts;
    }

    /** The archive's objects: key → ETag (an MD5 of the content here), to see whether any was added or rewritten. */
    static Map<String, Map<String, String>> archiveObjects(S3Client s3) {
        Map<String, Map<String, String>> objects = new TreeMap<>();
        for (S3Object object : s3.listObjectsV2Paginator(r -> r.bucket(BUCKET).prefix(ARCHIVE_PREFIX))
                .contents()) {
            objects.put(object.key(), Map.of("eTag", object.eTag(), "size", Long.toString(object.size())));
        }
        return objects;
    }

    static int archiveObjectCount(S3Client s3) {
        int n = 0;
        for (S3Object ignored : s3.listObjectsV2Paginator(r -> r.bucket(BUCKET).prefix(ARCHIVE_PREFIX))
                .contents()) {
            n++;
        }
        return n;
    }

    /** Every {@code invoices} item of these invoices (one Query per invoice), keyed "invoiceNo|eventId". */
    static Map<String, Map<String, AttributeValue>> invoiceItems(DynamoDbClient dynamo, Collection<String> invoiceNos) {
        Map<String, Map<String, AttributeValue>> items = new TreeMap<>();
        for (String invoiceNo : invoiceNos) {
            QueryRequest query = QueryRequest.builder()
                    .tableName("invoices")
                    .keyConditionExpression("invoiceNo = :n")
                    .expressionAttributeValues(Map.of(":n", AttributeValue.fromS(invoiceNo)))
                    .consistentRead(true)
                    .build();
            dynamo.queryPaginator(query).items().forEach(item -> {
                String key =
                        item.get("invoiceNo").s() + "|" + item.get("eventId").s();
                if (items.put(key, item) != null) {
                    throw new AssertionError("the same invoices key read twice: " + key);
                }
            });
        }
        return items;
    }

    /** How often each event id occurs among the {@code invoices} items. */
    static Map<String, Integer> invoiceEventCounts(Map<String, Map<String, AttributeValue>> items) {
        Map<String, Integer> counts = new TreeMap<>();
        items.values().forEach(item -> counts.merge(item.get("eventId").s(), 1, Integer::sum));
        return counts;
    }

    /** Every {@code customers} item of these customers (one Query per customer), keyed "customerId|invoiceKey". */
    static Map<String, Map<String, AttributeValue>> customerItems(
            DynamoDbClient dynamo, Collection<String> customerIds) {
        Map<String, Map<String, AttributeValue>> items = new TreeMap<>();
        for (String customerId : customerIds) {
            QueryRequest query = QueryRequest.builder()
                    .tableName("customers")
                    .keyConditionExpression("customerId = :c")
                    .expressionAttributeValues(Map.of(":c", AttributeValue.fromS(customerId)))
                    .consistentRead(true)
                    .build();
            dynamo.queryPaginator(query)
                    .items()
                    .forEach(item -> items.put(
                            item.get("customerId").s() + "|"
                                    + item.get("invoiceKey").s(),
                            item));
        }
        return items;
    }

    /** Every row of firehose_transactions, every column as text, keyed by event_id (a duplicate key fails). */
    static Map<String, Map<String, String>> warehouseRows(Connection db) throws SQLException {
        Map<String, Map<String, String>> rows = new TreeMap<>();
        try (Statement st = db.createStatement();
                ResultSet rs = st.executeQuery("SELECT * FROM firehose_transactions ORDER BY event_id")) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                Map<String, String> row = new TreeMap<>();
                for (int c = 1; c <= meta.getColumnCount(); c++) {
                    row.put(meta.getColumnName(c), Objects.toString(rs.getString(c), "<null>"));
                }
                if (rows.put(row.get("event_id"), row) != null) {
                    throw new AssertionError("event_id twice in firehose_transactions: " + row.get("event_id"));
                }
            }
        }
        return rows;
    }

    static int warehouseRowCount(Connection db) throws SQLException {
        try (Statement st = db.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM firehose_transactions")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Differences between two snapshots, field by field (at most {@code limit} lines). */
    static <V> List<String> diff(Map<String, Map<String, V>> before, Map<String, Map<String, V>> after, int limit) {
        List<String> out = new ArrayList<>();
        TreeSet<String> keys = new TreeSet<>(before.keySet());
        keys.addAll(after.keySet());
        for (String key : keys) {
            Map<String, V> b = before.get(key);
            Map<String, V> a = after.get(key);
            if (b == null) {
                out.add("added " + key + ": " + a);
            } else if (a == null) {
                out.add("removed " + key + ": " + b);
            } else if (!a.equals(b)) {
                TreeSet<String> fields = new TreeSet<>(b.keySet());
                fields.addAll(a.keySet());
                for (String f : fields) {
                    if (!Objects.equals(b.get(f), a.get(f))) {
                        out.add(key + " field " + f + ": " + b.get(f) + " -> " + a.get(f));
                    }
                }
            }
            if (out.size() >= limit) {
                out.add("...");
                break;
            }
        }
        return out;
    }
}
