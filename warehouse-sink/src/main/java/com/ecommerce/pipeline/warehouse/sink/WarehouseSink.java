package com.ecommerce.pipeline.warehouse.sink;

import com.ecommerce.pipeline.consumer.Batch;
import com.ecommerce.pipeline.consumer.PoisonEventsException;
import com.ecommerce.pipeline.consumer.Sink;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads batches of events into {@code firehose_transactions}, one transaction per batch, and returns
 * only after the commit.
 *
 * <p>The common case is one write per row: {@code COPY} straight into the table. Redelivery makes an
 * event id arrive again; then that COPY fails on the primary key (or a row's value is refused) and the
 * batch is written again, in a fresh transaction, through the merge path: COPY into a session-private
 * staging table and an upsert ({@code INSERT ... ON CONFLICT (event_id) DO UPDATE ... WHERE} the row's
 * data differs). There a redelivered or replayed event with the same data changes nothing (not even
 * {@code loaded_at} or the ingest metadata of the first delivery); an event whose data changed (a later
 * correction, CDC) replaces its row. Within a batch the last occurrence of an event id wins.
 *
 * <p>BI: the table's statement triggers record each statement's delta (the rows it actually wrote) in
 * {@code bi_pending}, committed with the rows; after the commit this sink asks for a fold ({@link
 * #foldBi}), which applies every committed delta to the summaries under a lock only folds take (see
 * {@code V3__bi_delta_log_and_fold.sql}). So shards never wait for each other's BI work.
 *
 * <p>Failures: an error caused by a row's values (SQLSTATE 22/23/54) in the merge path makes the sink
 * retry the batch in halves, each under a savepoint, until the refused rows are isolated; the rest is
 * committed and the refused rows are reported in a {@link PoisonEventsException} with PostgreSQL's
 * reason. Values PostgreSQL would store inexactly or not at all (NUL, lone surrogates, sub-microsecond
 * times) are refused before sending. Any other error (the database down or restarting, a deadlock, a
 * pool timeout) propagates as transient: nothing of the batch was committed and the machinery retries it.
 */
public class WarehouseSink implements Sink {

    private static final Logger log = LoggerFactory.getLogger(WarehouseSink.class);

    static final String STAGING_TABLE = "warehouse_stage";

    private static final String CREATE_STAGING = "CREATE TEMP TABLE IF NOT EXISTS " + STAGING_TABLE + " ("
            + "event_id text COLLATE \"C\" NOT NULL, invoice_no text, stock_code text,"
            + " description text, quantity integer, invoice_date timestamp, unit_price numeric,"
            + " customer_id text, country text, ingest_idempotency_key text, ingest_row integer,"
            + " ingest_received_at timestamptz, ingest_source text, version bigint, deleted boolean)"
            + " ON COMMIT DELETE ROWS";

    /** The common case: every row new, written once. */
    private static final String COPY_TABLE =
            "COPY firehose_transactions (" + StagingCsv.COLUMNS + ") FROM STDIN WITH (FORMAT csv)";

    private static final String COPY_STAGING =
            "COPY " + STAGING_TABLE + " (" + StagingCsv.COLUMNS + ") FROM STDIN WITH (FORMAT csv)";

    /**
     * The merge path. The rows are distinct by event id already and staged in arrival order, which
     * keeps the table roughly in time order (cheap scans by invoice_date). {@code xmax = 0} marks a
     * fresh insert.
     */
    private static final String MERGE = "INSERT INTO firehose_transactions AS f (" + StagingCsv.COLUMNS + ")"
            + " SELECT " + StagingCsv.COLUMNS + " FROM " + STAGING_TABLE
            + " ON CONFLICT (event_id) DO UPDATE SET"
            + " invoice_no = excluded.invoice_no, stock_code = excluded.stock_code,"
            + " description = excluded.description, quantity = excluded.quantity,"
            + " invoice_date = excluded.invoice_date, unit_price = excluded.unit_price,"
            + " customer_id = excluded.customer_id, country = excluded.country,"
            + " ingest_idempotency_key = excluded.ingest_idempotency_key, ingest_row = excluded.ingest_row,"
            + " ingest_received_at = excluded.ingest_received_at, ingest_source = excluded.ingest_source,"
            + " version = excluded.version, deleted = excluded.deleted, loaded_at = now()"
            // Only ever to a higher version (an older event, the original insert included, never wins); at the
            // same version only when the data differs (rows written before versions existed).
            + " WHERE excluded.version > f.version OR excluded.version = f.version AND ("
            + " (f.invoice_no, f.stock_code, f.description, f.quantity, f.invoice_date, f.unit_price,"
            + " f.customer_id, f.country, f.deleted) IS DISTINCT FROM (excluded.invoice_no, excluded.stock_code,"
            + " excluded.description, excluded.quantity, excluded.invoice_date, excluded.unit_price,"
            + " excluded.customer_id, excluded.country, excluded.deleted))"
            + " RETURNING (xmax = 0) AS inserted";

    private final DataSource dataSource;
    private final boolean foldAfterWrite;
    /** A batch of at least this many events is a full one: its shard had more waiting (see {@link #draining}). */
    private final int fullBatch;
    /** Full batches being written now. */
    private final AtomicInteger fullWrites = new AtomicInteger();
    /** The shards whose last batch was full, and when it was written ({@link System#nanoTime}). */
    private final Map<String, Long> fullShards = new ConcurrentHashMap<>();

    private final Counter inserted;
    private final Counter updated;
    private final Counter unchanged;
    private final Counter refused;
    /** Delta rows folded: [0] by bi_fold() (every group), [g] by bi_fold_group(g). */
    private final Counter[] folded;

    /** A sink that folds the BI deltas after each batch: the views are exact when {@link #write} returns. */
    public WarehouseSink(DataSource dataSource, MeterRegistry meters) {
        this(dataSource, meters, true);
    }

    /**
     * @param foldAfterWrite whether {@link #write} folds the BI deltas after its commit; the service
     *     passes false and folds on its own thread ({@code BiFoldSchedule}), so a shard's next batch
     *     never waits for BI
     */
    public WarehouseSink(DataSource dataSource, MeterRegistry meters, boolean foldAfterWrite) {
        this(dataSource, meters, foldAfterWrite, Integer.MAX_VALUE);
    }

    /**
     * @param fullBatch the size of a full batch (the consumer's {@code max-rows}): a shard that hands over full
     *     batches is draining a backlog, which {@link #draining} tells the BI folders
     */
    public WarehouseSink(DataSource dataSource, MeterRegistry meters, boolean foldAfterWrite, int fullBatch) {
        this.dataSource = dataSource;
        this.foldAfterWrite = foldAfterWrite;
        this.fullBatch = fullBatch;
        this.inserted = counter(meters, "inserted");
        this.updated = counter(meters, "updated");
        this.unchanged = counter(meters, "unchanged");
        this.refused = counter(meters, "refused");
        this.folded = new Counter[BI_FOLD_GROUPS + 1];
        for (int group = 0; group <= BI_FOLD_GROUPS; group++) {
            folded[group] = Counter.builder("warehouse.bi.folded")
                    .description(
                            "BI delta rows folded into the summary tables, by fold group (all: every group at once)")
                    .tag("group", group == 0 ? "all" : Integer.toString(group))
                    .register(meters);
        }
    }

    private static Counter counter(MeterRegistry meters, String result) {
        return Counter.builder("warehouse.rows")
                .description("Events merged into firehose_transactions, by result")
                .tag("result", result)
                .register(meters);
    }

    @Override
    public void write(Batch batch) throws SQLException, PoisonEventsException {
        if (batch.events().isEmpty()) {
            return;
        }
        Map<TransactionEvent, String> poison = new LinkedHashMap<>();
        // Of each event id its highest version (the last occurrence of it), in the order of those occurrences.
        Map<String, Staged> distinct = new LinkedHashMap<>();
        StagingCsv.Out csv = new StagingCsv.Out(batch.size() * 192);
        for (TransactionEvent event : batch.events()) {
            Staged held = distinct.get(event.eventId());
            if (held != null && held.event().version() > event.version()) { // superseded: not sent, but checked
                String problem = StagingCsv.unstorable(event);
                if (problem != null) {
                    poison.put(event, problem);
                }
                continue;
            }
            int from = csv.size();
            if (!StagingCsv.append(csv, event)) { // refused before sending: nothing of it is in the buffer
                String problem = StagingCsv.unstorable(event);
                poison.put(event, problem != null ? problem : "PostgreSQL cannot store it exactly");
                continue;
            }
            distinct.remove(event.eventId()); // a superseded line stays in the buffer, unsent
            distinct.put(event.eventId(), new Staged(event, from, csv.size() - from));
        }
        if (!distinct.isEmpty()) {
            boolean full = batch.size() >= fullBatch;
            Outcome outcome;
            if (full) {
                fullWrites.incrementAndGet();
            }
            try {
                outcome = load(new ArrayList<>(distinct.values()), csv.array(), poison);
            } finally {
                if (full) {
                    fullShards.put(batch.shardId(), System.nanoTime());
                    fullWrites.decrementAndGet();
                } else {
                    fullShards.remove(batch.shardId()); // it has caught up (or its write failed and is retried)
                }
            }
            inserted.increment(outcome.inserted);
            updated.increment(outcome.updated);
            unchanged.increment(outcome.unchanged);
            log.debug(
                    "wrote {} events: {} inserted, {} updated, {} unchanged",
                    batch.size(),
                    outcome.inserted,
                    outcome.updated,
                    outcome.unchanged);
            if (foldAfterWrite) {
                foldUntilNonePending();
            }
        }
        if (!poison.isEmpty()) {
            refused.increment(poison.size());
            throw new PoisonEventsException(poison);
        }
    }

    /**
     * Whether the shards are draining a backlog: a full batch is being written now, or some shard's last batch was
     * a full one, written within {@code recently} (older ones are forgotten: a shard whose lease moved on writes no
     * more here). A shard's partial batch, which the consumer flushes when a poll finds it caught up, ends its part.
     * A BI fold competes with the load for the same cores (it costs PostgreSQL several times what the COPY does), so
     * the service's folders wait for the backlog to be loaded first.
     */
    public boolean draining(Duration recently) {
        if (fullWrites.get() > 0) {
            return true;
        }
        long now = System.nanoTime();
        for (long written : fullShards.values()) {
            if (now - written < recently.toNanos()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Folds until no delta is pending, waiting while another fold holds the lock: a writer on another thread may be
     * folding when this batch's delta commits, and its fold may have read the log before, so one try is not enough
     * for "exact when {@link #write} returns" (rebuild writes on several threads; {@code RebuildIT} found a delta
     * left pending). Gives up quietly after a minute: the deltas stay pending for the next fold.
     */
    private void foldUntilNonePending() {
        long deadline = System.nanoTime() + 60_000_000_000L;
        try {
            while (System.nanoTime() < deadline) {
                Long rows = fold("SELECT bi_fold()", 0);
                if (rows != null && rows == 0) {
                    return;
                }
                if (rows == null) { // another fold holds the lock
                    Thread.sleep(20);
                }
            }
            log.warn("BI deltas still pending after a minute of folding; the next fold takes them");
        } catch (SQLException e) {
            log.warn("BI fold failed; the deltas stay pending for the next one: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Folds every committed BI delta into the summaries ({@code bi_fold()}), unless a fold is running
     * already (it, or the next one, takes what is pending). A failure here loses nothing — the deltas
     * stay pending for the next fold — so it is logged, not thrown: the batch itself is committed.
     *
     * @return the delta rows folded, 0 if none were pending, -1 if another fold was running or it failed
     */
    public long foldBi() {
        return foldOrMinusOne("SELECT bi_fold()", 0);
    }

    /** The BI fold groups ({@code bi_fold_group(g)}, V5): 1 invoices and periods, 2 customers, 3 products, 4 names. */
    public static final int BI_FOLD_GROUPS = 4;

    /**
     * {@link #foldBi()} of one group's summaries only ({@code bi_fold_group}): the groups write disjoint tables, so
     * they can fold side by side, each delta once per group.
     *
     * @return as {@link #foldBi()}, for that group
     */
    public long foldBi(int group) {
        if (group < 1 || group > BI_FOLD_GROUPS) {
            throw new IllegalArgumentException("BI fold group " + group + " does not exist (1 to 4)");
        }
        return foldOrMinusOne("SELECT bi_fold_group(" + group + ")", group);
    }

    private long foldOrMinusOne(String sql, int group) {
        try {
            Long rows = fold(sql, group);
            return rows == null ? -1 : rows;
        } catch (SQLException e) {
            log.warn("BI fold failed; the deltas stay pending for the next one: {}", e.toString());
            return -1;
        }
    }

    /** One fold: the delta rows folded, or null when another fold holds the lock. */
    private Long fold(String sql, int group) throws SQLException {
        long start = System.nanoTime();
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            result.next();
            long rows = result.getLong(1);
            if (result.wasNull()) {
                return null;
            }
            if (rows > 0) {
                folded[group].increment(rows);
                log.debug("{}: {} BI delta rows in {} ms", sql, rows, (System.nanoTime() - start) / 1_000_000);
            }
            return rows;
        }
    }

    private Outcome load(List<Staged> rows, byte[] csv, Map<TransactionEvent, String> poison) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                Outcome outcome;
                try {
                    copy(connection, COPY_TABLE, rows, csv);
                    outcome = new Outcome();
                    outcome.inserted = rows.size();
                } catch (SQLException e) {
                    if (!SqlErrors.isDataError(e)) {
                        throw e;
                    }
                    // An event id already there (a redelivery), or a refused value: the merge path.
                    connection.rollback();
                    log.debug("{} events not all new ({}); merging", rows.size(), e.getSQLState());
                    outcome = mergeOrIsolate(connection, rows, csv, poison);
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

    private Outcome mergeOrIsolate(
            Connection connection, List<Staged> rows, byte[] csv, Map<TransactionEvent, String> poison)
            throws SQLException {
        try {
            return merge(connection, rows, csv, false);
        } catch (SQLException e) {
            if (!SqlErrors.isDataError(e)) {
                throw e;
            }
            // Some row is refused: start over and isolate it (them) under savepoints.
            connection.rollback();
            log.warn("batch of {} events refused ({}); isolating the refused rows", rows.size(), e.getMessage());
            Outcome outcome = new Outcome();
            isolate(connection, rows, csv, poison, outcome);
            return outcome;
        }
    }

    /** Splits the rows in halves until each refused row is alone; every accepted half stays written. */
    private void isolate(
            Connection connection, List<Staged> rows, byte[] csv, Map<TransactionEvent, String> poison, Outcome total)
            throws SQLException {
        Savepoint savepoint = connection.setSavepoint();
        try {
            total.add(merge(connection, rows, csv, true));
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
            isolate(connection, rows.subList(0, half), csv, poison, total);
            isolate(connection, rows.subList(half, rows.size()), csv, poison, total);
        }
    }

    /**
     * COPY into the staging table, then the merge, inside the caller's transaction. The staging table is
     * emptied by each commit or rollback; {@code emptyFirst} empties it within the transaction too.
     */
    private static Outcome merge(Connection connection, List<Staged> rows, byte[] csv, boolean emptyFirst)
            throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(CREATE_STAGING);
            if (emptyFirst) {
                statement.execute("TRUNCATE " + STAGING_TABLE);
            }
        }
        copy(connection, COPY_STAGING, rows, csv);
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
        outcome.unchanged = rows.size() - outcome.inserted - outcome.updated;
        return outcome;
    }

    /** COPY of the rows' lines, each run of lines that lie back to back in {@code csv} in one write. */
    private static void copy(Connection connection, String sql, List<Staged> rows, byte[] csv) throws SQLException {
        CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
        try {
            int from = 0;
            int to = 0;
            for (Staged row : rows) {
                if (row.offset() != to) {
                    if (to > from) {
                        copy.writeToCopy(csv, from, to - from);
                    }
                    from = row.offset();
                }
                to = row.offset() + row.length();
            }
            if (to > from) {
                copy.writeToCopy(csv, from, to - from);
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

    /** An event and where its CSV line lies in the batch's buffer. */
    private record Staged(TransactionEvent event, int offset, int length) {}

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
