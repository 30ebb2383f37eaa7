package com.ecommerce.pipeline.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.ecommerce.pipeline.schema.model.TransactionEvent;
import com.ecommerce.pipeline.warehouse.SourceRows.Row;
import com.ecommerce.pipeline.warehouse.sink.WarehouseSink;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * What the BI fold costs PostgreSQL: the first N rows of the dataset are loaded by the sink without folding (4
 * writers, batches of 20,000, as {@link SinkThroughputIT}), then folded with {@code bi_fold()} until none is
 * pending, on one connection whose backend's CPU time is read from {@code /proc} (the database runs on this
 * machine). {@code -Dwarehouse.fold.mode=groups} folds the four groups side by side instead ({@code
 * bi_fold_group}, one connection each), as warehouse-loader does. Prints the fold's wall time and backend CPU a row
 * ({@code -Dwarehouse.fold.explain=true}: each group's EXPLAIN ANALYZE time first); asserts the folded summaries
 * equal a full recomputation. Not part of the default run: {@code mvn -pl warehouse-sink -am verify -Dtest=none
 * -Dit.test=BiFoldCostIT -Dwarehouse.fold=true [-Dwarehouse.fold.rows=300000] [-Dwarehouse.fold.mode=groups]
 * -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false}.
 */
class BiFoldCostIT {

    private static final int WRITERS = 4;
    private static final int BATCH = 20_000;

    @Test
    void foldCost() throws Exception {
        assumeTrue(Boolean.getBoolean("warehouse.fold"), "set -Dwarehouse.fold=true to run");
        int limit = Integer.getInteger("warehouse.fold.rows", 300_000);
        List<Row> rows = Files.exists(SourceRows.FULL) ? SourceRows.read(SourceRows.FULL, limit) : SourceRows.sample();
        List<TransactionEvent> events = SourceRows.events(rows, "fold-cost", Instant.now());
        DataSource dataSource = TestWarehouse.shared();
        TestWarehouse.reset(dataSource);
        WarehouseSink sink = new WarehouseSink(dataSource, new SimpleMeterRegistry(), false);
        ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (List<TransactionEvent> shard : SourceRows.byShard(events, WRITERS)) {
                done.add(writers.submit(() -> {
                    for (int i = 0; i < shard.size(); i += BATCH) {
                        sink.write(SourceRows.batch(shard.subList(i, Math.min(i + BATCH, shard.size()))));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            writers.shutdownNow();
        }
        long pending = TestWarehouse.pendingBi(dataSource);
        if (Boolean.getBoolean("warehouse.fold.explain")) {
            try (Connection connection = dataSource.getConnection()) {
                explainEachGroup(connection);
            }
        }
        boolean groups = "groups".equals(System.getProperty("warehouse.fold.mode", "serial"));
        List<String> folds = new ArrayList<>();
        if (groups) {
            for (int group = 1; group <= WarehouseSink.BI_FOLD_GROUPS; group++) {
                folds.add("SELECT bi_fold_group(" + group + ")");
            }
        } else {
            folds.add("SELECT bi_fold()");
        }
        ExecutorService folders = Executors.newFixedThreadPool(folds.size());
        try {
            long t0 = System.nanoTime();
            List<Future<long[]>> done = new ArrayList<>();
            for (String fold : folds) {
                done.add(folders.submit(() -> foldUntilNone(dataSource, fold)));
            }
            long cpu = 0;
            long calls = 0;
            for (Future<long[]> f : done) {
                cpu += f.get()[0];
                calls += f.get()[1];
            }
            long t1 = System.nanoTime();
            System.out.printf(
                    Locale.ROOT,
                    "FOLD %s: %,d rows (%,d pending delta rows) folded in %d calls of %s: %.2f s, backend CPU %.2f s"
                            + " = %.1f µs a row%n",
                    groups ? "groups side by side" : "serial",
                    events.size(),
                    pending,
                    calls,
                    folds,
                    (t1 - t0) / 1e9,
                    cpu / 1e9,
                    cpu / 1e3 / events.size());
        } finally {
            folders.shutdownNow();
        }
        String[] incrementalAndRebuilt = TestWarehouse.aggregatesAndRebuilt(dataSource);
        assertThat(incrementalAndRebuilt[0]).isEqualTo(incrementalAndRebuilt[1]);
    }

    /** Each summary group's statement over everything pending, timed by EXPLAIN ANALYZE, then rolled back. */
    private static void explainEachGroup(Connection connection) throws Exception {
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            List<String> statements = new ArrayList<>();
            try (ResultSet r = statement.executeQuery("SELECT unnest(bi_delta_statements('SELECT u.* FROM bi_pending p"
                    + " CROSS JOIN LATERAL unnest(p.sign, p.invoice_no, p.stock_code, p.description, p.quantity,"
                    + " p.invoice_date, p.unit_price, p.customer_id) AS u (sign, invoice_no, stock_code, description,"
                    + " quantity, invoice_date, unit_price, customer_id)'))")) {
                while (r.next()) {
                    statements.add(r.getString(1));
                }
            }
            statement.execute("SET LOCAL work_mem = '128MB'");
            for (int i = 0; i < 4; i++) {
                StringBuilder plan = new StringBuilder();
                try (ResultSet r = statement.executeQuery("EXPLAIN (ANALYZE, BUFFERS) " + statements.get(i))) {
                    while (r.next()) {
                        plan.append(r.getString(1)).append('\n');
                    }
                }
                String text = plan.toString();
                System.out.printf(
                        Locale.ROOT,
                        "FOLD group %d: %s%n",
                        i + 1,
                        text.substring(text.lastIndexOf("Execution Time")).trim());
                if (Boolean.getBoolean("warehouse.fold.plans")) {
                    System.out.println(text);
                }
            }
        } finally {
            connection.rollback();
            connection.setAutoCommit(true);
        }
    }

    /** Calls the fold until it folds nothing, on one connection: [backend CPU ns, calls]. */
    private static long[] foldUntilNone(DataSource dataSource, String fold) throws Exception {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            long pid = TestWarehouse.single(statement, "SELECT pg_backend_pid()");
            long cpu0 = TestWarehouse.cpuNanos(pid);
            long calls = 0;
            while (TestWarehouse.single(statement, fold) > 0) {
                calls++;
            }
            return new long[] {TestWarehouse.cpuNanos(pid) - cpu0, calls};
        }
    }
}
