package com.ecommerce.pipeline.lake;

import com.ecommerce.pipeline.lake.analytics.BiAnswers.AverageSales;
import com.ecommerce.pipeline.lake.analytics.BiAnswers.Customer;
import com.ecommerce.pipeline.lake.analytics.BiAnswers.Invoice;
import com.ecommerce.pipeline.lake.analytics.BiAnswers.PeriodRevenue;
import com.ecommerce.pipeline.lake.analytics.BiAnswers.Product;
import com.ecommerce.pipeline.localcloud.Endpoints;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;

/**
 * The warehouse, as the rest of the suite has it: PostgreSQL migrated with warehouse-sink's own Flyway
 * migrations (its summary tables kept by its triggers), the events upserted by event id, and the BI answers
 * read from its {@code bi_*} views with the statements query-api's AnalyticsRepository runs.
 */
final class Warehouse {

    private final Endpoints endpoints;

    Warehouse(Endpoints endpoints, String migrations) {
        this.endpoints = endpoints;
        Flyway.configure()
                .dataSource(endpoints.jdbcUrl(), endpoints.jdbcUser(), endpoints.jdbcPassword())
                .locations("filesystem:" + migrations)
                .load()
                .migrate();
    }

    private Connection connect() throws SQLException {
        // batched inserts as multi-row statements: the summary triggers run once per statement
        String url =
                endpoints.jdbcUrl() + (endpoints.jdbcUrl().contains("?") ? "&" : "?") + "reWriteBatchedInserts=true";
        return DriverManager.getConnection(url, endpoints.jdbcUser(), endpoints.jdbcPassword());
    }

    /** Every event, a repeated event id changing nothing (warehouse-loader's upsert by event id). */
    void load(List<TransactionEvent> events) throws SQLException {
        try (Connection c = connect();
                PreparedStatement insert = c.prepareStatement(
                        """
                        INSERT INTO firehose_transactions (event_id, invoice_no, stock_code, description, quantity,
                            invoice_date, unit_price, customer_id, country, ingest_idempotency_key, ingest_row,
                            ingest_received_at, ingest_source)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING""")) {
            for (TransactionEvent e : events) {
                Transaction t = e.transaction();
                insert.setString(1, e.eventId());
                insert.setString(2, t.invoiceNo());
                insert.setString(3, t.stockCode());
                insert.setString(4, t.description());
                insert.setInt(5, t.quantity());
                insert.setObject(6, t.invoiceDate());
                insert.setBigDecimal(7, t.unitPrice());
                insert.setString(8, t.customerId());
                insert.setString(9, t.country());
                insert.setString(10, e.ingest().idempotencyKey());
                insert.setInt(11, e.ingest().row());
                insert.setTimestamp(12, Timestamp.from(e.ingest().receivedAt()));
                insert.setString(13, e.ingest().source());
                insert.addBatch();
            }
            insert.executeBatch();
            // The statements only log their BI deltas (warehouse-sink's migration V3); fold them into the
            // summaries the bi_* views read, as the loader's own fold does, until none is pending.
            try (Statement fold = c.createStatement()) {
                long folded;
                do {
                    try (ResultSet rs = fold.executeQuery("SELECT bi_fold()")) {
                        rs.next();
                        folded = rs.getLong(1);
                    }
                } while (folded > 0);
            }
        }
    }

    long scalar(String sql) throws SQLException {
        try (Connection c = connect();
                ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    List<PeriodRevenue> revenue(String scope, String granularity) throws SQLException {
        List<PeriodRevenue> out = new ArrayList<>();
        query(
                "SELECT period, revenue, row_count, invoice_count FROM bi_revenue WHERE scope = ? AND granularity = ? ORDER BY period",
                List.of(scope, granularity),
                rs -> out.add(
                        new PeriodRevenue(rs.getString(1), money(rs.getBigDecimal(2)), rs.getLong(3), rs.getLong(4))));
        return out;
    }

    AverageSales averageSales(String scope, String granularity) throws SQLException {
        List<AverageSales> out = new ArrayList<>();
        query(
                "SELECT periods, total_revenue, average_revenue, average_invoices FROM bi_average_sales WHERE scope = ? AND granularity = ?",
                List.of(scope, granularity),
                rs -> out.add(new AverageSales(
                        granularity,
                        rs.getLong(1),
                        money(rs.getBigDecimal(2)),
                        money(rs.getBigDecimal(3)),
                        money(rs.getBigDecimal(4)))));
        return out.get(0);
    }

    List<Product> topProducts(String scope, String granularity, String period, String by, int limit)
            throws SQLException {
        List<Product> out = new ArrayList<>();
        query(
                "SELECT stock_code, description, quantity, revenue FROM bi_product_sales"
                        + " WHERE scope = ? AND granularity = ? AND period = ? ORDER BY " + by
                        + " DESC, stock_code LIMIT "
                        + limit,
                List.of(scope, granularity, period),
                rs -> out.add(new Product(
                        rs.getString(1),
                        rs.getString(2) == null ? "" : rs.getString(2),
                        rs.getLong(3),
                        money(rs.getBigDecimal(4)))));
        return out;
    }

    List<Customer> topCustomers(String scope, String granularity, String period, int limit) throws SQLException {
        List<Customer> out = new ArrayList<>();
        query(
                "SELECT customer_id, revenue, invoice_count FROM bi_customer_sales"
                        + " WHERE scope = ? AND granularity = ? AND period = ? ORDER BY revenue DESC, customer_id LIMIT "
                        + limit,
                List.of(scope, granularity, period),
                rs -> out.add(new Customer(rs.getString(1), money(rs.getBigDecimal(2)), rs.getLong(3))));
        return out;
    }

    List<Invoice> topInvoices(String scope, String granularity, String period, int limit) throws SQLException {
        List<Invoice> out = new ArrayList<>();
        query(
                "SELECT invoice_no, customer_id, total_value FROM bi_invoice_sales"
                        + " WHERE scope = ? AND granularity = ? AND period = ? ORDER BY total_value DESC, invoice_no LIMIT "
                        + limit,
                List.of(scope, granularity, period),
                rs -> out.add(new Invoice(rs.getString(1), rs.getString(2), money(rs.getBigDecimal(3)))));
        return out;
    }

    private interface RowHandler {
        void accept(ResultSet rs) throws SQLException;
    }

    private void query(String sql, List<String> params, RowHandler handler) throws SQLException {
        try (Connection c = connect();
                PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                s.setString(i + 1, params.get(i));
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    handler.accept(rs);
                }
            }
        }
    }

    private static BigDecimal money(BigDecimal exact) {
        return exact.setScale(2, RoundingMode.HALF_UP);
    }
}
