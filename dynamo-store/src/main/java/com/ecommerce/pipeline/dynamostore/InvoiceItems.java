package com.ecommerce.pipeline.dynamostore;

import com.ecommerce.pipeline.schema.input.IsoTimes;
import com.ecommerce.pipeline.schema.input.TransactionJson;
import com.ecommerce.pipeline.schema.kinesis.InvoicePieces;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.json.JsonWriteFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code invoices} table: one item per {@link InvoicePieces piece} (an invoice's rows of one
 * request, at most 128), so an invoice is one item, or a few for the largest. Key {@code invoiceNo}
 * (S, partition) + {@code pieceId} (S, sort: the piece's first event id), so one Query reads an
 * invoice whole, and a redelivered piece is put again under the same key with the same content.
 *
 * <p>The lines are one string attribute {@code lines}: a JSON array with one array a line, its values by position:
 * event id, row in its request, stock code, description, quantity, unit price as an exact decimal number, invoice
 * date ISO-8601, customer id (null when none), country. The line total is not stored: it is quantity × unit price,
 * exactly, computed again when read. Nobody queries a line's attributes inside DynamoDB, and one string costs the
 * store and the SDK far less to write and read than a list of maps (every nested value is its own typed node there);
 * values without names cost them (and the request's SigV4 payload hash, and the emulator's LevelDB) half the bytes of
 * objects with names. Lines written as objects with one-letter names ({@code e} event id, {@code r} row, {@code s}
 * stock code, {@code d} description, {@code q} quantity, {@code p} unit price and {@code t} line total as exact
 * decimal strings, {@code a} invoice date, {@code c} customer id, {@code o} country), as the store wrote them before,
 * read the same. The request's key is the item's {@code ingestKey}.
 */
public final class InvoiceItems {

    public static final String INVOICE_NO = "invoiceNo";
    public static final String PIECE_ID = "pieceId";
    public static final String INGEST_KEY = "ingestKey";
    public static final String LINES = "lines";

    static final String EVENT_ID = "e";
    static final String ROW = "r";
    static final String STOCK_CODE = "s";
    static final String DESCRIPTION = "d";
    static final String QUANTITY = "q";
    static final String UNIT_PRICE = "p";
    static final String LINE_TOTAL = "t";
    static final String INVOICE_DATE = "a";
    static final String CUSTOMER_ID = "c";
    static final String COUNTRY = "o";

    private static final JsonMapper JSON = TransactionJson.mapper();
    /** The lines' writer: UTF-8, with a surrogate pair as one 4-byte character (not two escapes). */
    private static final JsonFactory UTF8 = JsonFactory.builder()
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .build();

    /**
     * Reads the lines this class wrote, so without the check for a name twice in an object (ingest's parser keeps it
     * for requests): it took about a third of an item's decode.
     */
    private static final JsonMapper STORED =
            JSON.rebuild().disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private InvoiceItems() {}

    /** quantity × unitPrice, exact (the unit price's scale is kept). */
    public static BigDecimal lineTotal(Transaction t) {
        return t.unitPrice().multiply(BigDecimal.valueOf(t.quantity()));
    }

    /** ISO-8601 local date-time with seconds ("2010-12-01T08:26:00"): sorts as text in time order. */
    public static String isoDate(LocalDateTime date) {
        return IsoTimes.format(date); // twice a line here: without DateTimeFormatter's generic printing
    }

    /** The item of a piece, with these of its events (the ones that can be written). */
    static Map<String, AttributeValue> item(InvoicePieces.Piece piece, List<TransactionEvent> events) {
        return itemOfLines(piece, lines(events).json());
    }

    /** The item of a piece from its lines already serialised as the JSON array ({@link #lines(List)}). */
    static Map<String, AttributeValue> itemOfLines(InvoicePieces.Piece piece, String linesJson) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(INVOICE_NO, s(piece.invoiceNo()));
        item.put(PIECE_ID, s(piece.id()));
        item.put(INGEST_KEY, s(piece.idempotencyKey()));
        item.put(LINES, s(linesJson));
        return item;
    }

    /**
     * Lines as the item's JSON array, and the UTF-8 bytes each line takes in it.
     *
     * @param json {@code [line,line,...]}, each line as {@link #lineJson} writes it
     * @param utf8Bytes of each line, in order, without its separating comma
     */
    record Lines(String json, int[] utf8Bytes) {}

    /**
     * The events' lines as one JSON array, written with one generator (a generator a line cost the writer more than
     * the lines themselves) straight into UTF-8, so each line's size for the item limit is where its bytes end (not
     * counted again char by char, nor through a synchronised {@code StringWriter}). Surrogate pairs are written as
     * the 4-byte characters they are, so the text is the same a character writer gives.
     */
    static Lines lines(List<TransactionEvent> events) {
        Utf8Buffer out = new Utf8Buffer(events.size() * 256 + 2);
        int[] bytes = new int[events.size()];
        try (JsonGenerator g = UTF8.createGenerator(ObjectWriteContext.empty(), out)) {
            g.writeStartArray();
            int start = 1; // after '['
            for (int i = 0; i < bytes.length; i++) {
                writeLine(g, events.get(i));
                g.flush();
                bytes[i] = out.size() - start;
                start = out.size() + 1; // after the separating ','
            }
            g.writeEndArray();
        }
        return new Lines(out.text(), bytes);
    }

    /** UTF-8 bytes of {@code s}'s chars {@code from..to} (a surrogate pair is 4 bytes, each half 2). */
    static int utf8Length(String s, int from, int to) {
        int bytes = to - from;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                bytes += c < 0x800 || Character.isSurrogate(c) ? 1 : 2;
            }
        }
        return bytes;
    }

    /**
     * One line as its compact JSON array (values by position). Not receivedAt: posting the same request
     * again must leave the item identical.
     */
    static String lineJson(TransactionEvent event) {
        Utf8Buffer out = new Utf8Buffer(256);
        try (JsonGenerator g = UTF8.createGenerator(ObjectWriteContext.empty(), out)) {
            writeLine(g, event);
        }
        return out.text();
    }

    /** A byte array output stream without {@link java.io.ByteArrayOutputStream}'s locking; one thread writes it. */
    private static final class Utf8Buffer extends OutputStream {
        private byte[] buf;
        private int count;

        Utf8Buffer(int capacity) {
            buf = new byte[capacity];
        }

        @Override
        public void write(int b) {
            if (count == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
            buf[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (count + len > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + len));
            }
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }

        int size() {
            return count;
        }

        String text() {
            return new String(buf, 0, count, StandardCharsets.UTF_8);
        }
    }

    private static void writeLine(JsonGenerator g, TransactionEvent event) {
        Transaction t = event.transaction();
        g.writeStartArray();
        g.writeString(event.eventId());
        g.writeNumber(event.ingest().row());
        g.writeString(t.stockCode());
        g.writeString(t.description());
        g.writeNumber(t.quantity());
        g.writeNumber(t.unitPrice().toPlainString());
        g.writeString(isoDate(t.invoiceDate()));
        g.writeString(t.customerId()); // null when none
        g.writeString(t.country());
        g.writeEndArray();
    }

    /**
     * The lines of a stored item, read with the streaming parser: an invoice read decodes every line of every piece,
     * and a tree of nodes a line first cost the read more than the lines themselves.
     */
    static List<StoredLine> lines(Map<String, AttributeValue> item) {
        String ingestKey = text(item, INGEST_KEY);
        AttributeValue lines = item.get(LINES);
        if (lines == null || lines.s() == null) {
            return List.of();
        }
        List<StoredLine> out = new ArrayList<>();
        try (JsonParser p = STORED.createParser(lines.s())) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new IllegalStateException("the lines of an invoice item are not a JSON array");
            }
            for (JsonToken t = p.nextToken(); t == JsonToken.START_ARRAY || t == JsonToken.START_OBJECT; ) {
                out.add(t == JsonToken.START_ARRAY ? values(p, ingestKey) : line(p, ingestKey));
                t = p.nextToken();
            }
        }
        return out;
    }

    /** One line written by position, the parser on its START_ARRAY; values after the ninth are skipped. */
    private static StoredLine values(JsonParser p, String ingestKey) {
        String eventId = nextString(p);
        p.nextToken();
        int row = p.getIntValue();
        String stockCode = nextString(p);
        String description = nextString(p);
        p.nextToken();
        long quantity = p.getLongValue();
        p.nextToken();
        BigDecimal unitPrice = p.getDecimalValue();
        String invoiceDate = nextString(p);
        String customerId = nextString(p);
        String country = nextString(p);
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            p.skipChildren();
        }
        return new StoredLine(
                eventId,
                ingestKey,
                row,
                stockCode,
                description,
                quantity,
                unitPrice,
                unitPrice.multiply(BigDecimal.valueOf(quantity)),
                invoiceDate,
                customerId,
                country);
    }

    private static String nextString(JsonParser p) {
        p.nextToken();
        return string(p);
    }

    /** One line written with names, the parser on its START_OBJECT; names this version does not know are skipped. */
    private static StoredLine line(JsonParser p, String ingestKey) {
        String eventId = null;
        int row = 0;
        String stockCode = null;
        String description = null;
        long quantity = 0;
        String unitPrice = null;
        String lineTotal = null;
        String invoiceDate = null;
        String customerId = null;
        String country = null;
        for (String name = p.nextName(); name != null; name = p.nextName()) {
            p.nextToken();
            switch (name) {
                case EVENT_ID -> eventId = string(p);
                case ROW -> row = p.getIntValue();
                case STOCK_CODE -> stockCode = string(p);
                case DESCRIPTION -> description = string(p);
                case QUANTITY -> quantity = p.getLongValue();
                case UNIT_PRICE -> unitPrice = string(p);
                case LINE_TOTAL -> lineTotal = string(p);
                case INVOICE_DATE -> invoiceDate = string(p);
                case CUSTOMER_ID -> customerId = string(p);
                case COUNTRY -> country = string(p);
                default -> p.skipChildren();
            }
        }
        return new StoredLine(
                eventId,
                ingestKey,
                row,
                stockCode,
                description,
                quantity,
                new BigDecimal(unitPrice),
                new BigDecimal(lineTotal),
                invoiceDate,
                customerId,
                country);
    }

    private static String string(JsonParser p) {
        return p.currentToken() == JsonToken.VALUE_NULL ? null : p.getString();
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(String value) {
        return AttributeValue.fromN(value);
    }

    static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || value.s() == null ? "" : value.s();
    }

    static BigDecimal number(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || value.n() == null ? BigDecimal.ZERO : new BigDecimal(value.n());
    }
}
