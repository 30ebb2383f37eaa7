package com.ecommerce.pipeline.ingest.corrections;

import com.ecommerce.pipeline.schema.EventIds;
import com.ecommerce.pipeline.schema.IngestMetadata;
import com.ecommerce.pipeline.schema.Transaction;
import com.ecommerce.pipeline.schema.TransactionEvent;
import java.sql.ResultSet;
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
 * (the image, and the original ingest key and row) becomes the row's version 0. A database that is down, slow or
 * without the table yet (no loader has run) is an outage: {@link CorrectionUnavailableException}, never a 404.
 */
class JdbcWarehouseRows implements WarehouseRows {

    private static final String FIND = "SELECT invoice_no, stock_code, description, quantity, invoice_date,"
            + " unit_price, customer_id, country, ingest_idempotency_key, ingest_row, ingest_received_at,"
            + " ingest_source FROM firehose_transactions WHERE event_id = ?";

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
        return new CurrentRow(new TransactionEvent(eventId, image, ingest), true, false);
    }
}
