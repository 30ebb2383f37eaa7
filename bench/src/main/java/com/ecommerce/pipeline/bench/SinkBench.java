package com.ecommerce.pipeline.bench;

import com.ecommerce.pipeline.dynamostore.InvoiceReader;
import com.ecommerce.pipeline.dynamostore.StoreTables;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import org.postgresql.PGConnection;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.Select;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * What each sink holds, read back after the load (the reconciliation), and the raw ceilings of the same
 * stores for exactly those rows: a COPY, BatchWriteItem of the DynamoDB writer's own items, PutObjects of the
 * same bytes — and the reference designs' one write per row — all into scratch tables, tables and prefixes.
 */
final class SinkBench {

    static final String BUCKET = "ecommerce-raw";
    static final String SCRATCH_PREFIX = "bench-scratch/";
    /** The scratch DynamoDB tables of the sink ceiling and the per-row PutItems, with the keys of the store's. */
    static final String SCRATCH_INVOICES = "bench-scratch-invoices";

    static final String SCRATCH_CUSTOMERS = "bench-scratch-customers";
    /** firehose_transactions without its generated column (line_total), which COPY and INSERT cannot set. */
    static final String PG_COLUMNS = "event_id, invoice_no, stock_code, description, quantity, invoice_date,"
            + " unit_price, customer_id, country, ingest_idempotency_key, ingest_row, ingest_received_at,"
            + " ingest_source, loaded_at";

    private final Clients clients;
    private final int threads;

    SinkBench(Clients clients, int threads) {
        this.clients = clients;
        this.threads = threads;
    }

    /** A sink's content: rows (lines, items), distinct event ids. */
    record Count(long rows, long distinctEventIds) {}

    // ---------------------------------------------------------------- PostgreSQL

    Count warehouseCount() throws SQLException {
        try (Connection c = pg();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT event_id) FROM firehose_transactions")) {
            rs.next();
            return new Count(rs.getLong(1), rs.getLong(2));
        }
    }

    /** The warehouse rows in COPY text format, in chunks of {@code chunkRows} rows (one line per row). */
    List<byte[]> warehouseCopyChunks(int chunkRows) throws SQLException, IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream(64 << 20);
        try (Connection c = pg()) {
            c.unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyOut("COPY (SELECT " + PG_COLUMNS + " FROM firehose_transactions) TO STDOUT", all);
        }
        byte[] bytes = all.toByteArray();
        List<byte[]> chunks = new ArrayList<>();
        int start = 0;
        int rows = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n' && ++rows == chunkRows) {
                chunks.add(java.util.Arrays.copyOfRange(bytes, start, i + 1));
                start = i + 1;
                rows = 0;
            }
        }
        if (start < bytes.length) {
            chunks.add(java.util.Arrays.copyOfRange(bytes, start, bytes.length));
        }
        return chunks;
    }

    /** A scratch copy of firehose_transactions' shape: columns, defaults, constraints, indexes; no triggers. */
    void createScratchTable(String table) throws SQLException {
        try (Connection c = pg();
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table);
            s.execute("CREATE TABLE " + table + " (LIKE firehose_transactions INCLUDING ALL)");
        }
    }

    void dropScratchTable(String table) throws SQLException {
        try (Connection c = pg();
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table);
        }
    }

    /** The raw ceiling: COPY of the same rows, one chunk per transaction, one connection per thread. */
    BoundedRun.Result copyCeiling(String table, List<byte[]> chunks, Duration limit) throws SQLException {
        try (Connections connections = new Connections()) {
            return BoundedRun.run(chunks, threads, limit, chunk -> {
                try {
                    return connections
                            .get()
                            .unwrap(PGConnection.class)
                            .getCopyAPI()
                            .copyIn(
                                    "COPY " + table + " (" + PG_COLUMNS + ") FROM STDIN",
                                    new ByteArrayInputStream(chunk));
                } catch (SQLException | IOException e) {
                    throw new IllegalStateException("COPY failed: " + e.getMessage(), e);
                }
            });
        }
    }

    /** One connection per thread of a run, closed together at the end. */
    private static final class Connections implements AutoCloseable {
        private final Map<Thread, Connection> byThread = new ConcurrentHashMap<>();

        Connection get() {
            return byThread.computeIfAbsent(Thread.currentThread(), t -> {
                try {
                    return pg();
                } catch (SQLException e) {
                    throw new IllegalStateException("cannot connect to the warehouse: " + e.getMessage(), e);
                }
            });
        }

        @Override
        public void close() throws SQLException {
            for (Connection c : byThread.values()) {
                c.close();
            }
        }
    }

    /** Rows of the warehouse as column values, for the one-INSERT-per-row run. */
    List<Object[]> warehouseRows(int limit) throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        try (Connection c = pg();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT " + PG_COLUMNS + " FROM firehose_transactions LIMIT " + limit)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Object[] row = new Object[n];
                for (int i = 0; i < n; i++) {
                    row[i] = rs.getObject(i + 1);
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /** The reference way: one INSERT per row, each its own transaction, one connection per thread. */
    BoundedRun.Result insertPerRow(String table, List<Object[]> rows, Duration limit) throws SQLException {
        int columns = PG_COLUMNS.split(",").length;
        String sql = "INSERT INTO " + table + " (" + PG_COLUMNS + ") VALUES ("
                + String.join(",", Collections.nCopies(columns, "?")) + ")";
        try (Connections connections = new Connections()) {
            return BoundedRun.run(rows, threads, limit, row -> {
                try (PreparedStatement ps = connections.get().prepareStatement(sql)) {
                    for (int i = 0; i < row.length; i++) {
                        ps.setObject(i + 1, row[i]);
                    }
                    return ps.executeUpdate();
                } catch (SQLException e) {
                    throw new IllegalStateException("INSERT failed: " + e.getMessage(), e);
                }
            });
        }
    }

    static Connection pg() throws SQLException {
        return DriverManager.getConnection(Clients.JDBC_URL, Clients.JDBC_USER, Clients.JDBC_PASSWORD);
    }

    // ---------------------------------------------------------------- DynamoDB

    /**
     * Every line DynamoDB holds for these invoices, read through dynamo-store's {@link InvoiceReader} (one Query
     * per invoice, in parallel; the reader merges an invoice's piece items, each event id once per invoice):
     * lines, distinct event ids.
     */
    Count invoiceLines(List<String> invoiceNos) {
        InvoiceReader reader = new InvoiceReader(clients.dynamo, StoreTables.defaults());
        Set<String> ids = ConcurrentHashMap.newKeySet();
        BoundedRun.Result r = BoundedRun.run(invoiceNos, threads, Duration.ofHours(1), no -> reader.invoice(no)
                .map(invoice -> {
                    invoice.lines().forEach(line -> ids.add(line.eventId()));
                    return (long) invoice.lines().size();
                })
                .orElse(0L));
        return new Count(r.rows(), ids.size());
    }

    /** How many items a table holds, by a parallel Scan that only counts. */
    long itemCount(String table) throws InterruptedException {
        DynamoDbClient dynamo = clients.dynamo;
        int segments = threads;
        ExecutorService pool = Executors.newFixedThreadPool(segments);
        List<Future<Long>> parts = new ArrayList<>();
        for (int seg = 0; seg < segments; seg++) {
            int segment = seg;
            parts.add(pool.submit(() -> {
                long n = 0;
                Map<String, AttributeValue> start = null;
                do {
                    Map<String, AttributeValue> from = start;
                    ScanResponse r = dynamo.scan(b -> b.tableName(table)
                            .segment(segment)
                            .totalSegments(segments)
                            .select(Select.COUNT)
                            .exclusiveStartKey(from));
                    n += r.count();
                    start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
                } while (start != null);
                return n;
            }));
        }
        long all = 0;
        try {
            for (var f : parts) {
                all += f.get();
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("Scan of " + table + " failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return all;
    }

    /** A scratch table with the key schema of {@code source}, on demand. */
    void createScratchTable(String source, String scratch) throws InterruptedException {
        DynamoDbClient dynamo = clients.dynamo;
        deleteScratchTable(scratch);
        TableDescription d = dynamo.describeTable(b -> b.tableName(source)).table();
        List<KeySchemaElement> keys = d.keySchema();
        Set<String> keyNames = new HashSet<>();
        keys.forEach(k -> keyNames.add(k.attributeName()));
        List<AttributeDefinition> defs = d.attributeDefinitions().stream()
                .filter(a -> keyNames.contains(a.attributeName()))
                .toList();
        dynamo.createTable(b -> b.tableName(scratch)
                .keySchema(keys)
                .attributeDefinitions(defs)
                .billingMode(BillingMode.PAY_PER_REQUEST));
        dynamo.waiter().waitUntilTableExists(b -> b.tableName(scratch));
    }

    void deleteScratchTable(String scratch) {
        try {
            clients.dynamo.deleteTable(b -> b.tableName(scratch));
        } catch (ResourceNotFoundException e) {
            // not there: nothing to delete
        }
    }

    /** A ceiling run: its rows (invoice lines) and the items that held them. */
    record ItemsRun(BoundedRun.Result run, long items) {
        double itemsRate() {
            return Stats.rate(items, run.seconds());
        }
    }

    /**
     * The raw ceiling: plain BatchWriteItem of the writer's items, 25 a call, on {@code concurrency} threads
     * (unprocessed items re-sent).
     */
    ItemsRun batchWriteCeiling(List<StoreItems.Chunk> chunks, int concurrency, Duration limit) {
        AtomicLong items = new AtomicLong();
        BoundedRun.Result run = BoundedRun.run(chunks, concurrency, limit, chunk -> {
            Map<String, List<WriteRequest>> pending = chunk.requests();
            for (int attempt = 0; !pending.isEmpty(); attempt++) {
                Map<String, List<WriteRequest>> request = pending;
                BatchWriteItemResponse r = clients.dynamo.batchWriteItem(b -> b.requestItems(request));
                pending = r.hasUnprocessedItems() ? r.unprocessedItems() : Map.of();
                if (!pending.isEmpty()) {
                    KinesisBench.sleep(50L << Math.min(attempt, 5));
                }
            }
            items.addAndGet(chunk.items());
            return chunk.lines();
        });
        return new ItemsRun(run, items.get());
    }

    /** The reference way: one PutItem per row (each row's own item). */
    BoundedRun.Result putItemPerRow(List<StoreItems.Item> items, Duration limit) {
        return BoundedRun.run(items, threads, limit, item -> {
            clients.dynamo.putItem(b -> b.tableName(item.table()).item(item.item()));
            return item.lines();
        });
    }

    // ---------------------------------------------------------------- S3

    /** One archived object: its key, its bytes, and the event ids in it. */
    record ArchivedObject(String key, byte[] bytes, List<String> eventIds) {}

    /** Every object under raw/, fetched and unpacked. */
    List<ArchivedObject> archive() throws InterruptedException {
        S3Client s3 = clients.s3;
        List<String> keys = new ArrayList<>();
        for (var page : s3.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix("raw/"))) {
            page.contents().stream().map(S3Object::key).forEach(keys::add);
        }
        List<ArchivedObject> out = Collections.synchronizedList(new ArrayList<>());
        BoundedRun.run(keys, threads, Duration.ofHours(1), key -> {
            byte[] bytes = s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray();
            List<byte[]> lines = gunzipLines(bytes);
            List<String> ids = lines.stream().map(SinkBench::eventIdOf).toList();
            out.add(new ArchivedObject(key, bytes, ids));
            return lines.size();
        });
        return out;
    }

    static Count countArchive(List<ArchivedObject> objects) {
        Set<String> ids = new HashSet<>();
        long rows = 0;
        for (var o : objects) {
            rows += o.eventIds().size();
            ids.addAll(o.eventIds());
        }
        return new Count(rows, ids.size());
    }

    /** The raw ceiling: PutObject of the same bytes under a scratch prefix. */
    BoundedRun.Result putObjectCeiling(List<ArchivedObject> objects, Duration limit) {
        return BoundedRun.run(objects, threads, limit, o -> {
            clients.s3.putObject(
                    b -> b.bucket(BUCKET)
                            .key(SCRATCH_PREFIX + "batched/" + o.key())
                            .contentType("application/gzip"),
                    RequestBody.fromBytes(o.bytes()));
            return o.eventIds().size();
        });
    }

    /** The reference way: one object per row (the event's JSON line). */
    BoundedRun.Result putObjectPerRow(List<byte[]> lines, Duration limit) {
        return BoundedRun.run(lines, threads, limit, line -> {
            clients.s3.putObject(
                    b -> b.bucket(BUCKET)
                            .key(SCRATCH_PREFIX + "per-row/" + eventIdOf(line) + ".json")
                            .contentType("application/json"),
                    RequestBody.fromBytes(line));
            return 1;
        });
    }

    static List<byte[]> gunzipLines(byte[] gz) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            byte[] all = in.readAllBytes();
            List<byte[]> lines = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < all.length; i++) {
                if (all[i] == '\n') {
                    if (i > start) {
                        lines.add(java.util.Arrays.copyOfRange(all, start, i));
                    }
                    start = i + 1;
                }
            }
            if (start < all.length) {
                lines.add(java.util.Arrays.copyOfRange(all, start, all.length));
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException("an archived object is not gzip", e);
        }
    }

    /** The event id of an archived line: the archive writes it first ({"eventId":"…",…}). */
    static String eventIdOf(byte[] line) {
        String s = new String(line, 0, Math.min(line.length, 64), StandardCharsets.UTF_8);
        int start = s.indexOf("\"eventId\":\"");
        if (start < 0) {
            throw new IllegalArgumentException("an archived line without an eventId first: " + s);
        }
        start += "\"eventId\":\"".length();
        return s.substring(start, s.indexOf('"', start));
    }
}
