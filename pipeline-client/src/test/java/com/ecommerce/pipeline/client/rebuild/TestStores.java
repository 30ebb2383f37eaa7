package com.ecommerce.pipeline.client.rebuild;

import com.ecommerce.pipeline.consumer.Batch;
import com.ecommerce.pipeline.localcloud.LocalCloud;
import com.ecommerce.pipeline.schema.model.EventIds;
import com.ecommerce.pipeline.schema.model.IngestMetadata;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The stores of one test on the shared local cloud, apart from every other test's: its own archive
 * prefix, DynamoDB table names and PostgreSQL schema; and the {@code --set} arguments that point the
 * client's commands at them.
 */
public final class TestStores {

    public static final String BUCKET = "ecommerce-raw";

    public final String id = UUID.randomUUID().toString().substring(0, 8);
    public final String archivePrefix = "raw-it-" + id + "/";
    public final String invoicesTable = "invoices-it-" + id;
    public final String customersTable = "customers-it-" + id;
    public final String importsTable = "imports-it-" + id;
    public final String schema = "it_" + id;
    public final LocalCloud cloud = LocalCloud.shared();

    public TestStores() throws SQLException {
        try (Connection c = adminDataSource().getConnection();
                Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
        }
    }

    public String jdbcUrl() {
        String url = cloud.endpoints().springProperties().get("spring.datasource.url");
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** The database, in this test's schema. */
    public DataSource dataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(jdbcUrl());
        ds.setUser(cloud.endpoints().springProperties().get("spring.datasource.username"));
        ds.setPassword(cloud.endpoints().springProperties().get("spring.datasource.password"));
        return ds;
    }

    private DataSource adminDataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(cloud.endpoints().springProperties().get("spring.datasource.url"));
        ds.setUser(cloud.endpoints().springProperties().get("spring.datasource.username"));
        ds.setPassword(cloud.endpoints().springProperties().get("spring.datasource.password"));
        return ds;
    }

    public void dropSchema() throws SQLException {
        try (Connection c = adminDataSource().getConnection();
                Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA " + schema + " CASCADE");
            st.execute("CREATE SCHEMA " + schema);
        }
    }

    /** {@code --set NAME=VALUE} for every endpoint of the local cloud and this test's names. */
    public List<String> settings() {
        List<String> args = new ArrayList<>();
        Map<String, String> p = new TreeMap<>(cloud.endpoints().springProperties());
        p.put("spring.datasource.url", jdbcUrl());
        p.put("pipeline.archive.prefix", archivePrefix);
        p.put("pipeline.dynamo.invoices-table", invoicesTable);
        p.put("pipeline.dynamo.customers-table", customersTable);
        p.put("pipeline.import.table", importsTable);
        p.forEach((k, v) -> {
            if (k.startsWith("spring.cloud.aws") || k.startsWith("spring.datasource") || k.startsWith("pipeline.")) {
                args.add("--set");
                args.add(k + "=" + v);
            }
        });
        return args;
    }

    public ArchiveWriter archive() {
        return new ArchiveWriter(cloud.s3Client(), BUCKET, archivePrefix);
    }

    /**
     * The events as ingest-service makes them from a request of {@code rows} under {@code key}; written
     * to the archive like the consumer does: split by shard (MD5 of the InvoiceNo), one batch per shard.
     */
    public static List<TransactionEvent> events(String key, List<Transaction> rows) {
        return events(EventIds.ANONYMOUS, key, rows);
    }

    /** The same, sent by {@code caller} (see {@link EventIds}). */
    public static List<TransactionEvent> events(String caller, String key, List<Transaction> rows) {
        List<TransactionEvent> events = new ArrayList<>();
        Instant at = Instant.parse("2026-11-22T00:00:00Z");
        for (int i = 0; i < rows.size(); i++) {
            events.add(new TransactionEvent(
                    EventIds.of(caller, key, i, rows.get(i)),
                    rows.get(i),
                    new IngestMetadata(key, i, at, "api", caller)));
        }
        return events;
    }

    /** Archives the events as four shards' batches, starting at sequence number {@code sequence}. */
    /** The events as one consumer batch (the DynamoDB and warehouse sinks ignore its stream position). */
    public static Batch batch(List<TransactionEvent> events) {
        return Batch.of("shardId-000000000000", "1", "1", events);
    }

    public void archive(List<TransactionEvent> events, long sequence) {
        Map<Integer, List<TransactionEvent>> byShard = new TreeMap<>();
        for (TransactionEvent e : events) {
            byShard.computeIfAbsent(Math.floorMod(e.transaction().invoiceNo().hashCode(), 4), s -> new ArrayList<>())
                    .add(e);
        }
        byShard.forEach((shard, list) ->
                archive().write(String.format("shardId-%012d", shard), sequence, sequence + list.size(), list));
    }

    /** Every item of a table (small test tables: one Scan), each as its sorted attribute map's text. */
    public TreeSet<String> items(DynamoDbClient dynamo, String table) {
        TreeSet<String> items = new TreeSet<>();
        dynamo.scanPaginator(r -> r.tableName(table).consistentRead(true))
                .items()
                .forEach(i -> items.add(new TreeMap<String, AttributeValue>(i).toString()));
        return items;
    }

    /** Every row of every table of the schema but Flyway's, as JSON without loaded_at, per table. */
    public Map<String, TreeSet<String>> rows() throws SQLException {
        Map<String, TreeSet<String>> tables = new TreeMap<>();
        try (Connection c = dataSource().getConnection();
                Statement st = c.createStatement()) {
            List<String> names = new ArrayList<>();
            try (ResultSet rs =
                    st.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = '" + schema
                            + "' AND table_type = 'BASE TABLE' AND table_name <> 'flyway_schema_history'")) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            for (String name : names) {
                TreeSet<String> rows = new TreeSet<>();
                try (ResultSet rs = st.executeQuery("SELECT (to_jsonb(t) - 'loaded_at')::text FROM " + name + " t")) {
                    while (rs.next()) {
                        rows.add(rs.getString(1));
                    }
                }
                tables.put(name, rows);
            }
        }
        return tables;
    }
}
