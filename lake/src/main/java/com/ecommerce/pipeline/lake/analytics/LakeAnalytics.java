package com.ecommerce.pipeline.lake.analytics;

import com.ecommerce.pipeline.lake.analytics.BiAnswers.AverageSales;
import com.ecommerce.pipeline.lake.analytics.BiAnswers.Customer;
import com.ecommerce.pipeline.lake.analytics.BiAnswers.Invoice;
import com.ecommerce.pipeline.lake.analytics.BiAnswers.PeriodRevenue;
import com.ecommerce.pipeline.lake.analytics.BiAnswers.Product;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.Year;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * query-api's analytics questions asked of the lake in Spark SQL over {@code transactions}, with the same
 * definitions (CONTRACT.md): {@code scope=all} every row, {@code scope=sales} rows whose InvoiceNo does not
 * start with C, Quantity and UnitPrice above 0 and a customer; periods that have rows in the scope; rankings
 * value descending, then key ascending (Spark compares strings by their bytes, as the warehouse's
 * {@code COLLATE "C"} does); a product's name is the description most of its rows carry (any scope), an empty
 * one only if it has no other, ties to the smallest. Sums are exact DECIMAL; averages are divided exactly and
 * every amount rounded half-up to 2 decimals, as query-api rounds.
 */
public final class LakeAnalytics {

    public static final String SALES_SCOPE =
            "NOT startswith(invoice_no, 'C') AND quantity > 0 AND unit_price > 0 AND customer_id IS NOT NULL";

    private static final Map<String, String> LABELS = Map.of(
            "hour", "yyyy-MM-dd'T'HH:00",
            "day", "yyyy-MM-dd",
            "month", "yyyy-MM",
            "year", "yyyy");

    private final SparkSession spark;
    private final String table;

    /** @param table the lake's table, e.g. {@code transactions} in the lake's current namespace */
    public LakeAnalytics(SparkSession spark, String table) {
        this.spark = spark;
        this.table = table;
    }

    /** Revenue, rows and distinct invoices per period (hour, day, month or year) with rows in the scope. */
    public static String revenueSql(String table, String scope, String granularity) {
        String pattern = LABELS.get(granularity);
        if (pattern == null) {
            throw new IllegalArgumentException("granularity must be hour, day, month or year, not " + granularity);
        }
        return """
                SELECT date_format(invoice_date, "%s") AS period, sum(line_total) AS revenue, count(*) AS rows,
                       count(DISTINCT invoice_no) AS invoices
                FROM %s WHERE %s
                GROUP BY 1 ORDER BY 1"""
                .formatted(pattern, table, where(scope, null));
    }

    /** Quantity and revenue per product in the scope and period (null: all time), ranked by quantity or revenue. */
    public static String topProductsSql(String table, String scope, String period, String by, int limit) {
        if (!by.equals("quantity") && !by.equals("revenue")) {
            throw new IllegalArgumentException("by must be quantity or revenue, not " + by);
        }
        return """
                WITH names AS (
                    SELECT stock_code, description FROM (
                        SELECT stock_code, description,
                               row_number() OVER (PARTITION BY stock_code
                                                  ORDER BY description = '', count(*) DESC, description) AS rank
                        FROM %1$s GROUP BY stock_code, description)
                    WHERE rank = 1),
                totals AS (
                    SELECT stock_code, sum(quantity) AS quantity, sum(line_total) AS revenue
                    FROM %1$s WHERE %2$s GROUP BY stock_code)
                SELECT t.stock_code, coalesce(n.description, '') AS description, t.quantity, t.revenue
                FROM totals t LEFT JOIN names n ON n.stock_code = t.stock_code
                ORDER BY t.%3$s DESC, t.stock_code LIMIT %4$d"""
                .formatted(table, where(scope, period), by, limit);
    }

    /** Revenue and distinct invoices per customer in the scope and period; rows without a customer left out. */
    public static String topCustomersSql(String table, String scope, String period, int limit) {
        return """
                SELECT customer_id, sum(line_total) AS revenue, count(DISTINCT invoice_no) AS invoices
                FROM %s WHERE customer_id IS NOT NULL AND %s
                GROUP BY customer_id ORDER BY revenue DESC, customer_id LIMIT %d"""
                .formatted(table, where(scope, period), limit);
    }

    /** The total of each invoice's rows in the scope and period, with its (smallest) customer. */
    public static String topInvoicesSql(String table, String scope, String period, int limit) {
        return """
                SELECT invoice_no, min(customer_id) AS customer_id, sum(line_total) AS total_value
                FROM %s WHERE %s
                GROUP BY invoice_no ORDER BY total_value DESC, invoice_no LIMIT %d"""
                .formatted(table, where(scope, period), limit);
    }

    public List<PeriodRevenue> revenue(String scope, String granularity) {
        return spark.sql(revenueSql(table, scope, granularity)).collectAsList().stream()
                .map(r -> new PeriodRevenue(r.getString(0), money(r.getDecimal(1)), r.getLong(2), r.getLong(3)))
                .toList();
    }

    /** Averages over the periods that had rows in the scope. */
    public AverageSales averageSales(String scope, String granularity) {
        List<org.apache.spark.sql.Row> periods =
                spark.sql(revenueSql(table, scope, granularity)).collectAsList();
        BigDecimal total = BigDecimal.ZERO;
        long invoices = 0;
        for (org.apache.spark.sql.Row r : periods) {
            total = total.add(r.getDecimal(1));
            invoices += r.getLong(3);
        }
        long n = periods.size();
        BigDecimal count = BigDecimal.valueOf(Math.max(n, 1));
        return new AverageSales(
                granularity,
                n,
                money(total),
                total.divide(count, 2, RoundingMode.HALF_UP),
                BigDecimal.valueOf(invoices).divide(count, 2, RoundingMode.HALF_UP));
    }

    public List<Product> topProducts(String scope, String period, String by, int limit) {
        return spark.sql(topProductsSql(table, scope, period, by, limit)).collectAsList().stream()
                .map(r -> new Product(r.getString(0), r.getString(1), r.getLong(2), money(r.getDecimal(3))))
                .toList();
    }

    public List<Customer> topCustomers(String scope, String period, int limit) {
        return spark.sql(topCustomersSql(table, scope, period, limit)).collectAsList().stream()
                .map(r -> new Customer(r.getString(0), money(r.getDecimal(1)), r.getLong(2)))
                .toList();
    }

    public List<Invoice> topInvoices(String scope, String period, int limit) {
        return spark.sql(topInvoicesSql(table, scope, period, limit)).collectAsList().stream()
                .map(r -> new Invoice(r.getString(0), r.getString(1), money(r.getDecimal(2))))
                .toList();
    }

    private static BigDecimal money(BigDecimal exact) {
        return exact.setScale(2, RoundingMode.HALF_UP);
    }

    /** The scope's condition and the period's time range (YYYY, YYYY-MM or YYYY-MM-DD; null: all time). */
    static String where(String scope, String period) {
        String condition =
                switch (scope) {
                    case "all" -> "TRUE";
                    case "sales" -> SALES_SCOPE;
                    default -> throw new IllegalArgumentException("scope must be all or sales, not " + scope);
                };
        if (period == null || period.isEmpty()) {
            return condition;
        }
        LocalDate from;
        LocalDate to;
        if (period.length() == 4) {
            from = Year.parse(period).atDay(1);
            to = from.plusYears(1);
        } else if (period.length() == 7) {
            from = YearMonth.parse(period).atDay(1);
            to = from.plusMonths(1);
        } else {
            from = LocalDate.parse(period);
            to = from.plusDays(1);
        }
        return condition + " AND invoice_date >= TIMESTAMP_NTZ '" + from
                + " 00:00:00' AND invoice_date < TIMESTAMP_NTZ '" + to + " 00:00:00'";
    }
}
