package com.ecommerce.pipeline.query.analytics;

import com.ecommerce.pipeline.query.web.Money;
import java.math.BigDecimal;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Reads the BI views warehouse-loader maintains ({@code bi_revenue}, {@code bi_average_sales}, {@code
 * bi_product_sales}, {@code bi_customer_sales}, {@code bi_invoice_sales}); each is backed by summary
 * tables kept exact by triggers, so no query here scans {@code firehose_transactions}. Rankings are
 * value descending, then key ascending (keys are {@code COLLATE "C"}, Java's String order).
 */
@Repository
class AnalyticsRepository {

    private final JdbcClient jdbc;

    AnalyticsRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    List<Analytics.PeriodRevenue> revenue(String scope, String granularity) {
        return jdbc.sql(
                        """
                        SELECT period, revenue, row_count, invoice_count FROM bi_revenue
                        WHERE scope = ? AND granularity = ? ORDER BY period""")
                .params(scope, granularity)
                .query((rs, i) -> new Analytics.PeriodRevenue(
                        rs.getString(1), Money.round(rs.getBigDecimal(2)), rs.getLong(3), rs.getLong(4)))
                .list();
    }

    Analytics.AverageSales averageSales(String scope, String granularity) {
        return jdbc.sql(
                        """
                        SELECT periods, total_revenue, average_revenue, average_invoices FROM bi_average_sales
                        WHERE scope = ? AND granularity = ?""")
                .params(scope, granularity)
                .query((rs, i) -> new Analytics.AverageSales(
                        granularity,
                        rs.getLong(1),
                        Money.round(rs.getBigDecimal(2)),
                        Money.round(rs.getBigDecimal(3)),
                        Money.round(rs.getBigDecimal(4))))
                .optional()
                .orElse(new Analytics.AverageSales(
                        granularity,
                        0,
                        Money.round(BigDecimal.ZERO),
                        Money.round(BigDecimal.ZERO),
                        Money.round(BigDecimal.ZERO)));
    }

    List<Analytics.Product> topProducts(String scope, Period period, String by, int limit) {
        // Ties on the value are broken by the key alone, as the contract says.
        String order = by.equals("quantity") ? "quantity DESC" : "revenue DESC";
        return jdbc.sql("SELECT stock_code, description, quantity, revenue FROM bi_product_sales"
                        + " WHERE scope = ? AND granularity = ? AND period = ?"
                        + " ORDER BY " + order + ", stock_code LIMIT ?")
                .params(scope, period.granularity(), period.label(), limit)
                .query((rs, i) -> new Analytics.Product(
                        rs.getString(1),
                        rs.getString(2) == null ? "" : rs.getString(2),
                        rs.getLong(3),
                        Money.round(rs.getBigDecimal(4))))
                .list();
    }

    List<Analytics.Customer> topCustomers(String scope, Period period, int limit) {
        return jdbc.sql(
                        """
                        SELECT customer_id, revenue, invoice_count FROM bi_customer_sales
                        WHERE scope = ? AND granularity = ? AND period = ?
                        ORDER BY revenue DESC, customer_id LIMIT ?""")
                .params(scope, period.granularity(), period.label(), limit)
                .query((rs, i) ->
                        new Analytics.Customer(rs.getString(1), Money.round(rs.getBigDecimal(2)), rs.getLong(3)))
                .list();
    }

    List<Analytics.Invoice> topInvoices(String scope, Period period, int limit) {
        return jdbc.sql(
                        """
                        SELECT invoice_no, customer_id, total_value FROM bi_invoice_sales
                        WHERE scope = ? AND granularity = ? AND period = ?
                        ORDER BY total_value DESC, invoice_no LIMIT ?""")
                .params(scope, period.granularity(), period.label(), limit)
                .query((rs, i) ->
                        new Analytics.Invoice(rs.getString(1), rs.getString(2), Money.round(rs.getBigDecimal(3))))
                .list();
    }
}
