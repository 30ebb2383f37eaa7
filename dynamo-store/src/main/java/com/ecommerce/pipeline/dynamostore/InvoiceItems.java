package com.ecommerce.pipeline.dynamostore;

import com.ecommerce.pipeline.schema.input.IsoTimes;
import com.ecommerce.pipeline.schema.input.TransactionJson;
import com.ecommerce.pipeline.schema.kinesis.InvoicePieces;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code invoices} table: one item per {@link InvoicePieces piece} (an invoice's rows of one
 * request, at most 128), so an invoice is one item, or a few for the largest. Key {@code invoiceNo}
 * (S, partition) + {@code pieceId} (S, sort: the piece's first event id), so one Query reads an
 * invoice whole, and a redelivered piece is put again under the same key with the same content.
 *
 * <p>The lines are one string attribute {@code lines}: a JSON array of objects with one-letter names
 * ({@code e} event id, {@code r} row in its request, {@code s} stock code, {@code d} description,
 * {@code q} quantity, {@code p} unit price and {@code t} line total as exact decimal strings, {@code a}
 * invoice date ISO-8601, {@code c} customer id (absent when none), {@code o} country). Nobody queries a
 * line's attributes inside DynamoDB, and one string costs the store and the SDK far less to write and
 * read than a list of maps (every nested value is its own typed node there). The request's key is the
 * item's {@code ingestKey}.
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
        List<String> lines = new ArrayList<>(events.size());
        for (TransactionEvent event : events) {
            lines.add(lineJson(event));
        }
        return itemOfLines(piece, lines);
    }

    /** The item of a piece from its lines already serialised ({@link #lineJson}), in order. */
    static Map<String, AttributeValue> itemOfLines(InvoicePieces.Piece piece, List<String> lines) {
        int length = 2 + lines.size();
        for (String line : lines) {
            length += line.length();
        }
        StringBuilder array = new StringBuilder(length).append('[');
        for (int i = 0; i < lines.size(); i++) {
            array.append(i == 0 ? "" : ",").append(lines.get(i));
        }
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(INVOICE_NO, s(piece.invoiceNo()));
        item.put(PIECE_ID, s(piece.id()));
        item.put(INGEST_KEY, s(piece.idempotencyKey()));
        item.put(LINES, s(array.append(']').toString()));
        return item;
    }

    /**
     * One line as a compact JSON object. Not receivedAt: posting the same request again must leave the
     * item identical. Written with a generator, once per line (the writer measures it for the item
     * limit and then joins the same text into the item).
     */
    static String lineJson(TransactionEvent event) {
        Transaction t = event.transaction();
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringProperty(EVENT_ID, event.eventId());
            g.writeNumberProperty(ROW, event.ingest().row());
            g.writeStringProperty(STOCK_CODE, t.stockCode());
            g.writeStringProperty(DESCRIPTION, t.description());
            g.writeNumberProperty(QUANTITY, t.quantity());
            g.writeStringProperty(UNIT_PRICE, t.unitPrice().toPlainString());
            g.writeStringProperty(LINE_TOTAL, lineTotal(t).toPlainString());
            g.writeStringProperty(INVOICE_DATE, isoDate(t.invoiceDate()));
            if (t.customerId() != null) {
                g.writeStringProperty(CUSTOMER_ID, t.customerId());
            }
            g.writeStringProperty(COUNTRY, t.country());
            g.writeEndObject();
        }
        return out.toString();
    }

    /** The lines of a stored item. */
    static List<StoredLine> lines(Map<String, AttributeValue> item) {
        String ingestKey = text(item, INGEST_KEY);
        AttributeValue lines = item.get(LINES);
        if (lines == null || lines.s() == null) {
            return List.of();
        }
        JsonNode array = JSON.readTree(lines.s());
        List<StoredLine> out = new ArrayList<>(array.size());
        for (JsonNode line : array) {
            JsonNode customer = line.get(CUSTOMER_ID);
            out.add(new StoredLine(
                    line.get(EVENT_ID).stringValue(),
                    ingestKey,
                    line.get(ROW).intValue(),
                    line.get(STOCK_CODE).stringValue(),
                    line.get(DESCRIPTION).stringValue(),
                    line.get(QUANTITY).longValue(),
                    new BigDecimal(line.get(UNIT_PRICE).stringValue()),
                    new BigDecimal(line.get(LINE_TOTAL).stringValue()),
                    line.get(INVOICE_DATE).stringValue(),
                    customer == null ? null : customer.stringValue(),
                    line.get(COUNTRY).stringValue()));
        }
        return out;
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
