package com.ecommerce.pipeline.e2e;

import com.ecommerce.pipeline.dynamostore.InvoiceReader;
import com.ecommerce.pipeline.dynamostore.StoreTables;
import com.ecommerce.pipeline.dynamostore.StoredLine;
import com.ecommerce.pipeline.schema.kinesis.EventJson;
import com.ecommerce.pipeline.schema.kinesis.MalformedRecordException;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The final state of rows a test posted and then corrected, moved or deleted (docs/corrections.md), computed by
 * the test from what it sent — never read from the pipeline — and the same facts read back from each store. Every
 * view is a sorted map of text, so a difference prints as a diff of two maps.
 */
final class FinalState {

    /** One row as the test left it: its image, version (0 as posted, +1 per change) and whether it is deleted. */
    record Expected(String eventId, Transaction image, long version, boolean deleted) {}

    private final Map<String, Expected> rows = new LinkedHashMap<>();
    /** Every invoice and customer a row has ever been in: where a resurrection would show. */
    private final Set<String> invoices = new TreeSet<>();

    private final Set<String> customers = new TreeSet<>();

    void posted(String eventId, Transaction t) {
        if (!rows.containsKey(eventId)) {
            rows.put(eventId, new Expected(eventId, t, 0, false));
            touch(t);
        }
    }

    /** A correction accepted at {@code version} (the service's answer, checked to be the next one). */
    void corrected(String eventId, Transaction image, long version) {
        Expected e = rows.get(eventId);
        if (version != e.version() + 1) {
            throw new AssertionError("row " + eventId + " corrected to version " + version + " after " + e.version());
        }
        rows.put(eventId, new Expected(eventId, image, version, false));
        touch(image);
    }

    void deleted(String eventId, long version) {
        Expected e = rows.get(eventId);
        if (version != e.version() + 1) {
            throw new AssertionError("row " + eventId + " deleted at version " + version + " after " + e.version());
        }
        rows.put(eventId, new Expected(eventId, e.image(), version, true));
    }

    Expected row(String eventId) {
        return rows.get(eventId);
    }

    Collection<Expected> rows() {
        return rows.values();
    }

    Set<String> invoices() {
        return invoices;
    }

    Set<String> customers() {
        return customers;
    }

    private void touch(Transaction t) {
        invoices.add(t.invoiceNo());
        if (t.customerId() != null) {
            customers.add(t.customerId());
        }
    }

    private static String price(BigDecimal v) {
        return v.stripTrailingZeros().toPlainString();
    }

    static String money(BigDecimal v) {
        return price(v.setScale(2, RoundingMode.HALF_UP));
    }

    private static String image(Transaction t) {
        return String.join(
                "|",
                t.invoiceNo(),
                t.stockCode(),
                Integer.toString(t.quantity()),
                price(t.unitPrice()),
                String.valueOf(t.customerId()),
                SampleRows.ISO_SECONDS.format(t.invoiceDate()));
    }

    // ---- the expected views -------------------------------------------------------------------------------

    /** The archive, a log: each row's highest version, with its image, and whether it is a deletion. */
    Map<String, String> expectedArchive() {
        Map<String, String> m = new TreeMap<>();
        rows.values()
                .forEach(e ->
                        m.put(e.eventId(), "v" + e.version() + (e.deleted() ? " deleted " : " ") + image(e.image())));
        return m;
    }

    /** DynamoDB and {@code GET /invoices/{no}}: the live rows, each on its invoice. */
    Map<String, String> expectedLines() {
        Map<String, String> m = new TreeMap<>();
        rows.values().stream()
                .filter(e -> !e.deleted())
                .forEach(e -> m.put(e.image().invoiceNo() + "|" + e.eventId(), image(e.image())));
        return m;
    }

    /** The warehouse: every row, a deleted one as a tombstone at its version with its last image. */
    Map<String, String> expectedWarehouse() {
        Map<String, String> m = new TreeMap<>();
        rows.values()
                .forEach(e ->
                        m.put(e.eventId(), "v" + e.version() + (e.deleted() ? " deleted " : " ") + image(e.image())));
        return m;
    }

    /** Live rows of an invoice, as {@code GET /invoices/{no}} shows them (money rounded to cents), and its totals. */
    Map<String, String> expectedInvoice(String invoiceNo) {
        Map<String, String> m = new TreeMap<>();
        long quantity = 0;
        BigDecimal total = BigDecimal.ZERO;
        for (Expected e : rows.values()) {
            Transaction t = e.image();
            if (e.deleted() || !t.invoiceNo().equals(invoiceNo)) {
                continue;
            }
            BigDecimal line = t.unitPrice().multiply(BigDecimal.valueOf(t.quantity()));
            m.put(e.eventId(), t.stockCode() + "|" + t.quantity() + "|" + money(t.unitPrice()) + "|" + money(line));
            quantity += t.quantity();
            total = total.add(line);
        }
        if (!m.isEmpty()) {
            m.put("totals", m.size() + " lines|" + quantity + "|" + money(total));
        }
        return m;
    }

    /** A customer's history: per invoice with live rows of theirs, line count and total; then count and spend. */
    Map<String, String> expectedHistory(String customerId) {
        Map<String, long[]> counts = new TreeMap<>();
        Map<String, BigDecimal> totals = new TreeMap<>();
        for (Expected e : rows.values()) {
            Transaction t = e.image();
            if (e.deleted() || !customerId.equals(t.customerId())) {
                continue;
            }
            counts.computeIfAbsent(t.invoiceNo(), k -> new long[1])[0]++;
            totals.merge(t.invoiceNo(), t.unitPrice().multiply(BigDecimal.valueOf(t.quantity())), BigDecimal::add);
        }
        Map<String, String> m = new TreeMap<>();
        BigDecimal spend = BigDecimal.ZERO;
        for (Map.Entry<String, long[]> c : counts.entrySet()) {
            m.put(c.getKey(), c.getValue()[0] + " lines|" + money(totals.get(c.getKey())));
            spend = spend.add(totals.get(c.getKey()));
        }
        m.put("history", counts.size() + " invoices|" + money(spend));
        return m;
    }

    /**
     * The BI answers over these rows alone (scope {@code all}, all time): revenue per day, top customers, invoices and
     * products, each as the API orders them (value descending, then key), money rounded to cents.
     */
    Map<String, String> expectedBi() {
        Map<String, BigDecimal> dayRevenue = new TreeMap<>();
        Map<String, Long> dayRows = new TreeMap<>();
        Map<String, Set<String>> dayInvoices = new TreeMap<>();
        Map<String, BigDecimal> customerRevenue = new TreeMap<>();
        Map<String, Set<String>> customerInvoices = new TreeMap<>();
        Map<String, BigDecimal> invoiceTotal = new TreeMap<>();
        Map<String, String> invoiceCustomer = new TreeMap<>();
        Map<String, Long> productQuantity = new TreeMap<>();
        Map<String, BigDecimal> productRevenue = new TreeMap<>();
        for (Expected e : rows.values()) {
            if (e.deleted()) {
                continue;
            }
            Transaction t = e.image();
            BigDecimal value = t.unitPrice().multiply(BigDecimal.valueOf(t.quantity()));
            String day = t.invoiceDate().toLocalDate().toString();
            dayRevenue.merge(day, value, BigDecimal::add);
            dayRows.merge(day, 1L, Long::sum);
            dayInvoices.computeIfAbsent(day, k -> new TreeSet<>()).add(t.invoiceNo());
            if (t.customerId() != null) {
                customerRevenue.merge(t.customerId(), value, BigDecimal::add);
                customerInvoices
                        .computeIfAbsent(t.customerId(), k -> new TreeSet<>())
                        .add(t.invoiceNo());
            }
            invoiceTotal.merge(t.invoiceNo(), value, BigDecimal::add);
            invoiceCustomer.put(t.invoiceNo(), String.valueOf(t.customerId()));
            productQuantity.merge(t.stockCode(), (long) t.quantity(), Long::sum);
            productRevenue.merge(t.stockCode(), value, BigDecimal::add);
        }
        Map<String, String> m = new TreeMap<>();
        dayRevenue.forEach((day, v) -> m.put(
                "revenue " + day,
                money(v) + "|" + dayRows.get(day) + " rows|"
                        + dayInvoices.get(day).size()));
        m.put(
                "top-customers",
                ranked(
                        customerRevenue,
                        k -> money(customerRevenue.get(k)) + "|"
                                + customerInvoices.get(k).size()));
        m.put("top-invoices", ranked(invoiceTotal, k -> invoiceCustomer.get(k) + "|" + money(invoiceTotal.get(k))));
        Map<String, BigDecimal> byQuantity = new TreeMap<>();
        productQuantity.forEach((k, q) -> byQuantity.put(k, BigDecimal.valueOf(q)));
        m.put("top-products", ranked(byQuantity, k -> productQuantity.get(k) + "|" + money(productRevenue.get(k))));
        return m;
    }

    /** Keys by exact value descending, then key (as the warehouse's views order them); each as "key=rest". */
    private static String ranked(Map<String, BigDecimal> values, java.util.function.Function<String, String> rest) {
        return values.keySet().stream()
                .sorted(java.util.Comparator.<String, BigDecimal>comparing(values::get)
                        .reversed()
                        .thenComparing(k -> k))
                .map(k -> k + "=" + rest.apply(k))
                .reduce((a, b) -> a + ", " + b)
                .orElse("");
    }

    // ---- the stores, read back ----------------------------------------------------------------------------

    /** Each of these rows' highest version in the archive under {@code prefix}: every line of every object. */
    Map<String, String> archive(S3Client s3, String bucket, String prefix) throws IOException {
        Map<String, TransactionEvent> highest = new TreeMap<>();
        for (S3Object object :
                s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents()) {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(
                    new GZIPInputStream(s3.getObject(r -> r.bucket(bucket).key(object.key()))),
                    StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.isBlank()) {
                        continue;
                    }
                    TransactionEvent e;
                    try {
                        e = EventJson.read(line.getBytes(StandardCharsets.UTF_8));
                    } catch (MalformedRecordException bad) {
                        throw new AssertionError("an archive line does not read: " + line, bad);
                    }
                    if (rows.containsKey(e.eventId())) {
                        highest.merge(e.eventId(), e, (a, b) -> b.version() > a.version() ? b : a);
                    }
                }
            }
        }
        Map<String, String> m = new TreeMap<>();
        highest.forEach((id, e) ->
                m.put(id, "v" + e.version() + (e.change().isDelete() ? " deleted " : " ") + image(e.transaction())));
        return m;
    }

    /** Every line DynamoDB shows on every invoice these rows have been in (dynamo-store's reader). */
    Map<String, String> dynamo(DynamoDbClient dynamo, StoreTables tables) {
        InvoiceReader reader = new InvoiceReader(dynamo, tables);
        Map<String, String> m = new TreeMap<>();
        for (String invoiceNo : invoices) {
            reader.invoice(invoiceNo, true).ifPresent(invoice -> {
                for (StoredLine l : invoice.lines()) {
                    m.put(
                            invoiceNo + "|" + l.eventId(),
                            String.join(
                                    "|",
                                    invoiceNo,
                                    l.stockCode(),
                                    Long.toString(l.quantity()),
                                    price(l.unitPrice()),
                                    String.valueOf(l.customerId()),
                                    l.invoiceDate()));
                }
            });
        }
        return m;
    }

    /** These rows in {@code firehose_transactions} (of the connection's schema): version, tombstone, image. */
    Map<String, String> warehouse(Connection db) throws SQLException {
        Map<String, String> m = new TreeMap<>();
        try (Statement st = db.createStatement();
                ResultSet rs = st.executeQuery("SELECT event_id, version, deleted, invoice_no, stock_code, quantity,"
                        + " unit_price, customer_id, invoice_date FROM firehose_transactions")) {
            while (rs.next()) {
                if (!rows.containsKey(rs.getString(1))) {
                    continue;
                }
                m.put(
                        rs.getString(1),
                        "v" + rs.getLong(2) + (rs.getBoolean(3) ? " deleted " : " ")
                                + String.join(
                                        "|",
                                        rs.getString(4),
                                        rs.getString(5),
                                        Integer.toString(rs.getInt(6)),
                                        price(rs.getBigDecimal(7)),
                                        String.valueOf(rs.getString(8)),
                                        SampleRows.ISO_SECONDS.format(rs.getObject(9, java.time.LocalDateTime.class))));
            }
        }
        return m;
    }
}
