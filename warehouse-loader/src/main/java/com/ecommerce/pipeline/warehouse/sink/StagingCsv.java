package com.ecommerce.pipeline.warehouse.sink;

import com.ecommerce.pipeline.schema.IngestMetadata;
import com.ecommerce.pipeline.schema.Transaction;
import com.ecommerce.pipeline.schema.TransactionEvent;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;

/**
 * One event as a line of PostgreSQL {@code COPY ... (FORMAT csv)} input for the staging table.
 *
 * <p>Every text value is quoted, with {@code "} doubled, so commas, quotes, line breaks, backslashes
 * and {@code £} travel as they are and an empty string stays an empty string; an unquoted empty field
 * is SQL NULL, used only for a missing CustomerID. The line is UTF-8, the connection's encoding.
 */
final class StagingCsv {

    /** The staging table's columns, in the order of {@link #line}. */
    static final String COLUMNS = "seq, event_id, invoice_no, stock_code, description, quantity, invoice_date,"
            + " unit_price, customer_id, country, ingest_idempotency_key, ingest_row, ingest_received_at,"
            + " ingest_source";

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ISO_LOCAL_DATE_TIME;

    private StagingCsv() {}

    /**
     * Why PostgreSQL cannot store this event's text exactly, or null if it can: text columns cannot hold
     * the NUL character, and a lone UTF-16 surrogate has no UTF-8 encoding (it would silently become
     * "?", changing the row).
     */
    static String unstorableText(TransactionEvent event) {
        Transaction t = event.transaction();
        IngestMetadata m = event.ingest();
        String[][] fields = {
            {"eventId", event.eventId()},
            {"InvoiceNo", t.invoiceNo()},
            {"StockCode", t.stockCode()},
            {"Description", t.description()},
            {"CustomerID", t.customerId()},
            {"Country", t.country()},
            {"idempotencyKey", m.idempotencyKey()},
            {"source", m.source()}
        };
        for (String[] field : fields) {
            String problem = textProblem(field[1]);
            if (problem != null) {
                return field[0] + " " + problem + ", which PostgreSQL text cannot store";
            }
        }
        return null;
    }

    private static String textProblem(String s) {
        if (s == null) {
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\0') {
                return "contains a NUL character (at " + i + ")";
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return "contains an unpaired UTF-16 surrogate (at " + i + ")";
                }
            } else if (Character.isLowSurrogate(c)) {
                return "contains an unpaired UTF-16 surrogate (at " + i + ")";
            }
        }
        return null;
    }

    /** The CSV line (with its newline) of an event whose text passed {@link #unstorableText}. */
    static byte[] line(int seq, TransactionEvent event) {
        Transaction t = event.transaction();
        IngestMetadata m = event.ingest();
        StringBuilder b = new StringBuilder(256);
        b.append(seq).append(',');
        quoted(b, event.eventId()).append(',');
        quoted(b, t.invoiceNo()).append(',');
        quoted(b, t.stockCode()).append(',');
        quoted(b, t.description()).append(',');
        b.append(t.quantity()).append(',');
        b.append(TIMESTAMP.format(t.invoiceDate())).append(',');
        b.append(number(t.unitPrice())).append(',');
        if (t.customerId() != null) {
            quoted(b, t.customerId());
        }
        b.append(',');
        quoted(b, t.country()).append(',');
        quoted(b, m.idempotencyKey()).append(',');
        b.append(m.row()).append(',');
        b.append(m.receivedAt()).append(','); // ISO-8601 instant with Z: timestamptz input
        quoted(b, m.source()).append('\n');
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static StringBuilder quoted(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                b.append('"');
            }
            b.append(c);
        }
        return b.append('"');
    }

    /** Exact, with the scale as written: "2.55", "18", "0.001"; very large exponents as "1E+400". */
    private static String number(BigDecimal value) {
        return value.toString();
    }
}
