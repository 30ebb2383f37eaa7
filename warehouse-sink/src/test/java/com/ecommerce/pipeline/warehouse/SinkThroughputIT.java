package com.ecommerce.pipeline.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import com.ecommerce.pipeline.warehouse.SourceRows.Row;
import com.ecommerce.pipeline.warehouse.sink.WarehouseSink;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The sink's write path against the raw ceiling of the same PostgreSQL, on the same rows, alternating
 * a few times: prints rows/s, asserts nothing about speed (the machine is shared). Not part of the
 * default run: {@code mvn -pl warehouse-sink -am verify -Dsurefire.failIfNoSpecifiedTests=false
 * -Dtest=none -Dit.test=SinkThroughputIT -Dwarehouse.throughput=true [-Dwarehouse.throughput.rows=160000]
 * [-Dwarehouse.throughput.runs=3]}.
 *
 * <ul>
 *   <li>ceiling: {@code COPY} into a table {@code LIKE firehose_transactions INCLUDING ALL} (same columns,
 *       key and indexes, no BI), chunks of 10,000 rows, one transaction each, 4 connections — the
 *       benchmark's ceiling;
 *   <li>sink: {@link WarehouseSink#write} with batches of 20,000 (the service's {@code max-rows}) from 4
 *       concurrent writers, each invoice's rows on one writer (as Kinesis routes them to shards).
 * </ul>
 *
 * <p>Both start from empty tables. Rows: the first N of the full dataset when present, else the
 * sample.
 */
class SinkThroughputIT {

    private static final int WRITERS = 4;
    private static final int CEILING_CHUNK = 10_000;
    private static final int SINK_BATCH = 20_000;

    @Test
    void sinkAgainstCopyCeiling() throws Exception {
        assumeTrue(Boolean.getBoolean("warehouse.throughput"), "set -Dwarehouse.throughput=true to run");
        int limit = Integer.getInteger("warehouse.throughput.rows", 160_000);
        int runs = Integer.getInteger("warehouse.throughput.runs", 3);
        List<Row> rows = Files.exists(SourceRows.FULL) ? SourceRows.read(SourceRows.FULL, limit) : SourceRows.sample();
        List<TransactionEvent> events = SourceRows.events(rows, "throughput", Instant.now());
        DataSource dataSource = TestWarehouse.shared();
        JdbcClient jdbc = JdbcClient.create(dataSource);
        jdbc.sql("DROP TABLE IF EXISTS throughput_ceiling").update();
        jdbc.sql("CREATE TABLE throughput_ceiling (LIKE firehose_transactions INCLUDING ALL)")
                .update();
        List<List<TransactionEvent>> shards = SourceRows.byShard(events, WRITERS);
        // As the service runs it: the shards' threads only load, one thread folds BI while deltas are pending.
        WarehouseSink sink = new WarehouseSink(dataSource, new SimpleMeterRegistry(), false);
        try {
            for (int run = 1; run <= runs; run++) {
                jdbc.sql("TRUNCATE throughput_ceiling").update();
                double ceiling = ceiling(dataSource, events);
                TestWarehouse.reset(dataSource);
                long start = System.nanoTime();
                java.util.concurrent.atomic.AtomicBoolean loading = new java.util.concurrent.atomic.AtomicBoolean(true);
                Thread folder = new Thread(() -> {
                    while (loading.get()) {
                        if (sink.foldBi() <= 0) {
                            sleep(100);
                        }
                    }
                });
                folder.start();
                double loaded;
                try {
                    loaded = sink(sink, shards);
                } finally {
                    loading.set(false);
                    folder.join();
                }
                long pending = TestWarehouse.pendingBi(dataSource);
                TestWarehouse.foldBi(dataSource);
                double folded = events.size() / ((System.nanoTime() - start) / 1e9);
                assertThat(TestWarehouse.rows(dataSource)).isEqualTo(events.size());
                System.out.printf(
                        Locale.ROOT,
                        "THROUGHPUT run %d: %,d rows; COPY ceiling %,.0f rows/s; sink %,.0f rows/s = %.0f %% of it;"
                                + " with the BI folded %,.0f rows/s = %.0f %% (%d pending delta rows when the rows were in)%n",
                        run,
                        events.size(),
                        ceiling,
                        loaded,
                        100 * loaded / ceiling,
                        folded,
                        100 * folded / ceiling,
                        pending);
            }
            String[] incrementalAndRebuilt = TestWarehouse.aggregatesAndRebuilt(dataSource);
            System.out.printf(
                    Locale.ROOT,
                    "THROUGHPUT BI aggregates after the last load %s a full recomputation%n",
                    incrementalAndRebuilt[0].equals(incrementalAndRebuilt[1]) ? "equal" : "DIFFER FROM");
        } finally {
            jdbc.sql("DROP TABLE IF EXISTS throughput_ceiling").update();
        }
    }

    /** Rows/s of COPY in chunks, one transaction each, from 4 connections taking chunks in turn. */
    private static double ceiling(DataSource dataSource, List<TransactionEvent> events) throws Exception {
        List<byte[]> chunks = new ArrayList<>();
        for (int i = 0; i < events.size(); i += CEILING_CHUNK) {
            chunks.add(csv(events.subList(i, Math.min(i + CEILING_CHUNK, events.size()))));
        }
        List<List<byte[]>> perWriter = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            perWriter.add(new ArrayList<>());
        }
        for (int c = 0; c < chunks.size(); c++) {
            perWriter.get(c % WRITERS).add(chunks.get(c));
        }
        return timed(events.size(), perWriter, chunk -> {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                connection
                        .unwrap(PGConnection.class)
                        .getCopyAPI()
                        .copyIn(
                                "COPY throughput_ceiling (event_id, invoice_no, stock_code, description, quantity,"
                                        + " invoice_date, unit_price, customer_id, country, ingest_idempotency_key,"
                                        + " ingest_row, ingest_received_at, ingest_source) FROM STDIN (FORMAT csv)",
                                new java.io.ByteArrayInputStream(chunk));
                connection.commit();
                connection.setAutoCommit(true);
            }
        });
    }

    private static double sink(WarehouseSink sink, List<List<TransactionEvent>> shards) throws Exception {
        List<List<List<TransactionEvent>>> perWriter = new ArrayList<>();
        for (List<TransactionEvent> shard : shards) {
            List<List<TransactionEvent>> batches = new ArrayList<>();
            for (int i = 0; i < shard.size(); i += SINK_BATCH) {
                batches.add(shard.subList(i, Math.min(i + SINK_BATCH, shard.size())));
            }
            perWriter.add(batches);
        }
        int total = shards.stream().mapToInt(List::size).sum();
        return timed(total, perWriter, events -> sink.write(SourceRows.batch(events)));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private interface Work<T> {
        void run(T item) throws Exception;
    }

    private static <T> double timed(int rows, List<List<T>> perWriter, Work<T> work) throws Exception {
        ExecutorService writers = Executors.newFixedThreadPool(perWriter.size());
        try {
            long start = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (List<T> items : perWriter) {
                done.add(writers.submit(() -> {
                    for (T item : items) {
                        work.run(item);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            return rows / ((System.nanoTime() - start) / 1e9);
        } finally {
            writers.shutdownNow();
        }
    }

    /** The rows as COPY csv (the test's own encoder: every text quoted, an unquoted empty field NULL). */
    private static byte[] csv(List<TransactionEvent> events) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(events.size() * 200);
        for (TransactionEvent e : events) {
            Transaction t = e.transaction();
            String line = String.join(
                            ",",
                            q(e.eventId()),
                            q(t.invoiceNo()),
                            q(t.stockCode()),
                            q(t.description()),
                            Integer.toString(t.quantity()),
                            t.invoiceDate().toString(),
                            t.unitPrice().toPlainString(),
                            t.customerId() == null ? "" : q(t.customerId()),
                            q(t.country()),
                            q(e.ingest().idempotencyKey()),
                            Integer.toString(e.ingest().row()),
                            e.ingest().receivedAt().toString(),
                            q(e.ingest().source()))
                    + "\n";
            out.writeBytes(line.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    private static String q(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }
}
