package com.ecommerce.pipeline.warehouse;

import com.ecommerce.pipeline.warehouse.ExpectedBi.Average;
import com.ecommerce.pipeline.warehouse.SourceRows.Row;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.assertj.core.api.SoftAssertions;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Asks the BI views the contract's questions the way query-api does (filter by scope, granularity and
 * period; order value descending then key ascending; limit) and compares every answer with {@link
 * ExpectedBi}'s computation over the same CSV rows. Records how long each query took.
 */
public final class BiChecks {

    private static final int LIMIT = 10;

    private final JdbcClient jdbc;
    private final ExpectedBi expected;
    private final Map<String, Long> nanos = new LinkedHashMap<>();

    public BiChecks(DataSource dataSource, List<Row> rows) {
        this.jdbc = JdbcClient.create(dataSource);
        this.expected = new ExpectedBi(rows);
    }

    /** Latency of each query, in milliseconds, by a readable name. */
    public Map<String, Double> latenciesMillis() {
        Map<String, Double> millis = new LinkedHashMap<>();
        nanos.forEach((k, v) -> millis.put(k, v / 1e6));
        return millis;
    }

    /** Every question, both scopes; all mismatches are reported together. */
    public void assertAllAnswers() {
        SoftAssertions softly = new SoftAssertions();
        for (String scope : ExpectedBi.SCOPES) {
            for (String granularity : ExpectedBi.GRANULARITIES) {
                checkRevenue(softly, scope, granularity);
                checkAverage(softly, scope, granularity);
            }
            List<String[]> periods = new ArrayList<>();
            periods.add(new String[] {"all", "all"});
            for (String g : List.of("year", "month", "day")) {
                periods.add(new String[] {g, expected.busiest(g)});
            }
            periods.add(new String[] {"year", "2009"}); // no rows at all
            for (String[] period : periods) {
                checkTopProducts(softly, scope, period[0], period[1], "quantity");
                checkTopProducts(softly, scope, period[0], period[1], "revenue");
                checkTopCustomers(softly, scope, period[0], period[1]);
                checkTopInvoices(softly, scope, period[0], period[1]);
            }
        }
        softly.assertAll();
    }

    public void checkRevenue(SoftAssertions softly, String scope, String granularity) {
        List<String> actual = timed("revenue " + scope + " " + granularity, () -> jdbc.sql(
                        """
                                SELECT period, revenue, row_count, invoice_count FROM bi_revenue
                                WHERE scope = ? AND granularity = ? ORDER BY period""")
                .params(scope, granularity)
                .query((rs, i) -> line(rs.getString(1), rs.getBigDecimal(2), rs.getLong(3), rs.getLong(4)))
                .list());
        List<String> wanted = expected.revenue(scope, granularity).stream()
                .map(p -> line(p.period(), p.revenue(), p.rows(), p.invoices()))
                .toList();
        softly.assertThat(actual)
                .as("revenue per %s, scope=%s", granularity, scope)
                .isNotEmpty()
                .containsExactlyElementsOf(wanted);
    }

    public void checkAverage(SoftAssertions softly, String scope, String granularity) {
        Map<String, Object> actual = timed("average-sales " + scope + " " + granularity, () -> jdbc.sql(
                        """
                                SELECT periods, total_revenue, average_revenue, average_invoices
                                FROM bi_average_sales WHERE scope = ? AND granularity = ?""")
                .params(scope, granularity)
                .query()
                .singleRow());
        Average wanted = expected.average(scope, granularity);
        String as = "average sales per " + granularity + ", scope=" + scope;
        softly.assertThat(((Number) actual.get("periods")).longValue()).as(as).isEqualTo(wanted.periods());
        softly.assertThat((BigDecimal) actual.get("total_revenue")).as(as).isEqualByComparingTo(wanted.totalRevenue());
        softly.assertThat(((BigDecimal) actual.get("average_revenue"))
                        .subtract(wanted.averageRevenue())
                        .abs())
                .as(as + ": average revenue %s vs %s", actual.get("average_revenue"), wanted.averageRevenue())
                .isLessThan(new BigDecimal("1E-12"));
        softly.assertThat(((BigDecimal) actual.get("average_invoices"))
                        .subtract(wanted.averageInvoices())
                        .abs())
                .as(as + ": average invoices %s vs %s", actual.get("average_invoices"), wanted.averageInvoices())
                .isLessThan(new BigDecimal("1E-12"));
    }

    public void checkTopProducts(SoftAssertions softly, String scope, String granularity, String period, String by) {
        List<String> actual = timed("top-products " + scope + " " + granularity + " by " + by, () -> jdbc.sql(
                        "SELECT stock_code, description, quantity, revenue FROM bi_product_sales"
                                + " WHERE scope = ? AND granularity = ? AND period = ?"
                                + " ORDER BY " + by + " DESC, stock_code LIMIT ?")
                .params(scope, granularity, period, LIMIT)
                .query((rs, i) -> line(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getBigDecimal(4)))
                .list());
        List<String> wanted = expected.topProducts(scope, granularity, period, by, LIMIT).stream()
                .map(p -> line(p.stockCode(), p.description(), p.quantity(), p.revenue()))
                .toList();
        softly.assertThat(actual)
                .as("top products by %s, %s %s, scope=%s", by, granularity, period, scope)
                .containsExactlyElementsOf(wanted);
    }

    public void checkTopCustomers(SoftAssertions softly, String scope, String granularity, String period) {
        List<String> actual = timed("top-customers " + scope + " " + granularity, () -> jdbc.sql(
                        "SELECT customer_id, revenue, invoice_count FROM bi_customer_sales"
                                + " WHERE scope = ? AND granularity = ? AND period = ?"
                                + " ORDER BY revenue DESC, customer_id LIMIT ?")
                .params(scope, granularity, period, LIMIT)
                .query((rs, i) -> line(rs.getString(1), rs.getBigDecimal(2), rs.getLong(3)))
                .list());
        List<String> wanted = expected.topCustomers(scope, granularity, period, LIMIT).stream()
                .map(c -> line(c.customerId(), c.revenue(), c.invoices()))
                .toList();
        softly.assertThat(actual)
                .as("top customers, %s %s, scope=%s", granularity, period, scope)
                .containsExactlyElementsOf(wanted);
    }

    public void checkTopInvoices(SoftAssertions softly, String scope, String granularity, String period) {
        List<String> actual = timed("top-invoices " + scope + " " + granularity, () -> jdbc.sql(
                        "SELECT invoice_no, customer_id, total_value FROM bi_invoice_sales"
                                + " WHERE scope = ? AND granularity = ? AND period = ?"
                                + " ORDER BY total_value DESC, invoice_no LIMIT ?")
                .params(scope, granularity, period, LIMIT)
                .query((rs, i) -> line(rs.getString(1), rs.getString(2), rs.getBigDecimal(3)))
                .list());
        List<String> wanted = expected.topInvoices(scope, granularity, period, LIMIT).stream()
                .map(v -> line(v.invoiceNo(), v.customerId(), v.totalValue()))
                .toList();
        softly.assertThat(actual)
                .as("top invoices, %s %s, scope=%s", granularity, period, scope)
                .containsExactlyElementsOf(wanted);
    }

    private <T> T timed(String name, Supplier<T> query) {
        long start = System.nanoTime();
        T result = query.get();
        nanos.merge(name, System.nanoTime() - start, Math::max);
        return result;
    }

    /** Values joined with " | ", numbers without trailing zeros (2.550 = 2.55). */
    private static String line(Object... values) {
        List<String> parts = new ArrayList<>();
        for (Object v : values) {
            parts.add(v instanceof BigDecimal d ? d.stripTrailingZeros().toPlainString() : String.valueOf(v));
        }
        return String.join(" | ", parts);
    }
}
