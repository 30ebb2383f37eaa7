package com.ecommerce.pipeline.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.ecommerce.pipeline.schema.model.TransactionEvent;
import com.ecommerce.pipeline.warehouse.SourceRows.Row;
import com.ecommerce.pipeline.warehouse.sink.WarehouseSink;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The full dataset (541,909 rows) through the sink, then every BI question checked against an
 * independent computation over the whole file, with each view's latency. Not part of the default
 * run: {@code mvn -pl warehouse-sink -am verify -Dit.test=FullDatasetBenchmarkIT -Dwarehouse.benchmark=true}
 * (optionally {@code -Dwarehouse.benchmark.batch=20000 -Dwarehouse.benchmark.shards=4}), with {@code ../shared/data/online_retail.csv.gz}
 * present.
 */
class FullDatasetBenchmarkIT {

    @Test
    void loadsTheFullDatasetAndAnswersEveryQuestionFast() throws Exception {
        assumeTrue(Boolean.getBoolean("warehouse.benchmark"), "set -Dwarehouse.benchmark=true to run");
        assumeTrue(Files.exists(SourceRows.FULL), "the full dataset is not at " + SourceRows.FULL);
        int batchSize = Integer.getInteger("warehouse.benchmark.batch", 20_000);
        int shards = Integer.getInteger("warehouse.benchmark.shards", 1);

        List<Row> rows = SourceRows.read(SourceRows.FULL, Integer.MAX_VALUE);
        assertThat(rows).hasSize(541_909);
        DataSource dataSource = TestWarehouse.shared();
        TestWarehouse.reset(dataSource);
        JdbcClient jdbc = JdbcClient.create(dataSource);
        WarehouseSink sink = new WarehouseSink(dataSource, new SimpleMeterRegistry());
        List<TransactionEvent> events = SourceRows.events(rows, "full", Instant.now());

        double calibration = calibrationMillis(jdbc);
        double loadSeconds = load(sink, events, batchSize, shards);
        assertThat(TestWarehouse.rows(dataSource)).isEqualTo(rows.size());
        double replaySeconds = load(sink, events, batchSize, shards);
        assertThat(TestWarehouse.rows(dataSource)).isEqualTo(rows.size());
        jdbc.sql("VACUUM ANALYZE").update();

        BiChecks checks = new BiChecks(dataSource, rows);
        checks.assertAllAnswers(); // cold
        checks = new BiChecks(dataSource, rows);
        checks.assertAllAnswers(); // warm: the latencies reported

        System.out.printf(
                Locale.ROOT,
                "%nBENCHMARK warehouse-loader: %,d rows in batches of %,d from %d concurrent writer(s): load %.1f s"
                        + " = %,.0f rows/s; replay (nothing changes) %.1f s = %,.0f rows/s; synchronous_commit=%s%n",
                rows.size(),
                batchSize,
                shards,
                loadSeconds,
                rows.size() / loadSeconds,
                replaySeconds,
                rows.size() / replaySeconds,
                jdbc.sql("SHOW synchronous_commit").query(String.class).single());
        System.out.printf(
                Locale.ROOT,
                "BENCHMARK CPU calibration: SELECT count(*) FROM generate_series(1, 1000000) took %.0f ms before"
                        + " the load and %.0f ms after (the share of the CPU this run had)%n",
                calibration,
                calibrationMillis(jdbc));
        for (String table : List.of(
                "firehose_transactions",
                "bi_period_totals",
                "bi_invoice_totals",
                "bi_customer_invoices",
                "bi_customer_totals",
                "bi_product_totals",
                "bi_product_descriptions")) {
            System.out.printf(Locale.ROOT, "BENCHMARK size of %-24s %s%n", table, size(jdbc, table));
        }
        Map<String, Double> latencies = checks.latenciesMillis();
        latencies.forEach((query, ms) -> System.out.printf(Locale.ROOT, "BENCHMARK %-40s %8.1f ms%n", query, ms));
        double slowest = latencies.values().stream()
                .mapToDouble(Double::doubleValue)
                .max()
                .orElseThrow();
        System.out.printf(Locale.ROOT, "BENCHMARK slowest BI query %.1f ms%n", slowest);
        assertThat(slowest).as("every BI view answers well under a second").isLessThan(500);
    }

    /**
     * Writes the events in batches; with several shards, each invoice's events go to one writer (as
     * Kinesis routes them) and the writers run concurrently, as the consumer's shard processors do.
     */
    private static double load(WarehouseSink sink, List<TransactionEvent> events, int batchSize, int shards)
            throws Exception {
        List<List<TransactionEvent>> perShard = SourceRows.byShard(events, shards);
        ExecutorService writers = Executors.newFixedThreadPool(shards);
        try {
            long start = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (List<TransactionEvent> shard : perShard) {
                done.add(writers.submit(() -> {
                    for (int i = 0; i < shard.size(); i += batchSize) {
                        sink.write(SourceRows.batch(shard.subList(i, Math.min(i + batchSize, shard.size()))));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            return (System.nanoTime() - start) / 1e9;
        } finally {
            writers.shutdownNow();
        }
    }

    private static double calibrationMillis(JdbcClient jdbc) {
        long start = System.nanoTime();
        jdbc.sql("SELECT count(*) FROM generate_series(1, 1000000)")
                .query(Long.class)
                .single();
        return (System.nanoTime() - start) / 1e6;
    }

    private static String size(JdbcClient jdbc, String table) {
        return jdbc.sql("SELECT pg_size_pretty(pg_total_relation_size(?::regclass)) || ' / '"
                        + " || (SELECT count(*) FROM " + table + ") || ' rows'")
                .param(table)
                .query(String.class)
                .single();
    }
}
