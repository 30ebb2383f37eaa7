package com.ecommerce.pipeline.dynamostore;

import com.ecommerce.pipeline.schema.InvoicePieces;
import com.ecommerce.pipeline.schema.Transaction;
import com.ecommerce.pipeline.schema.TransactionEvent;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The {@code invoices} table: one item per {@link InvoicePieces piece} (an invoice's rows of one
 * request, at most 128), so an invoice is one item, or a few for the largest. Key {@code invoiceNo}
 * (S, partition) + {@code pieceId} (S, sort: the piece's first event id), so one Query reads an
 * invoice whole, and a redelivered piece is put again under the same key with the same content.
 *
 * <p>The lines are a list attribute {@code lines} of maps with one-letter names (item size is what
 * DynamoDB charges and limits): {@code e} event id, {@code r} row in its request, {@code s} stock
 * code, {@code d} description, {@code q} quantity, {@code p} unit price, {@code t} line total
 * (exact), {@code a} invoice date (ISO-8601), {@code c} customer id (absent when none), {@code o}
 * country. The request's key is the item's {@code ingestKey}.
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

    private InvoiceItems() {}

    /** quantity × unitPrice, exact (the unit price's scale is kept). */
    public static BigDecimal lineTotal(Transaction t) {
        return t.unitPrice().multiply(BigDecimal.valueOf(t.quantity()));
    }

    /** ISO-8601 local date-time with seconds ("2010-12-01T08:26:00"): sorts as text in time order. */
    public static String isoDate(LocalDateTime date) {
        return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(date);
    }

    /** The item of a piece, with these of its events (the ones that can be written). */
    static Map<String, AttributeValue> item(InvoicePieces.Piece piece, List<TransactionEvent> events) {
        List<AttributeValue> lines = new ArrayList<>(events.size());
        for (TransactionEvent event : events) {
            lines.add(AttributeValue.fromM(line(event)));
        }
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(INVOICE_NO, s(piece.invoiceNo()));
        item.put(PIECE_ID, s(piece.id()));
        item.put(INGEST_KEY, s(piece.idempotencyKey()));
        item.put(LINES, AttributeValue.fromL(lines));
        return item;
    }

    /** One line's map. Not receivedAt: posting the same request again must leave the item identical. */
    static Map<String, AttributeValue> line(TransactionEvent event) {
        Transaction t = event.transaction();
        Map<String, AttributeValue> line = new HashMap<>();
        line.put(EVENT_ID, s(event.eventId()));
        line.put(ROW, n(Integer.toString(event.ingest().row())));
        line.put(STOCK_CODE, s(t.stockCode()));
        line.put(DESCRIPTION, s(t.description()));
        line.put(QUANTITY, n(Integer.toString(t.quantity())));
        line.put(UNIT_PRICE, n(t.unitPrice().toPlainString()));
        line.put(LINE_TOTAL, n(lineTotal(t).toPlainString()));
        line.put(INVOICE_DATE, s(isoDate(t.invoiceDate())));
        if (t.customerId() != null) {
            line.put(CUSTOMER_ID, s(t.customerId()));
        }
        line.put(COUNTRY, s(t.country()));
        return line;
    }

    /** The lines of a stored item. */
    static List<StoredLine> lines(Map<String, AttributeValue> item) {
        String ingestKey = text(item, INGEST_KEY);
        AttributeValue lines = item.get(LINES);
        if (lines == null || !lines.hasL()) {
            return List.of();
        }
        List<StoredLine> out = new ArrayList<>(lines.l().size());
        for (AttributeValue value : lines.l()) {
            Map<String, AttributeValue> line = value.m();
            AttributeValue customer = line.get(CUSTOMER_ID);
            out.add(new StoredLine(
                    text(line, EVENT_ID),
                    ingestKey,
                    number(line, ROW).intValueExact(),
                    text(line, STOCK_CODE),
                    text(line, DESCRIPTION),
                    number(line, QUANTITY).longValueExact(),
                    number(line, UNIT_PRICE),
                    number(line, LINE_TOTAL),
                    text(line, INVOICE_DATE),
                    customer == null ? null : customer.s(),
                    text(line, COUNTRY)));
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
