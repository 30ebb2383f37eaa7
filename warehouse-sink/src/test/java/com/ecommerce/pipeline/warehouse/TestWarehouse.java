package com.ecommerce.pipeline.warehouse;

import com.ecommerce.pipeline.localcloud.Endpoints;
import com.ecommerce.pipeline.localcloud.LocalCloud;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The warehouse database of the tests: the embedded PostgreSQL of the JVM's shared local cloud,
 * migrated with the service's own Flyway migrations, behind a pool configured like the service's.
 */
public final class TestWarehouse {

    private static HikariDataSource shared;

    private TestWarehouse() {}

    /** The shared local cloud's warehouse, migrated. */
    public static synchronized DataSource shared() {
        if (shared == null) {
            Endpoints endpoints = LocalCloud.shared().endpoints();
            shared = pool(endpoints.jdbcUrl(), endpoints.jdbcUser(), endpoints.jdbcPassword());
            migrate(shared);
        }
        return shared;
    }

    /** A pool with the settings of the service's application.yml. */
    public static HikariDataSource pool(String url, String user, String password) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setPoolName("warehouse-test");
        config.setMaximumPoolSize(8);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(5_000);
        config.setValidationTimeout(2_000);
        config.setKeepaliveTime(60_000);
        config.setMaxLifetime(1_800_000);
        config.addDataSourceProperty("ApplicationName", "warehouse-loader-test");
        config.addDataSourceProperty("connectTimeout", "5");
        config.addDataSourceProperty("socketTimeout", "300");
        config.addDataSourceProperty("tcpKeepAlive", "true");
        return new HikariDataSource(config);
    }

    public static void migrate(DataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    /** Empties the table; its TRUNCATE trigger empties the BI aggregates with it. */
    public static void reset(DataSource dataSource) {
        JdbcClient.create(dataSource).sql("TRUNCATE firehose_transactions").update();
    }

    public static long rows(DataSource dataSource) {
        return JdbcClient.create(dataSource)
                .sql("SELECT count(*) FROM firehose_transactions")
                .query(Long.class)
                .single();
    }

    /** An MD5 of every column of every row (loaded_at and ingest metadata included), in event id order. */
    public static String tableChecksum(DataSource dataSource) {
        return JdbcClient.create(dataSource)
                .sql("SELECT coalesce(md5(string_agg(t::text, E'\\n' ORDER BY event_id)), 'empty')"
                        + " FROM firehose_transactions t")
                .query(String.class)
                .single();
    }

    /** BI delta rows recorded but not folded yet. */
    public static long pendingBi(DataSource dataSource) {
        return JdbcClient.create(dataSource)
                .sql("SELECT count(*) FROM bi_pending")
                .query(Long.class)
                .single();
    }

    /** Folds every pending BI delta (what the loader's schedule does every second); none may be left. */
    public static void foldBi(DataSource dataSource) {
        Long folded;
        do {
            folded = JdbcClient.create(dataSource)
                    .sql("SELECT bi_fold()")
                    .query(Long.class)
                    .single();
            if (folded == null) {
                throw new AssertionError("another BI fold holds the lock");
            }
        } while (folded > 0);
        if (pendingBi(dataSource) != 0) {
            throw new AssertionError("BI deltas still pending after folding");
        }
    }

    /**
     * An MD5 of the BI aggregate tables' contents, in key order; numbers without trailing zeros (an
     * incremental sum and a recomputed one may differ only in their scale). Fails if any BI delta is
     * still pending (not folded) or any aggregate row is left with no rows behind it.
     */
    public static String aggregatesChecksum(DataSource dataSource) {
        JdbcClient jdbc = JdbcClient.create(dataSource);
        if (pendingBi(dataSource) != 0) {
            throw new AssertionError(pendingBi(dataSource) + " BI deltas not folded");
        }
        long empty = jdbc.sql(
                        """
                        SELECT (SELECT count(*) FROM bi_period_totals WHERE row_count <= 0)
                             + (SELECT count(*) FROM bi_invoice_totals WHERE row_count <= 0)
                             + (SELECT count(*) FROM bi_customer_invoices WHERE row_count <= 0)
                             + (SELECT count(*) FROM bi_customer_totals WHERE row_count <= 0)
                             + (SELECT count(*) FROM bi_product_totals WHERE row_count <= 0)
                             + (SELECT count(*) FROM bi_product_descriptions WHERE row_count <= 0)""")
                .query(Long.class)
                .single();
        if (empty != 0) {
            throw new AssertionError(empty + " aggregate rows have row_count <= 0");
        }
        return jdbc.sql(
                        """
                        SELECT md5(concat_ws('#',
                          (SELECT string_agg(concat_ws(',', scope, granularity, period, period_start, row_count,
                                  quantity, trim_scale(revenue), invoice_count), E'\n'
                                  ORDER BY scope, granularity, period) FROM bi_period_totals),
                          (SELECT string_agg(concat_ws(',', scope, granularity, period, period_start, invoice_no,
                                  row_count, quantity, trim_scale(revenue)), E'\n'
                                  ORDER BY scope, granularity, period, invoice_no) FROM bi_invoice_totals),
                          (SELECT string_agg(concat_ws(',', scope, granularity, period, invoice_no, customer_id,
                                  row_count), E'\n'
                                  ORDER BY scope, granularity, period, invoice_no, customer_id)
                           FROM bi_customer_invoices),
                          (SELECT string_agg(concat_ws(',', scope, granularity, period, period_start, customer_id,
                                  row_count, quantity, trim_scale(revenue), invoice_count), E'\n'
                                  ORDER BY scope, granularity, period, customer_id) FROM bi_customer_totals),
                          (SELECT string_agg(concat_ws(',', scope, granularity, period, period_start, stock_code,
                                  row_count, quantity, trim_scale(revenue)), E'\n'
                                  ORDER BY scope, granularity, period, stock_code) FROM bi_product_totals),
                          (SELECT string_agg(concat_ws(',', stock_code, description, row_count), E'\n'
                                  ORDER BY stock_code, description) FROM bi_product_descriptions)))
                        """)
                .query(String.class)
                .single();
    }

    /**
     * The aggregates as the folds left them, and as a full recomputation from firehose_transactions
     * gives them ({@code bi_rebuild()}, which leaves the recomputed ones in place).
     */
    public static String[] aggregatesAndRebuilt(DataSource dataSource) {
        String incremental = aggregatesChecksum(dataSource);
        JdbcClient.create(dataSource).sql("SELECT bi_rebuild()").query().singleRow();
        return new String[] {incremental, aggregatesChecksum(dataSource)};
    }

    /** The first column of the one row a query returns, as a long. */
    public static long single(Statement statement, String sql) throws SQLException {
        try (ResultSet r = statement.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    /** utime + stime of a (backend) process, from /proc/PID/stat (clock ticks of 10 ms), in ns. */
    public static long cpuNanos(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
    }
}
