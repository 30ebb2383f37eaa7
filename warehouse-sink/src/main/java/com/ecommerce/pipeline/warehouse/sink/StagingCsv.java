package com.ecommerce.pipeline.warehouse.sink;

import com.ecommerce.pipeline.schema.model.IngestMetadata;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.SignStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * One event as a line of PostgreSQL {@code COPY ... (FORMAT csv)} input, for {@code firehose_transactions}
 * itself and for the staging table of the merge path (same columns).
 *
 * <p>Every text value is quoted, with {@code "} doubled, so commas, quotes, line breaks, backslashes
 * and {@code £} travel as they are and an empty string stays an empty string; an unquoted empty field
 * is SQL NULL, used only for a missing CustomerID. The line is UTF-8, the connection's encoding.
 */
final class StagingCsv {

    /** The columns of {@link #line}, in order. */
    static final String COLUMNS = "event_id, invoice_no, stock_code, description, quantity, invoice_date,"
            + " unit_price, customer_id, country, ingest_idempotency_key, ingest_row, ingest_received_at,"
            + " ingest_source, version, deleted";

    /** ISO local date-time, but with a plain year (ISO puts a '+' before years beyond 9999). */
    private static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder()
            .appendValue(ChronoField.YEAR, 4, 10, SignStyle.NORMAL)
            .appendLiteral('-')
            .appendValue(ChronoField.MONTH_OF_YEAR, 2)
            .appendLiteral('-')
            .appendValue(ChronoField.DAY_OF_MONTH, 2)
            .appendLiteral('T')
            .append(DateTimeFormatter.ISO_LOCAL_TIME)
            .toFormatter(Locale.ROOT);

    private StagingCsv() {}

    /**
     * Why PostgreSQL cannot store this event exactly, or null if it can: text columns cannot hold the
     * NUL character, a lone UTF-16 surrogate has no UTF-8 encoding (it would silently become "?"), and
     * timestamps keep microseconds (a finer InvoiceDate would be rounded). Values PostgreSQL itself
     * refuses (out of range) are found by the database.
     */
    static String unstorable(TransactionEvent event) {
        Transaction t = event.transaction();
        IngestMetadata m = event.ingest();
        if (t.invoiceDate().getNano() % 1_000 != 0) {
            return "InvoiceDate " + t.invoiceDate() + " is finer than the microseconds PostgreSQL keeps";
        }
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

    /** The CSV line (with its newline) of an event that passed {@link #unstorable}. */
    static byte[] line(TransactionEvent event) {
        Transaction t = event.transaction();
        IngestMetadata m = event.ingest();
        StringBuilder b = new StringBuilder(256);
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
        // ISO-8601 instant with Z; pipeline metadata, not data: kept to the microsecond like any timestamptz.
        b.append(m.receivedAt().truncatedTo(ChronoUnit.MICROS)).append(',');
        quoted(b, m.source()).append(',');
        // The row's version and whether it is deleted (docs/corrections.md): 0 and false for a new row.
        b.append(event.version())
                .append(',')
                .append(event.change().isDelete() ? 't' : 'f')
                .append('\n');
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
