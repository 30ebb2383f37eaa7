package com.ecommerce.pipeline.dynamo.sink;

import com.ecommerce.pipeline.schema.Transaction;
import com.ecommerce.pipeline.schema.TransactionEvent;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The {@code invoices} table: one item per invoice line, i.e. per event. Key {@code invoiceNo} (S,
 * partition) + {@code eventId} (S, sort), so one Query returns an invoice's lines and writing the
 * same event again replaces the item with an identical one.
 */
public final class InvoiceLines {

    public static final String INVOICE_NO = "invoiceNo";
    public static final String EVENT_ID = "eventId";
    public static final String STOCK_CODE = "stockCode";
    public static final String DESCRIPTION = "description";
    public static final String QUANTITY = "quantity";
    public static final String UNIT_PRICE = "unitPrice";
    public static final String LINE_TOTAL = "lineTotal";
    public static final String INVOICE_DATE = "invoiceDate";
    /** Absent when the row has no CustomerID. */
    public static final String CUSTOMER_ID = "customerId";

    public static final String COUNTRY = "country";
    public static final String CANCELLED = "cancelled";
    /** The ingest request's idempotency key and the row's position in it: posting order. */
    public static final String INGEST_KEY = "ingestKey";

    public static final String INGEST_ROW = "ingestRow";

    private InvoiceLines() {}

    /** quantity × unitPrice, exact (the unit price's scale is kept). */
    static BigDecimal lineTotal(Transaction t) {
        return t.unitPrice().multiply(BigDecimal.valueOf(t.quantity()));
    }

    /** ISO-8601 local date-time with seconds ("2010-12-01T08:26:00"): sorts as text in time order. */
    static String isoDate(LocalDateTime date) {
        return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(date);
    }

    /** The item for one event. Money as DynamoDB N from the exact decimal's plain string. */
    static Map<String, AttributeValue> item(TransactionEvent event) {
        Transaction t = event.transaction();
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(INVOICE_NO, s(t.invoiceNo()));
        item.put(EVENT_ID, s(event.eventId()));
        item.put(STOCK_CODE, s(t.stockCode()));
        item.put(DESCRIPTION, s(t.description()));
        item.put(QUANTITY, n(Integer.toString(t.quantity())));
        item.put(UNIT_PRICE, n(t.unitPrice().toPlainString()));
        item.put(LINE_TOTAL, n(lineTotal(t).toPlainString()));
        item.put(INVOICE_DATE, s(isoDate(t.invoiceDate())));
        if (t.customerId() != null) {
            item.put(CUSTOMER_ID, s(t.customerId()));
        }
        item.put(COUNTRY, s(t.country()));
        item.put(CANCELLED, AttributeValue.fromBool(t.cancelled()));
        // Not receivedAt: a re-post with the same Idempotency-Key must leave the item identical.
        item.put(INGEST_KEY, s(event.ingest().idempotencyKey()));
        item.put(INGEST_ROW, n(Integer.toString(event.ingest().row())));
        return item;
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(String value) {
        return AttributeValue.fromN(value);
    }
}
