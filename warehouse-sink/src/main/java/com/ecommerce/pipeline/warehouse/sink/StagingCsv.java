package com.ecommerce.pipeline.warehouse.sink;

import com.ecommerce.pipeline.schema.model.IngestMetadata;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.SignStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
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
        Out out = new Out(256);
        if (!append(out, event)) {
            throw new IllegalArgumentException(unstorable(event));
        }
        return out.toByteArray();
    }

    /**
     * Appends the CSV line of an event to {@code out}: written as UTF-8 bytes straight into one buffer per batch (no
     * String per line, no re-encoding), which is most of what the loader spends a row on besides decoding it. Checks
     * what {@link #unstorable} checks on the way (one pass over the text, not two).
     *
     * @return false, with nothing appended, if {@link #unstorable} would refuse the event (ask it why)
     */
    static boolean append(Out out, TransactionEvent event) {
        Transaction t = event.transaction();
        IngestMetadata m = event.ingest();
        if (t.invoiceDate().getNano() % 1_000 != 0) {
            return false;
        }
        int start = out.size;
        out.refused = false;
        out.quoted(event.eventId()).ascii(',');
        out.quoted(t.invoiceNo()).ascii(',');
        out.quoted(t.stockCode()).ascii(',');
        out.quoted(t.description()).ascii(',');
        out.number(t.quantity()).ascii(',');
        out.dateTime(t.invoiceDate()).ascii(',');
        out.ascii(number(t.unitPrice())).ascii(',');
        if (t.customerId() != null) {
            out.quoted(t.customerId());
        }
        out.ascii(',');
        out.quoted(t.country()).ascii(',');
        out.quoted(m.idempotencyKey()).ascii(',');
        out.number(m.row()).ascii(',');
        // ISO-8601 instant with Z; pipeline metadata, not data: kept to the microsecond like any timestamptz.
        Instant received = m.receivedAt().truncatedTo(ChronoUnit.MICROS);
        out.dateTime(LocalDateTime.ofEpochSecond(received.getEpochSecond(), received.getNano(), ZoneOffset.UTC))
                .ascii('Z')
                .ascii(',');
        out.quoted(m.source()).ascii(',');
        // The row's version and whether it is deleted (docs/corrections.md): 0 and false for a new row.
        out.number(event.version())
                .ascii(',')
                .ascii(event.change().isDelete() ? 't' : 'f')
                .ascii('\n');
        if (out.refused) {
            out.size = start;
            return false;
        }
        return true;
    }

    /** A growing buffer of COPY input: the lines of a batch, back to back. */
    static final class Out {

        private byte[] bytes;
        private int size;
        /** Set by {@link #quoted} on text PostgreSQL cannot store: a NUL or an unpaired surrogate. */
        private boolean refused;

        Out(int capacity) {
            bytes = new byte[Math.max(capacity, 16)];
        }

        int size() {
            return size;
        }

        byte[] array() {
            return bytes;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(bytes, size);
        }

        private void room(int n) {
            if (size + n > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + n));
            }
        }

        Out ascii(char c) {
            room(1);
            bytes[size++] = (byte) c;
            return this;
        }

        Out ascii(String s) {
            room(s.length());
            for (int i = 0; i < s.length(); i++) {
                bytes[size++] = (byte) s.charAt(i);
            }
            return this;
        }

        Out number(long v) {
            return ascii(Long.toString(v));
        }

        /** The value in double quotes, {@code "} doubled, UTF-8 (surrogate pairs as one code point). */
        Out quoted(String s) {
            room(s.length() * 3 + 2);
            bytes[size++] = '"';
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c < 0x80) {
                    if (c == '\0') {
                        refused = true;
                    }
                    if (c == '"') {
                        room(s.length() * 3 + 2); // the doubled quote's byte, beyond the estimate
                        bytes[size++] = '"';
                    }
                    bytes[size++] = (byte) c;
                } else if (c < 0x800) {
                    bytes[size++] = (byte) (0xC0 | (c >> 6));
                    bytes[size++] = (byte) (0x80 | (c & 0x3F));
                } else if (Character.isHighSurrogate(c)
                        && i + 1 < s.length()
                        && Character.isLowSurrogate(s.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, s.charAt(++i));
                    bytes[size++] = (byte) (0xF0 | (cp >> 18));
                    bytes[size++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                    bytes[size++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                    bytes[size++] = (byte) (0x80 | (cp & 0x3F));
                } else {
                    if (Character.isSurrogate(c)) { // unpaired: no UTF-8 for it
                        refused = true;
                    }
                    bytes[size++] = (byte) (0xE0 | (c >> 12));
                    bytes[size++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                    bytes[size++] = (byte) (0x80 | (c & 0x3F));
                }
            }
            room(1);
            bytes[size++] = '"';
            return this;
        }

        /** As {@link #TIMESTAMP} writes it; years of four digits digit by digit, others through it. */
        Out dateTime(LocalDateTime t) {
            int year = t.getYear();
            if (year < 1000 || year > 9999) {
                return ascii(TIMESTAMP.format(t));
            }
            room(26);
            digits(year, 4).ascii('-');
            digits(t.getMonthValue(), 2).ascii('-');
            digits(t.getDayOfMonth(), 2).ascii('T');
            digits(t.getHour(), 2).ascii(':');
            digits(t.getMinute(), 2).ascii(':');
            digits(t.getSecond(), 2);
            int nano = t.getNano();
            if (nano != 0) { // ISO_LOCAL_TIME's fraction: as many digits as needed, at most nine
                int digits = 9;
                while (nano % 10 == 0) {
                    nano /= 10;
                    digits--;
                }
                ascii('.').digits(nano, digits);
            }
            return this;
        }

        private Out digits(int v, int width) {
            room(width);
            for (int i = size + width - 1; i >= size; i--) {
                bytes[i] = (byte) ('0' + v % 10);
                v /= 10;
            }
            size += width;
            return this;
        }
    }

    /** Exact, with the scale as written: "2.55", "18", "0.001"; very large exponents as "1E+400". */
    private static String number(BigDecimal value) {
        return value.toString();
    }
}
