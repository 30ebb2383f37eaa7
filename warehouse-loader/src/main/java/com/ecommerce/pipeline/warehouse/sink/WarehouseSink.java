package com.ecommerce.pipeline.warehouse.sink;

import com.ecommerce.pipeline.consumer.PoisonEventsException;
import com.ecommerce.pipeline.consumer.Sink;
import com.ecommerce.pipeline.schema.TransactionEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads batches of events into {@code firehose_transactions} the way Firehose loads Redshift: COPY the
 * batch into a session-private staging table, then merge it into the table by event id — all in one
 * transaction, so a batch is either entirely written or not at all, and {@link #write} returns only
 * after the commit.
 *
 * <p>The merge is an upsert ({@code INSERT ... ON CONFLICT (event_id) DO UPDATE ... WHERE} the row's
 * data differs): a redelivered or replayed event with the same data changes nothing (not even {@code
 * loaded_at} or the ingest metadata of the first delivery); an event whose data changed (a later
 * correction, CDC) replaces its row. Within a batch the last occurrence of an event id wins. The BI
 * aggregates follow in the same transaction (triggers, see {@code V2__bi_summaries_and_views.sql}).
 *
 * <p>Failures: an error caused by a row's values (SQLSTATE 22/23/54) makes the sink retry the batch
 * in halves, each under a savepoint, until the refused rows are isolated; the rest is committed and
 * the refused rows are reported in a {@link PoisonEventsException} with PostgreSQL's reason. Values
 * PostgreSQL would store inexactly or not at all (NUL, lone surrogates, sub-microsecond times) are
 * refused before sending. Any other error (the
 * database down or restarting, a deadlock, a pool timeout) propagates as transient: nothing of the
 * batch was committed and the machinery retries it.
 */
public class WarehouseSink implements Sink {

    private static final Logger log = LoggerFactory.getLogger(WarehouseSink.class);

    static final String STAGING_TABLE = "warehouse_stage";

    private static final String CREATE_STAGING = "CREATE TEMP TABLE IF NOT EXISTS " + STAGING_TABLE + " ("
            + "seq integer NOT NULL, event_id text COLLATE \"C\" NOT NULL, invoice_no text, stock_code text,"
            + " description text, quantity integer, invoice_date timestamp, unit_price numeric,"
            + " customer_id text, country text, ingest_idempotency_key text, ingest_row integer,"
            + " ingest_received_at timestamptz, ingest_source text) ON COMMIT DELETE ROWS";

    private static final String COPY =
            "COPY " + STAGING_TABLE + " (" + StagingCsv.COLUMNS + ") FROM STDIN WITH (FORMAT csv)";

    /** The data columns: a row whose data is unchanged is not rewritten. */
    private static final String DATA =
            "invoice_no, stock_code, description, quantity, invoice_date, unit_price, customer_id, country";

    private static final String COLUMNS =
            "event_id, " + DATA + ", ingest_idempotency_key, ingest_row, ingest_received_at, ingest_source";

    /**
     * Last occurrence of each event id, inserted in arrival order (so the table stays roughly in time
     * order, which keeps scans by invoice_date cheap). {@code xmax = 0} marks a fresh insert.
     */
    private static final String MERGE = "INSERT INTO firehose_transactions AS f (" + COLUMNS + ")"
            + " SELECT " + COLUMNS + " FROM ("
            + "   SELECT DISTINCT ON (event_id) * FROM " + STAGING_TABLE + " ORDER BY event_id, seq DESC"
            + " ) AS s ORDER BY seq"
            + " ON CONFLICT (event_id) DO UPDATE SET"
            + " invoice_no = excluded.invoice_no, stock_code = excluded.stock_code,"
            + " description = excluded.description, quantity = excluded.quantity,"
            + " invoice_date = excluded.invoice_date, unit_price = excluded.unit_price,"
            + " customer_id = excluded.customer_id, country = excluded.country,"
            + " ingest_idempotency_key = excluded.ingest_idempotency_key, ingest_row = excluded.ingest_row,"
            + " ingest_received_at = excluded.ingest_received_at, ingest_source = excluded.ingest_source,"
            + " loaded_at = now()"
            + " WHERE (f.invoice_no, f.stock_code, f.description, f.quantity, f.invoice_date, f.unit_price,"
            + " f.customer_id, f.country) IS DISTINCT FROM (excluded.invoice_no, excluded.stock_code,"
            + " excluded.description, excluded.quantity, excluded.invoice_date, excluded.unit_price,"
            + " excluded.customer_id, excluded.country)"
            + " RETURNING (xmax = 0) AS inserted";

    private final DataSource dataSource;
    private final Counter inserted;
    private final Counter updated;
    private final Counter unchanged;
    private final Counter refused;

    public WarehouseSink(DataSource dataSource, MeterRegistry meters) {
        this.dataSource = dataSource;
        this.inserted = counter(meters, "inserted");
        this.updated = counter(meters, "updated");
        this.unchanged = counter(meters, "unchanged");
        this.refused = counter(meters, "refused");
    }

    private static Counter counter(MeterRegistry meters, String result) {
        return Counter.builder("warehouse.rows")
                .description("Events merged into firehose_transactions, by result")
                .tag("result", result)
                .register(meters);
    }

    @Override
    public void write(List<TransactionEvent> batch) throws SQLException, PoisonEventsException {
        if (batch.isEmpty()) {
            return;
        }
        Map<TransactionEvent, String> poison = new LinkedHashMap<>();
        List<Staged> rows = new ArrayList<>(batch.size());
        for (TransactionEvent event : batch) {
            String problem = StagingCsv.unstorable(event);
            if (problem != null) {
                poison.put(event, problem);
            } else {
                rows.add(new Staged(event, StagingCsv.line(rows.size(), event)));
            }
        }
        if (!rows.isEmpty()) {
            Outcome outcome = load(rows, poison);
            inserted.increment(outcome.inserted);
            updated.increment(outcome.updated);
            unchanged.increment(outcome.unchanged);
            log.debug(
                    "merged {} events: {} inserted, {} updated, {} unchanged",
                    batch.size(),
                    outcome.inserted,
                    outcome.updated,
                    outcome.unchanged);
        }
        if (!poison.isEmpty()) {
            refused.increment(poison.size());
            throw new PoisonEventsException(poison);
        }
    }

    private Outcome load(List<Staged> rows, Map<TransactionEvent, String> poison) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                Outcome outcome;
                try {
                    outcome = merge(connection, rows, false);
                } catch (SQLException e) {
                    if (!SqlErrors.isDataError(e)) {
                        throw e;
                    }
                    // Some row is refused: start over and isolate it (them) under savepoints.
                    connection.rollback();
                    log.warn(
                            "batch of {} events refused ({}); isolating the refused rows", rows.size(), e.getMessage());
                    outcome = new Outcome();
                    isolate(connection, rows, poison, outcome);
                }
                connection.commit();
                return outcome;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection, e);
                throw e;
            } finally {
                restoreAutoCommit(connection, autoCommit);
            }
        }
    }

    /** Splits the rows in halves until each refused row is alone; every accepted half stays written. */
    private void isolate(Connection connection, List<Staged> rows, Map<TransactionEvent, String> poison, Outcome total)
            throws SQLException {
        Savepoint savepoint = connection.setSavepoint();
        try {
            total.add(merge(connection, rows, true));
            connection.releaseSavepoint(savepoint);
        } catch (SQLException e) {
            if (!SqlErrors.isDataError(e)) {
                throw e;
            }
            connection.rollback(savepoint);
            if (rows.size() == 1) {
                poison.put(rows.get(0).event(), SqlErrors.reason(e));
                return;
            }
            int half = rows.size() / 2;
            isolate(connection, rows.subList(0, half), poison, total);
            isolate(connection, rows.subList(half, rows.size()), poison, total);
        }
    }

    /**
     * COPY into the staging table, then the merge, inside the caller's transaction. The staging table is
     * emptied by each commit or rollback; {@code emptyFirst} empties it within the transaction too.
     */
    private static Outcome merge(Connection connection, List<Staged> rows, boolean emptyFirst) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(CREATE_STAGING);
            if (emptyFirst) {
                statement.execute("TRUNCATE " + STAGING_TABLE);
            }
        }
        CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY);
        try {
            for (Staged row : rows) {
                copy.writeToCopy(row.csv(), 0, row.csv().length);
            }
            copy.endCopy();
        } catch (SQLException | RuntimeException e) {
            if (copy.isActive()) {
                try {
                    copy.cancelCopy();
                } catch (SQLException cancelFailed) {
                    e.addSuppressed(cancelFailed);
                }
            }
            throw e;
        }
        Outcome outcome = new Outcome();
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(MERGE)) {
            while (result.next()) {
                if (result.getBoolean(1)) {
                    outcome.inserted++;
                } else {
                    outcome.updated++;
                }
            }
        }
        outcome.unchanged = distinctEvents(rows) - outcome.inserted - outcome.updated;
        return outcome;
    }

    private static long distinctEvents(List<Staged> rows) {
        return rows.stream().map(r -> r.event().eventId()).distinct().count();
    }

    private static void rollbackQuietly(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private static void restoreAutoCommit(Connection connection, boolean autoCommit) {
        try {
            connection.setAutoCommit(autoCommit);
        } catch (SQLException e) {
            log.debug("cannot restore autocommit on a failed connection: {}", e.toString());
        }
    }

    private record Staged(TransactionEvent event, byte[] csv) {}

    private static final class Outcome {
        long inserted;
        long updated;
        long unchanged;

        void add(Outcome other) {
            inserted += other.inserted;
            updated += other.updated;
            unchanged += other.unchanged;
        }
    }
}
