package com.ecommerce.pipeline.ingest.corrections;

import com.ecommerce.pipeline.schema.model.EventIds;
import com.ecommerce.pipeline.schema.model.IngestMetadata;
import com.ecommerce.pipeline.schema.model.RowChange;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Looks a row up read-only in the warehouse's {@code firehose_transactions} by its primary key. What it reads back
 * (the image, and the original ingest key and row) becomes the row's current version: 0, or where the warehouse
 * keeps versions ({@code version}, {@code deleted}) the one it holds, so that a row whose {@code row-versions} item
 * was lost still gets a higher version. A database that is down, slow or without the table yet (no loader has run)
 * is an outage: {@link CorrectionUnavailableException}, never a 404.
 */
class JdbcWarehouseRows implements WarehouseRows {

    /** Every column: the version columns exist once the warehouse keeps versions. */
    private static final String FIND = "SELECT * FROM firehose_transactions WHERE event_id = ?";

    private final JdbcTemplate jdbc;

    JdbcWarehouseRows(DataSource dataSource, Duration timeout) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.jdbc.setQueryTimeout((int) Math.max(1, timeout.toSeconds()));
    }

    @Override
    public Optional<CurrentRow> find(String eventId) {
        List<CurrentRow> rows;
        try {
            rows = jdbc.query(FIND, (rs, i) -> row(eventId, rs), eventId);
        } catch (DataAccessException e) {
            throw new CorrectionUnavailableException("the warehouse cannot be asked whether the row exists", e);
        }
        return rows.stream().findFirst();
    }

    private static CurrentRow row(String eventId, ResultSet rs) throws SQLException {
        Transaction image = new Transaction(
                rs.getString("invoice_no"),
                rs.getString("stock_code"),
                rs.getString("description"),
                rs.getInt("quantity"),
                rs.getObject("invoice_date", java.time.LocalDateTime.class),
                rs.getBigDecimal("unit_price"),
                rs.getString("customer_id"),
                rs.getString("country"));
        // The warehouse does not keep the original caller; a change carries its own.
        IngestMetadata ingest = new IngestMetadata(
                rs.getString("ingest_idempotency_key"),
                rs.getInt("ingest_row"),
                rs.getObject("ingest_received_at", OffsetDateTime.class).toInstant(),
                rs.getString("ingest_source"),
                EventIds.ANONYMOUS);
        long version = hasColumn(rs, "version") ? rs.getLong("version") : 0;
        boolean deleted = hasColumn(rs, "deleted") && rs.getBoolean("deleted");
        RowChange change = version == 0
                ? RowChange.INSERT
                : deleted
                        ? RowChange.delete(version, RowChange.Place.of(image))
                        : RowChange.upsert(version, RowChange.Place.of(image));
        return new CurrentRow(new TransactionEvent(eventId, image, ingest, change), true, false);
    }

    private static boolean hasColumn(ResultSet rs, String name) throws SQLException {
        ResultSetMetaData meta = rs.getMetaData();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            if (meta.getColumnName(i).equals(name)) {
                return true;
            }
        }
        return false;
    }
}
