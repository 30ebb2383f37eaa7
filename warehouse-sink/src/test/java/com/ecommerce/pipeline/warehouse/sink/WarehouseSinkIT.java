package com.ecommerce.pipeline.warehouse.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.ecommerce.pipeline.consumer.Batch;
import com.ecommerce.pipeline.consumer.PoisonEventsException;
import com.ecommerce.pipeline.schema.model.IngestMetadata;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import com.ecommerce.pipeline.warehouse.BiChecks;
import com.ecommerce.pipeline.warehouse.SourceRows;
import com.ecommerce.pipeline.warehouse.SourceRows.Row;
import com.ecommerce.pipeline.warehouse.TestWarehouse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * {@link WarehouseSink} against the real (embedded) PostgreSQL of the local cloud, with real rows of
 * the dataset sample read by the test's own CSV parser.
 */
class WarehouseSinkIT {

    private static final Instant RECEIVED = Instant.parse("2026-01-02T03:04:05.123456Z");

    static DataSource dataSource;
    static List<Row> sample;

    WarehouseSink sink;
    JdbcClient jdbc;

    @BeforeAll
    static void database() {
        dataSource = TestWarehouse.shared();
        sample = SourceRows.sample();
    }

    @BeforeEach
    void emptyWarehouse() {
        TestWarehouse.reset(dataSource);
        sink = new WarehouseSink(dataSource, new SimpleMeterRegistry());
        jdbc = JdbcClient.create(dataSource);
    }

    @Test
    void aFullBatchTellsTheFoldersThatTheShardsAreDrainingABacklog() throws Exception {
        List<TransactionEvent> events = SourceRows.events(sample.subList(0, 40), "full-batch", RECEIVED);
        WarehouseSink full = new WarehouseSink(dataSource, new SimpleMeterRegistry(), false, 10);
        assertThat(full.draining(Duration.ofMinutes(1))).isFalse();

        full.write(batch("shardId-0", events.subList(0, 9))); // not full: the shard had caught up
        assertThat(full.draining(Duration.ofMinutes(1))).isFalse();

        full.write(batch("shardId-0", events.subList(9, 19))); // full: more was waiting
        full.write(batch("shardId-1", events.subList(19, 29)));
        assertThat(full.draining(Duration.ofMinutes(1))).isTrue();
        Thread.sleep(50);
        assertThat(full.draining(Duration.ofMillis(10)))
                .as("an old full batch is forgotten")
                .isFalse();

        full.write(batch("shardId-0", events.subList(29, 31))); // shard 0 has caught up, shard 1 has not
        assertThat(full.draining(Duration.ofMinutes(1))).isTrue();
        full.write(batch("shardId-1", events.subList(31, 40)));
        assertThat(full.draining(Duration.ofMinutes(1)))
                .as("every shard caught up")
                .isFalse();
        assertThat(TestWarehouse.rows(dataSource)).isEqualTo(40);
    }

    @Test
    void everyRowOfTheSampleIsStoredExactlyAsInTheCsv() throws Exception {
        List<TransactionEvent> events = SourceRows.events(sample, "sample", RECEIVED);
        for (int i = 0; i < events.size(); i += 1_000) {
            sink.write(SourceRows.batch(events.subList(i, Math.min(i + 1_000, events.size()))));
        }

        List<Map<String, Object>> stored = jdbc.sql("SELECT * FROM firehose_transactions ORDER BY ingest_row")
                .query()
                .listOfRows();
        assertThat(stored).hasSize(sample.size());
        for (int i = 0; i < sample.size(); i++) {
            Row row = sample.get(i);
            Map<String, Object> db = stored.get(i);
            String where = "row " + i + " " + db;
            assertThat(db.get("event_id")).as(where).isEqualTo(events.get(i).eventId());
            assertThat(db.get("invoice_no")).as(where).isEqualTo(row.invoiceNo());
            assertThat(db.get("stock_code")).as(where).isEqualTo(row.stockCode());
            assertThat(db.get("description")).as(where).isEqualTo(row.description());
            assertThat(db.get("quantity")).as(where).isEqualTo(row.quantity());
            assertThat(((Timestamp) db.get("invoice_date")).toLocalDateTime())
                    .as(where)
                    .isEqualTo(row.invoiceDate());
            // Exactly as written: same value and same scale ("2.55", "18", "0.001").
            assertThat(db.get("unit_price")).as(where).isEqualTo(row.unitPrice());
            assertThat(db.get("customer_id")).as(where).isEqualTo(row.customerId());
            assertThat(db.get("country")).as(where).isEqualTo(row.country());
            assertThat(db.get("line_total")).as(where).isEqualTo(row.lineTotal());
            assertThat(db.get("ingest_idempotency_key")).as(where).isEqualTo("sample");
            assertThat(db.get("ingest_row")).as(where).isEqualTo(i);
            assertThat(((Timestamp) db.get("ingest_received_at")).toInstant())
                    .as(where)
                    .isEqualTo(RECEIVED);
            assertThat(db.get("ingest_source")).as(where).isEqualTo("test");
        }
        // The dirty corners the sample holds are all there.
        assertThat(sample).anyMatch(r -> r.customerId() == null);
        assertThat(sample).anyMatch(r -> r.invoiceNo().startsWith("C"));
        assertThat(sample)
                .anyMatch(r -> r.description().contains(",") || r.description().contains("\""));
        assertThat(sample).anyMatch(r -> r.unitPrice().signum() == 0);
        assertThat(count("customer_id IS NULL"))
                .isEqualTo(sample.stream().filter(r -> r.customerId() == null).count());
        String[] incrementalAndRebuilt = TestWarehouse.aggregatesAndRebuilt(dataSource);
        assertThat(incrementalAndRebuilt[0]).isEqualTo(incrementalAndRebuilt[1]);
    }

    @Test
    void replayingBatchesChangesNothing() throws Exception {
        List<TransactionEvent> events = SourceRows.events(sample, "replay", RECEIVED);
        writeInBatches(events.subList(0, 3_000), 1_000);
        writeInBatches(events.subList(3_000, events.size()), 2_000);
        long rows = TestWarehouse.rows(dataSource);
        String table = TestWarehouse.tableChecksum(dataSource);
        String aggregates = TestWarehouse.aggregatesChecksum(dataSource);
        assertThat(rows).isEqualTo(sample.size());

        // The same batches again, then overlapping re-batches of other sizes (a consumer that restarted
        // from an older checkpoint), then everything as one batch in reverse order.
        writeInBatches(events.subList(0, 3_000), 1_000);
        writeInBatches(events.subList(500, 4_200), 700);
        writeInBatches(events.subList(2_500, events.size()), 333);
        List<TransactionEvent> reversed = new ArrayList<>(events);
        Collections.reverse(reversed);
        sink.write(SourceRows.batch(reversed));
        // The same events re-posted later with the same Idempotency-Key: same ids and data, new receipt time.
        sink.write(SourceRows.batch(SourceRows.events(sample.subList(0, 100), "replay", RECEIVED.plusSeconds(3600))));

        assertThat(TestWarehouse.rows(dataSource)).isEqualTo(rows);
        assertThat(TestWarehouse.tableChecksum(dataSource)).isEqualTo(table);
        assertThat(TestWarehouse.aggregatesChecksum(dataSource)).isEqualTo(aggregates);
    }

    @Test
    void repeatedRowsOfTheSourceAreDistinctEventsAndAllKept() throws Exception {
        Map<List<Object>, Long> copies =
                sample.stream().collect(Collectors.groupingBy(SourceRows.Row::dataColumns, Collectors.counting()));
        long extraCopies = sample.size() - copies.size();
        assertThat(extraCopies).as("the sample holds repeated rows").isPositive();

        sink.write(SourceRows.batch(SourceRows.events(sample, "duplicates", RECEIVED)));

        assertThat(TestWarehouse.rows(dataSource)).isEqualTo(sample.size());
        long storedExtraCopies = jdbc.sql(
                        """
                        SELECT count(*) - count(DISTINCT (invoice_no, stock_code, description, quantity,
                                                          invoice_date, unit_price, customer_id, country))
                        FROM firehose_transactions""")
                .query(Long.class)
                .single();
        assertThat(storedExtraCopies).isEqualTo(extraCopies);
    }

    @Test
    void changedDataReplacesTheRowAndTheAggregatesFollow() throws Exception {
        List<Row> rows = sample.subList(0, 500);
        List<TransactionEvent> events = SourceRows.events(rows, "changes", RECEIVED);
        sink.write(SourceRows.batch(events));
        Timestamp loadedBefore = loadedAt(events.get(7).eventId());

        // A correction of one event (same id, other quantity and customer), and the last copy of an id in
        // a batch wins.
        TransactionEvent original = events.get(7);
        Transaction t = original.transaction();
        TransactionEvent corrected = new TransactionEvent(
                original.eventId(),
                new Transaction(
                        t.invoiceNo(),
                        t.stockCode(),
                        t.description(),
                        t.quantity() + 100,
                        t.invoiceDate().plusDays(40),
                        t.unitPrice(),
                        null,
                        t.country()),
                new IngestMetadata("correction", 0, RECEIVED.plusSeconds(60), "cdc"));
        sink.write(SourceRows.batch(List.of(original, corrected)));

        Map<String, Object> db = jdbc.sql("SELECT * FROM firehose_transactions WHERE event_id = ?")
                .param(original.eventId())
                .query()
                .singleRow();
        assertThat(db.get("quantity")).isEqualTo(t.quantity() + 100);
        assertThat(db.get("customer_id")).isNull();
        assertThat(db.get("ingest_source")).isEqualTo("cdc");
        assertThat((Timestamp) db.get("loaded_at")).isAfter(loadedBefore);
        assertThat(TestWarehouse.rows(dataSource)).isEqualTo(rows.size());

        // A delete (as CDC will do) and the aggregates still equal a recomputation from the table.
        jdbc.sql("DELETE FROM firehose_transactions WHERE ingest_row % 10 = 3").update();
        TestWarehouse.foldBi(dataSource); // what the loader's schedule does for other writers' changes
        String[] incrementalAndRebuilt = TestWarehouse.aggregatesAndRebuilt(dataSource);
        assertThat(incrementalAndRebuilt[0]).isEqualTo(incrementalAndRebuilt[1]);
        assertThat(count("true")).isEqualTo(rows.size() - 50);
    }

    @Test
    void rowsPostgresRefusesArePoisonAndTheRestIsWritten() throws Exception {
        List<TransactionEvent> good = SourceRows.events(sample.subList(0, 2_000), "poison", RECEIVED);
        Transaction base = good.get(0).transaction();
        TransactionEvent hugePrice = event(
                "huge-price",
                new Transaction(
                        "536365",
                        "85123A",
                        "price beyond numeric's range",
                        1,
                        base.invoiceDate(),
                        new BigDecimal("1E+140000"),
                        null,
                        "United Kingdom"));
        TransactionEvent farFuture = event(
                "far-future",
                new Transaction(
                        "536365",
                        "85123A",
                        "date beyond timestamp's range",
                        1,
                        LocalDateTime.of(300_000, 1, 1, 0, 0),
                        BigDecimal.ONE,
                        null,
                        "United Kingdom"));
        TransactionEvent nul = event(
                "nul",
                new Transaction(
                        "536365",
                        "85123A",
                        "NUL \u0000 inside",
                        1,
                        base.invoiceDate(),
                        BigDecimal.ONE,
                        null,
                        "United Kingdom"));
        List<TransactionEvent> batch = new ArrayList<>(good);
        batch.add(1_234, hugePrice);
        batch.add(17, farFuture);
        batch.add(1_999, nul);

        PoisonEventsException poison =
                catchThrowableOfType(PoisonEventsException.class, () -> sink.write(SourceRows.batch(batch)));

        assertThat(poison.reasons()).containsOnlyKeys(hugePrice, farFuture, nul);
        assertThat(poison.reasons().get(hugePrice))
                .contains("PostgreSQL refused")
                .contains("22003");
        assertThat(poison.reasons().get(farFuture))
                .contains("PostgreSQL refused")
                .contains("22008"); // out of range
        assertThat(poison.reasons().get(nul)).contains("Description").contains("NUL");
        assertThat(TestWarehouse.rows(dataSource)).isEqualTo(good.size());
        assertThat(jdbc.sql("SELECT event_id FROM firehose_transactions")
                        .query(String.class)
                        .set())
                .isEqualTo(good.stream().map(TransactionEvent::eventId).collect(Collectors.toSet()));
        String[] incrementalAndRebuilt = TestWarehouse.aggregatesAndRebuilt(dataSource);
        assertThat(incrementalAndRebuilt[0]).isEqualTo(incrementalAndRebuilt[1]);
    }

    @Test
    void aFailureMidWayLeavesNothingAndTheRetryWritesEverythingOnce() throws Exception {
        List<TransactionEvent> first = SourceRows.events(sample.subList(0, 1_000), "midway", RECEIVED);
        List<TransactionEvent> second = SourceRows.events(sample.subList(1_000, 3_000), "midway", RECEIVED);
        sink.write(SourceRows.batch(first));
        String tableBefore = TestWarehouse.tableChecksum(dataSource);
        String aggregatesBefore = TestWarehouse.aggregatesChecksum(dataSource);

        // Hold the BI delta log so the next write stops inside its transaction (rows copied, the
        // statement trigger waiting to record the delta), then kill its connection as a crash or
        // failover would.
        try (Connection blocker = dataSource.getConnection();
                Statement lock = blocker.createStatement()) {
            blocker.setAutoCommit(false);
            lock.execute("LOCK TABLE bi_pending IN SHARE MODE");
            CompletableFuture<Void> write = CompletableFuture.runAsync(() -> {
                try {
                    sink.write(SourceRows.batch(second));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> waitingCopies() == 1);
            assertThat(jdbc.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                                    + " WHERE wait_event_type = 'Lock' AND query LIKE 'COPY firehose_transactions%'")
                            .query(Boolean.class)
                            .single())
                    .isTrue();
            // Transient (not poison): a plain SQLException, which the machinery retries.
            assertThatThrownBy(() -> write.get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .cause()
                    .isInstanceOf(SQLException.class)
                    .isNotInstanceOf(PoisonEventsException.class);
            blocker.rollback();
        }
        assertThat(TestWarehouse.tableChecksum(dataSource)).isEqualTo(tableBefore);
        assertThat(TestWarehouse.aggregatesChecksum(dataSource)).isEqualTo(aggregatesBefore);

        sink.write(SourceRows.batch(second)); // the machinery's retry
        sink.write(SourceRows.batch(second)); // and a redelivery
        assertThat(TestWarehouse.rows(dataSource)).isEqualTo(3_000);
        String[] incrementalAndRebuilt = TestWarehouse.aggregatesAndRebuilt(dataSource);
        assertThat(incrementalAndRebuilt[0]).isEqualTo(incrementalAndRebuilt[1]);
    }

    /**
     * A crash after part of a shard's rows was committed (a smaller batch, or a run cut by the flush
     * age): the consumer restarts from its last checkpoint and delivers a batch holding the committed
     * rows again with new ones. Every row ends up once and the BI answers equal an independent
     * computation over the rows.
     */
    @Test
    void aBatchRedeliveredAfterPartialSuccessIsWrittenOnceAndBiStaysExact() throws Exception {
        List<Row> rows = sample.subList(0, 3_000);
        List<TransactionEvent> events = SourceRows.events(rows, "partial", RECEIVED);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        WarehouseSink counted = new WarehouseSink(dataSource, meters);
        counted.write(SourceRows.batch(events.subList(0, 1_200))); // committed before the crash, not checkpointed

        counted.write(SourceRows.batch(events)); // the redelivery: 1,200 rows again and 1,800 new

        assertThat(meters.counter("warehouse.rows", "result", "inserted").count())
                .isEqualTo(3_000);
        assertThat(meters.counter("warehouse.rows", "result", "unchanged").count())
                .isEqualTo(1_200);
        assertThat(TestWarehouse.rows(dataSource)).isEqualTo(3_000);
        assertThat(jdbc.sql("SELECT count(DISTINCT event_id) FROM firehose_transactions")
                        .query(Long.class)
                        .single())
                .isEqualTo(3_000);
        assertThat(TestWarehouse.pendingBi(dataSource))
                .as("folded after each write")
                .isZero();
        new BiChecks(dataSource, rows).assertAllAnswers();
        String[] incrementalAndRebuilt = TestWarehouse.aggregatesAndRebuilt(dataSource);
        assertThat(incrementalAndRebuilt[0]).isEqualTo(incrementalAndRebuilt[1]);
    }

    /**
     * The shards' loads do not wait for BI: with the BI fold lock held elsewhere (a fold running), a
     * batch commits at once; its delta waits in bi_pending and the next fold applies it. (The service's
     * sink, which folds on its own thread; a sink that folds after each write waits for the fold, so that
     * BI is exact when its write returns.)
     */
    @Test
    void aBatchCommitsWhileTheBiFoldLockIsHeld() throws Exception {
        WarehouseSink sink = new WarehouseSink(dataSource, new SimpleMeterRegistry(), false);
        List<TransactionEvent> events = SourceRows.events(sample.subList(0, 2_000), "unblocked", RECEIVED);
        try (Connection blocker = dataSource.getConnection();
                Statement lock = blocker.createStatement()) {
            lock.execute("SELECT pg_advisory_lock(7402150335117350001)");
            try {
                CompletableFuture<Void> write = CompletableFuture.runAsync(() -> {
                    try {
                        sink.write(SourceRows.batch(events));
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                write.get(30, TimeUnit.SECONDS);
                assertThat(TestWarehouse.rows(dataSource)).isEqualTo(2_000);
                assertThat(TestWarehouse.pendingBi(dataSource)).isEqualTo(1);
                assertThat(sink.foldBi())
                        .as("a fold while another holds the lock")
                        .isEqualTo(-1);
            } finally {
                lock.execute("SELECT pg_advisory_unlock(7402150335117350001)");
            }
        }
        assertThat(sink.foldBi()).isEqualTo(2_000);
        assertThat(TestWarehouse.pendingBi(dataSource)).isZero();
        String[] incrementalAndRebuilt = TestWarehouse.aggregatesAndRebuilt(dataSource);
        assertThat(incrementalAndRebuilt[0]).isEqualTo(incrementalAndRebuilt[1]);
    }

    /**
     * Four shards (each invoice on one, as Kinesis routes them) load the sample concurrently, in
     * small batches started together, so their deltas touch the same summary keys (the all-time and
     * yearly rows, the days, products and customers they share) at the same time; folds run as the
     * batches commit. Once everything is folded the BI answers equal an independent computation.
     */
    @Test
    void concurrentShardsTouchingTheSameSummaryKeysStayExact() throws Exception {
        List<TransactionEvent> events = SourceRows.events(sample, "shards", RECEIVED);
        int shards = 4;
        List<List<TransactionEvent>> perShard = SourceRows.byShard(events, shards);
        int batch = 250;
        int rounds = perShard.stream()
                .mapToInt(l -> (l.size() + batch - 1) / batch)
                .max()
                .orElseThrow();
        CyclicBarrier together = new CyclicBarrier(shards);
        ExecutorService pool = Executors.newFixedThreadPool(shards);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (List<TransactionEvent> shard : perShard) {
                writers.add(pool.submit(() -> {
                    for (int r = 0; r < rounds; r++) {
                        together.await(60, TimeUnit.SECONDS); // each round's batches start together
                        int from = r * batch;
                        if (from < shard.size()) {
                            sink.write(SourceRows.batch(shard.subList(from, Math.min(from + batch, shard.size()))));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> writer : writers) {
                writer.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(TestWarehouse.rows(dataSource)).isEqualTo(sample.size());
        TestWarehouse.foldBi(dataSource); // what the loader's schedule does within a second
        new BiChecks(dataSource, sample).assertAllAnswers();
        String[] incrementalAndRebuilt = TestWarehouse.aggregatesAndRebuilt(dataSource);
        assertThat(incrementalAndRebuilt[0]).isEqualTo(incrementalAndRebuilt[1]);
    }

    private long waitingCopies() {
        return jdbc.sql("SELECT count(*) FROM pg_stat_activity"
                        + " WHERE wait_event_type = 'Lock' AND query LIKE 'COPY firehose_transactions%'")
                .query(Long.class)
                .single();
    }

    private void writeInBatches(List<TransactionEvent> events, int size) throws Exception {
        for (int i = 0; i < events.size(); i += size) {
            sink.write(SourceRows.batch(events.subList(i, Math.min(i + size, events.size()))));
        }
    }

    private static TransactionEvent event(String key, Transaction transaction) {
        return TransactionEvent.of(transaction, new IngestMetadata(key, 0, RECEIVED, "test"));
    }

    private Timestamp loadedAt(String eventId) {
        return jdbc.sql("SELECT loaded_at FROM firehose_transactions WHERE event_id = ?")
                .param(eventId)
                .query(Timestamp.class)
                .single();
    }

    private long count(String condition) {
        return jdbc.sql("SELECT count(*) FROM firehose_transactions WHERE " + condition)
                .query(Long.class)
                .single();
    }

    private static Batch batch(String shardId, List<TransactionEvent> events) {
        return Batch.of(shardId, "1", "1", events);
    }
}
