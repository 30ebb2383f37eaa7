package com.ecommerce.pipeline.dynamostore;

import static com.ecommerce.pipeline.dynamostore.InvoiceItems.n;
import static com.ecommerce.pipeline.dynamostore.InvoiceItems.number;
import static com.ecommerce.pipeline.dynamostore.InvoiceItems.s;
import static com.ecommerce.pipeline.dynamostore.InvoiceItems.text;

import com.ecommerce.pipeline.schema.kinesis.InvoicePieces;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The {@code customers} table: one summary item per customer and {@link InvoicePieces piece} (in
 * practice one per customer and invoice), computed from that piece's lines alone, so it is put
 * together with the piece and never needs a read. Key {@code customerId} (S, partition) + {@code
 * invoiceKey} (S, sort) = {@code <invoiceNo>#<pieceId>}: a customer's whole history, totals included,
 * is one Query; the few invoices kept in several pieces are summed when read.
 */
public final class CustomerItems {

    public static final String CUSTOMER_ID = "customerId";
    public static final String INVOICE_KEY = "invoiceKey";
    public static final String INVOICE_NO = "invoiceNo";
    /** The earliest line's date. */
    public static final String INVOICE_DATE = "invoiceDate";

    public static final String COUNTRY = "country";
    public static final String LINE_COUNT = "lineCount";
    public static final String TOTAL_QUANTITY = "totalQuantity";
    /** Exact sum of the lines' totals (not rounded). */
    public static final String TOTAL_VALUE = "totalValue";

    public static final String CANCELLED = "cancelled";

    private CustomerItems() {}

    public static String invoiceKey(String invoiceNo, String pieceId) {
        return invoiceNo + "#" + pieceId;
    }

    /** One item per customer among these events of the piece (rows without a customer have none). */
    static List<Map<String, AttributeValue>> items(InvoicePieces.Piece piece, List<TransactionEvent> events) {
        Map<String, InvoiceSummary> byCustomer = new LinkedHashMap<>();
        for (TransactionEvent event : events) {
            String customerId = event.transaction().customerId();
            if (customerId == null) {
                continue;
            }
            InvoiceSummary line = new InvoiceSummary(
                    piece.invoiceNo(),
                    InvoiceItems.isoDate(event.transaction().invoiceDate()),
                    event.transaction().country(),
                    1,
                    event.transaction().quantity(),
                    InvoiceItems.lineTotal(event.transaction()),
                    event.transaction().cancelled());
            byCustomer.merge(customerId, line, InvoiceSummary::plus);
        }
        List<Map<String, AttributeValue>> items = new ArrayList<>(byCustomer.size());
        byCustomer.forEach((customerId, summary) -> items.add(item(customerId, piece.id(), summary)));
        return items;
    }

    /** The customer's part of an invoice read whole (an invoice a change touched), or empty when they have none. */
    static java.util.Optional<InvoiceSummary> summaryOf(StoredInvoice invoice, String customerId) {
        InvoiceSummary sum = null;
        for (StoredLine line : invoice.lines()) {
            if (customerId.equals(line.customerId())) {
                InvoiceSummary one = new InvoiceSummary(
                        invoice.invoiceNo(),
                        line.invoiceDate(),
                        line.country(),
                        1,
                        line.quantity(),
                        line.lineTotal(),
                        invoice.invoiceNo().startsWith("C"));
                sum = sum == null ? one : sum.plus(one);
            }
        }
        return java.util.Optional.ofNullable(sum);
    }

    static Map<String, AttributeValue> item(String customerId, String pieceId, InvoiceSummary summary) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put(CUSTOMER_ID, s(customerId));
        item.put(INVOICE_KEY, s(invoiceKey(summary.invoiceNo(), pieceId)));
        item.put(INVOICE_NO, s(summary.invoiceNo()));
        item.put(INVOICE_DATE, s(summary.invoiceDate()));
        item.put(COUNTRY, s(summary.country()));
        item.put(LINE_COUNT, n(Integer.toString(summary.lineCount())));
        item.put(TOTAL_QUANTITY, n(Long.toString(summary.totalQuantity())));
        item.put(TOTAL_VALUE, n(summary.totalValue().toPlainString()));
        item.put(CANCELLED, AttributeValue.fromBool(summary.cancelled()));
        return item;
    }

    static InvoiceSummary summary(Map<String, AttributeValue> item) {
        AttributeValue cancelled = item.get(CANCELLED);
        return new InvoiceSummary(
                text(item, INVOICE_NO),
                text(item, INVOICE_DATE),
                text(item, COUNTRY),
                number(item, LINE_COUNT).intValueExact(),
                number(item, TOTAL_QUANTITY).longValueExact(),
                number(item, TOTAL_VALUE),
                cancelled != null && Boolean.TRUE.equals(cancelled.bool()));
    }
}
