package com.ecommerce.pipeline.e2e;

import com.ecommerce.pipeline.dynamostore.InvoiceReader;
import com.ecommerce.pipeline.dynamostore.InvoiceSummary;
import com.ecommerce.pipeline.dynamostore.StoreTables;
import com.ecommerce.pipeline.dynamostore.StoredLine;
import com.ecommerce.pipeline.schema.kinesis.MalformedRecordException;
import com.ecommerce.pipeline.schema.kinesis.RecordCodec;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.reflect.RecordComponent;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPInputStream;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
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
    /** Concurrent DynamoDB reads of a reconciliation. */
    private static final int READERS = 8;

    /** One row as found on the stream. */
    record StreamedEvent(String shardId, String sequenceNumber, int position, TransactionEvent event) {}

    private Sinks() {}

    /**
     * Every event on every shard, from TRIM_HORIZON (as ingest-service's test StreamContents reads it). Records
     * that do not decode (the poison the fault tests put on the stream) hold no event and are skipped.
     */
    static List<StreamedEvent> stream(KinesisClient kinesis) {
        List<StreamedEvent> events = new ArrayList<>();
        forEachRecord(kinesis, (shardId, record) -> {
            List<TransactionEvent> decoded;
            try {
                decoded = RecordCodec.decode(record.data().asByteArray());
            } catch (MalformedRecordException e) {
                return;
            }
            for (int i = 0; i < decoded.size(); i++) {
                events.add(new StreamedEvent(shardId, record.sequenceNumber(), i, decoded.get(i)));
            }
        });
        return events;
    }

    /** Every record on every shard, from TRIM_HORIZON, with its shard id; decoded or not. */
    static void forEachRecord(KinesisClient kinesis, java.util.function.BiConsumer<String, Record> action) {
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
                response.records().forEach(record -> action.accept(shard.shardId(), record));
                iterator = response.nextShardIterator();
            }
        }
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

    /**
     * Every line DynamoDB holds for these invoices, read through dynamo-store's {@link InvoiceReader} (one
     * strongly consistent Query per invoice; the reader merges an invoice's piece items, each event id once),
     * keyed "invoiceNo|eventId", each line's fields as text.
     */
    static Map<String, Map<String, String>> invoiceLines(DynamoDbClient dynamo, Collection<String> invoiceNos) {
        InvoiceReader reader = new InvoiceReader(dynamo, StoreTables.defaults());
        Map<String, Map<String, String>> lines = new ConcurrentHashMap<>();
        inParallel(invoiceNos, invoiceNo -> reader.invoice(invoiceNo, true).ifPresent(invoice -> {
            for (StoredLine line : invoice.lines()) {
                lines.put(invoiceNo + "|" + line.eventId(), fields(line));
            }
        }));
        return new TreeMap<>(lines);
    }

    /** How often each event id occurs among the invoices' lines (more than once: under two invoices). */
    static Map<String, Integer> invoiceEventCounts(Map<String, Map<String, String>> lines) {
        Map<String, Integer> counts = new TreeMap<>();
        lines.values().forEach(line -> counts.merge(line.get("eventId"), 1, Integer::sum));
        return counts;
    }

    /**
     * Every invoice summary of these customers, read through dynamo-store's {@link InvoiceReader} (one Query per
     * customer; the reader adds up an invoice's pieces), keyed "customerId|invoiceNo".
     */
    static Map<String, InvoiceSummary> customerInvoices(DynamoDbClient dynamo, Collection<String> customerIds) {
        InvoiceReader reader = new InvoiceReader(dynamo, StoreTables.defaults());
        Map<String, InvoiceSummary> summaries = new ConcurrentHashMap<>();
        inParallel(customerIds, customerId -> {
            for (InvoiceSummary summary : reader.customerInvoices(customerId)) {
                if (summaries.put(customerId + "|" + summary.invoiceNo(), summary) != null) {
                    throw new AssertionError(
                            "the reader returned invoice " + summary.invoiceNo() + " twice for customer " + customerId);
                }
            }
        });
        return new TreeMap<>(summaries);
    }

    /** Each value's fields as text, for {@link #diff}. */
    static Map<String, Map<String, String>> asFields(Map<String, ? extends java.lang.Record> records) {
        Map<String, Map<String, String>> out = new TreeMap<>();
        records.forEach((key, record) -> out.put(key, fields(record)));
        return out;
    }

    /** A record's components as text (numbers exactly as read, e.g. 2.50 and 2.5 differ). */
    static Map<String, String> fields(java.lang.Record record) {
        Map<String, String> fields = new TreeMap<>();
        for (RecordComponent c : record.getClass().getRecordComponents()) {
            try {
                fields.put(c.getName(), String.valueOf(c.getAccessor().invoke(record)));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + c.getName() + " of " + record, e);
            }
        }
        return fields;
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

    /**
     * How often each event id occurs in firehose_transactions (only that column: the full dataset's 541,909 rows with
     * every column would cost gigabytes of heap).
     */
    static Map<String, Integer> warehouseEventIds(Connection db) throws SQLException {
        Map<String, Integer> counts = new java.util.HashMap<>();
        try (Statement st = db.createStatement()) {
            st.setFetchSize(10_000);
            try (ResultSet rs = st.executeQuery("SELECT event_id FROM firehose_transactions")) {
                while (rs.next()) {
                    counts.merge(rs.getString(1), 1, Integer::sum);
                }
            }
        }
        return counts;
    }

    /**
     * One read per key on a few threads: a DynamoDB Query per invoice is ~26,000 of them for the full dataset, too
     * slow one after another. The reader and the SDK client are thread-safe.
     */
    private static void inParallel(Collection<String> keys, java.util.function.Consumer<String> read) {
        ExecutorService pool = Executors.newFixedThreadPool(READERS);
        try {
            List<Future<?>> reads = new ArrayList<>();
            for (String key : keys) {
                reads.add(pool.submit(() -> read.accept(key)));
            }
            for (Future<?> f : reads) {
                f.get();
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            pool.shutdownNow();
        }
    }
}
