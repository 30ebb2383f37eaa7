package com.ecommerce.pipeline.client.reconcile;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The BI team's data-quality report over {@code firehose_transactions} (its live rows, not the tombstones of deleted
 * ones): what the warehouse holds as
 * ingested (dirt included) and how much of it a sales analysis has to leave out or explain. A
 * "non-product" stock code is one that does not start with five digits (POST, DOT, M, C2, D, S, BANK
 * CHARGES, AMAZONFEE, CRUK, PADS, B, gift vouchers, ...), as the dataset's README counts them.
 */
final class DataQuality {

    static final String NON_PRODUCT = "stock_code !~ '^[0-9]{5}'";

    private static final String COUNTS = "SELECT count(*),"
            + " count(*) FILTER (WHERE invoice_no LIKE 'C%'),"
            + " count(DISTINCT invoice_no) FILTER (WHERE invoice_no LIKE 'C%'),"
            + " count(*) FILTER (WHERE invoice_no LIKE 'A%'),"
            + " count(*) FILTER (WHERE customer_id IS NULL),"
            + " count(*) FILTER (WHERE description = ''),"
            + " count(*) FILTER (WHERE " + NON_PRODUCT + "),"
            + " count(DISTINCT stock_code) FILTER (WHERE " + NON_PRODUCT + "),"
            + " count(*) FILTER (WHERE unit_price = 0),"
            + " count(*) FILTER (WHERE unit_price < 0),"
            + " count(*) FILTER (WHERE quantity < 0),"
            + " count(*) FILTER (WHERE quantity < 0 AND invoice_no NOT LIKE 'C%'),"
            + " count(*) FILTER (WHERE quantity = 0),"
            + " count(*) FILTER (WHERE invoice_no NOT LIKE 'C%' AND quantity > 0 AND unit_price > 0"
            + " AND customer_id IS NOT NULL)"
            + " FROM firehose_transactions WHERE NOT deleted";

    private static final String[] LABELS = {
        "rows",
        "cancellation rows (InvoiceNo C...)",
        "  in cancelled invoices",
        "bad-debt adjustments (InvoiceNo A...)",
        "rows without CustomerID",
        "rows without Description",
        "non-product stock codes (rows)",
        "  distinct non-product codes",
        "zero UnitPrice",
        "negative UnitPrice",
        "negative Quantity",
        "  of them not cancellations",
        "zero Quantity",
        "clean sales rows (scope=sales)"
    };

    /** Identical data in all eight columns: extra copies, distinct rows repeated, rows involved. */
    private static final String REPEATS = "SELECT coalesce(sum(n - 1), 0), count(*), coalesce(sum(n), 0) FROM ("
            + " SELECT count(*) AS n FROM firehose_transactions WHERE NOT deleted GROUP BY invoice_no, stock_code,"
            + " description,"
            + " quantity, invoice_date, unit_price, customer_id, country HAVING count(*) > 1) AS d";

    private static final String CODES = "SELECT stock_code, count(*) FROM firehose_transactions WHERE NOT deleted AND ("
            + NON_PRODUCT + ")" + " GROUP BY stock_code ORDER BY count(*) DESC, stock_code LIMIT 12";

    /** The report's figures, by label (tests read them). */
    static Map<String, Long> measure(DataSource dataSource, Map<String, Long> codes) throws SQLException {
        Map<String, Long> figures = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery(COUNTS)) {
                rs.next();
                for (int i = 0; i < LABELS.length; i++) {
                    figures.put(LABELS[i], rs.getLong(i + 1));
                }
            }
            try (ResultSet rs = st.executeQuery(REPEATS)) {
                rs.next();
                figures.put("repeated identical rows (extra copies)", rs.getLong(1));
                figures.put("  distinct rows repeated", rs.getLong(2));
                figures.put("  rows involved", rs.getLong(3));
            }
            try (ResultSet rs = st.executeQuery(CODES)) {
                while (rs.next()) {
                    codes.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return figures;
    }

    static void print(PrintWriter out, Map<String, Long> figures, Map<String, Long> codes) {
        out.println();
        out.println("data quality (warehouse firehose_transactions, as ingested):");
        long rows = figures.getOrDefault("rows", 0L);
        figures.forEach((label, n) -> out.printf(
                Locale.ROOT,
                "  %-40s %,10d%s%n",
                label,
                n,
                rows > 0 && !label.equals("rows") && !label.startsWith("  distinct") && !label.startsWith("  in ")
                        ? String.format(Locale.ROOT, "  %5.2f %%", 100.0 * n / rows)
                        : ""));
        if (!codes.isEmpty()) {
            StringBuilder top = new StringBuilder();
            codes.forEach((code, n) -> top.append(top.isEmpty() ? "" : ", ")
                    .append(code)
                    .append(' ')
                    .append(String.format(Locale.ROOT, "%,d", n)));
            out.println("  most frequent non-product codes: " + top);
        }
    }

    private DataQuality() {}
}
