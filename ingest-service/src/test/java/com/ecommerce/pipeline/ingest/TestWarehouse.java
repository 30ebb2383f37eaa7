package com.ecommerce.pipeline.ingest;

import com.ecommerce.pipeline.localcloud.LocalCloud;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.List;
import java.util.Map;

/**
 * The local cloud's warehouse as ingest-service's existence check sees it: {@code firehose_transactions} created by
 * warehouse-sink's own migrations (read from its source tree and run in order, as Flyway would: ingest-service keeps
 * no Flyway of its own), and rows put in it the way the loader stores them, so a test plays "the warehouse has
 * loaded it".
 */
public final class TestWarehouse {

    private static final Path MIGRATIONS = Path.of("../warehouse-sink/src/main/resources/db/migration");

    private TestWarehouse() {}

    public static Connection connect() throws SQLException {
        Map<String, String> p = LocalCloud.shared().endpoints().springProperties();
        return DriverManager.getConnection(
                p.get("spring.datasource.url"),
                p.get("spring.datasource.username"),
                p.get("spring.datasource.password"));
    }

    /** Creates the table once per database. */
    public static synchronized void ensureTable() throws SQLException, IOException {
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            var exists = s.executeQuery("SELECT to_regclass('firehose_transactions') IS NOT NULL");
            exists.next();
            if (!exists.getBoolean(1)) {
                try (var files = Files.list(MIGRATIONS)) {
                    for (Path migration : files.filter(
                                    f -> f.getFileName().toString().matches("V\\d+__.*\\.sql"))
                            .sorted(java.util.Comparator.comparingInt(f ->
                                    Integer.parseInt(f.getFileName().toString().replaceAll("^V(\\d+)__.*", "$1"))))
                            .toList()) {
                        s.execute(Files.readString(migration));
                    }
                }
            }
        }
    }

    /** Sets a row's version and tombstone as the loader would after changes the test does not make itself. */
    public static void setVersion(String eventId, long version, boolean deleted) throws SQLException {
        try (Connection c = connect();
                PreparedStatement update = c.prepareStatement(
                        "UPDATE firehose_transactions SET version = ?, deleted = ? WHERE event_id = ?")) {
            update.setLong(1, version);
            update.setBoolean(2, deleted);
            update.setString(3, eventId);
            update.executeUpdate();
        }
    }

    /** Stores the events as the loader does (version 0 rows: what this test needs of it). */
    public static void load(List<TransactionEvent> events) throws SQLException, IOException {
        ensureTable();
        try (Connection c = connect();
                PreparedStatement insert = c.prepareStatement("INSERT INTO firehose_transactions (event_id,"
                        + " invoice_no, stock_code, description, quantity, invoice_date, unit_price, customer_id,"
                        + " country, ingest_idempotency_key, ingest_row, ingest_received_at, ingest_source)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING")) {
            for (TransactionEvent e : events) {
                var t = e.transaction();
                insert.setString(1, e.eventId());
                insert.setString(2, t.invoiceNo());
                insert.setString(3, t.stockCode());
                insert.setString(4, t.description());
                insert.setInt(5, t.quantity());
                insert.setObject(6, t.invoiceDate());
                insert.setBigDecimal(7, t.unitPrice());
                if (t.customerId() == null) {
                    insert.setNull(8, Types.VARCHAR);
                } else {
                    insert.setString(8, t.customerId());
                }
                insert.setString(9, t.country());
                insert.setString(10, e.ingest().idempotencyKey());
                insert.setInt(11, e.ingest().row());
                insert.setTimestamp(12, Timestamp.from(e.ingest().receivedAt()));
                insert.setString(13, e.ingest().source());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }
}
