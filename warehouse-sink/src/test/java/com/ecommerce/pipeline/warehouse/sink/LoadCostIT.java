package com.ecommerce.pipeline.warehouse.sink;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.ecommerce.pipeline.schema.model.TransactionEvent;
import com.ecommerce.pipeline.warehouse.SourceRows;
import com.ecommerce.pipeline.warehouse.TestWarehouse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Where PostgreSQL's CPU goes when warehouse-loader writes, statement by statement on one connection whose backend's
 * CPU is read from {@code /proc}: the first N rows of the dataset as {@link StagingCsv} lines, {@code COPY} into a
 * table {@code LIKE firehose_transactions INCLUDING ALL} in chunks of 10,000 (the benchmark's ceiling), {@code COPY}
 * into {@code firehose_transactions} in batches of 20,000 with the BI delta trigger (the sink's common path) and
 * without it, then each BI fold group over the pending deltas. Prints backend CPU a row per step; asserts nothing.
 * Not part of the default run: {@code mvn -pl warehouse-sink -am verify -Dtest=none -Dit.test=LoadCostIT
 * -Dwarehouse.cost=true [-Dwarehouse.cost.rows=300000] -Dsurefire.failIfNoSpecifiedTests=false
 * -Dfailsafe.failIfNoSpecifiedTests=false}.
 */
class LoadCostIT {

    @Test
    void loadCost() throws Exception {
        assumeTrue(Boolean.getBoolean("warehouse.cost"), "set -Dwarehouse.cost=true to run");
        int limit = Integer.getInteger("warehouse.cost.rows", 300_000);
        List<SourceRows.Row> rows =
                Files.exists(SourceRows.FULL) ? SourceRows.read(SourceRows.FULL, limit) : SourceRows.sample();
        List<TransactionEvent> events = SourceRows.events(rows, "load-cost", Instant.now());
        long t = System.nanoTime();
        byte[][] lines = events.stream().map(StagingCsv::line).toArray(byte[][]::new);
        System.out.printf(
                Locale.ROOT,
                "COST %,d rows as CSV lines in the test JVM: %.2f s (not a profile)%n",
                lines.length,
                (System.nanoTime() - t) / 1e9);
        DataSource dataSource = TestWarehouse.shared();
        TestWarehouse.reset(dataSource);
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            long pid = TestWarehouse.single(s, "SELECT pg_backend_pid()");
            s.execute("DROP TABLE IF EXISTS cost_ceiling");
            s.execute("CREATE TABLE cost_ceiling (LIKE firehose_transactions INCLUDING ALL)");
            c.setAutoCommit(false);
            step(c, pid, "ceiling: COPY into LIKE table, 10,000 a chunk", "cost_ceiling", lines, 10_000);
            step(
                    c,
                    pid,
                    "sink: COPY into firehose_transactions + delta trigger, 20,000 a batch",
                    "firehose_transactions",
                    lines,
                    20_000);
            long pending = TestWarehouse.single(s, "SELECT sum(row_count) FROM bi_pending");
            c.commit();
            for (int g = 1; g <= 4; g++) {
                long cpu0 = TestWarehouse.cpuNanos(pid);
                long t0 = System.nanoTime();
                while (TestWarehouse.single(s, "SELECT bi_fold_group(" + g + ")") > 0) {
                    c.commit();
                }
                c.commit();
                print(
                        "fold group " + g + " (" + pending + " delta rows)",
                        lines.length,
                        TestWarehouse.cpuNanos(pid) - cpu0,
                        System.nanoTime() - t0);
            }
            s.execute("TRUNCATE cost_ceiling");
            c.commit();
            step(c, pid, "ceiling again (warm)", "cost_ceiling", lines, 10_000);
            s.execute("ALTER TABLE firehose_transactions DISABLE TRIGGER bi_apply_inserts");
            s.execute("TRUNCATE firehose_transactions");
            c.commit();
            step(
                    c,
                    pid,
                    "firehose_transactions without the trigger, 20,000 a batch",
                    "firehose_transactions",
                    lines,
                    20_000);
            s.execute("ALTER TABLE firehose_transactions ENABLE TRIGGER bi_apply_inserts");
            s.execute("TRUNCATE firehose_transactions");
            c.commit();
            step(c, pid, "firehose_transactions + trigger, 10,000 a batch", "firehose_transactions", lines, 10_000);
            s.execute("TRUNCATE firehose_transactions");
            s.execute("DROP TABLE cost_ceiling");
            c.commit();
            c.setAutoCommit(true);
        }
    }

    private static void step(Connection c, long pid, String name, String table, byte[][] lines, int chunk)
            throws Exception {
        String sql = "COPY " + table + " (" + StagingCsv.COLUMNS + ") FROM STDIN WITH (FORMAT csv)";
        long cpu0 = TestWarehouse.cpuNanos(pid);
        long t0 = System.nanoTime();
        for (int i = 0; i < lines.length; i += chunk) {
            CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
            for (int j = i; j < Math.min(i + chunk, lines.length); j++) {
                copy.writeToCopy(lines[j], 0, lines[j].length);
            }
            copy.endCopy();
            c.commit();
        }
        print(name, lines.length, TestWarehouse.cpuNanos(pid) - cpu0, System.nanoTime() - t0);
    }

    private static void print(String name, int rows, long cpu, long wall) {
        System.out.printf(
                Locale.ROOT,
                "COST %s: backend CPU %.2f s = %.1f µs a row (wall %.2f s)%n",
                name,
                cpu / 1e9,
                cpu / 1e3 / rows,
                wall / 1e9);
    }
}
