package com.ecommerce.pipeline.dynamostore;

import com.ecommerce.pipeline.schema.kinesis.InvoicePieces;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * DynamoDB's hard limits, checked before writing: an event that breaks one can never be written, so
 * it is poison (dead-lettered with the reason) rather than a failure retried forever.
 */
final class WriteLimits {

    static final int MAX_ITEM_BYTES = 400 * 1024;
    static final int MAX_PARTITION_KEY_BYTES = 2048;
    static final int MAX_SORT_KEY_BYTES = 1024;

    /**
     * Line totals are summed into invoice totals, which must still fit a DynamoDB number (38
     * significant digits): bounding each line's magnitude and decimals keeps any realistic sum exact.
     * The ingest validator's limits (|price| ≤ 1e7 with 4 decimals, |quantity| ≤ 1e7) are far inside.
     */
    static final BigDecimal MAX_ABS_LINE_TOTAL = new BigDecimal("1E+20");

    static final int MAX_DECIMALS = 10;

    private WriteLimits() {}

    /** Why the event can never be written, or empty when it can. */
    static Optional<String> violation(TransactionEvent event) {
        return violation(event, InvoiceItems.lines(List.of(event)).utf8Bytes()[0]);
    }

    /** The same, with the UTF-8 bytes of the event's line already measured ({@link InvoiceItems#lines}). */
    static Optional<String> violation(TransactionEvent event, int lineUtf8Bytes) {
        Transaction t = event.transaction();
        if (event.eventId().isEmpty()) {
            return Optional.of("eventId is empty (it names the invoice's piece item)");
        }
        if (t.invoiceNo().isEmpty()) {
            return Optional.of("InvoiceNo is empty (the invoices table's partition key)");
        }
        if (utf8(t.invoiceNo()) > MAX_PARTITION_KEY_BYTES) {
            return Optional.of("InvoiceNo is longer than DynamoDB's " + MAX_PARTITION_KEY_BYTES + "-byte key limit");
        }
        if (utf8(t.invoiceNo()) + 1 + utf8(event.eventId()) > MAX_SORT_KEY_BYTES) { // CustomerItems.invoiceKey
            return Optional.of(
                    "InvoiceNo#eventId is longer than DynamoDB's " + MAX_SORT_KEY_BYTES + "-byte sort key limit");
        }
        if (t.customerId() != null && utf8(t.customerId()) > MAX_PARTITION_KEY_BYTES) {
            return Optional.of("CustomerID is longer than DynamoDB's " + MAX_PARTITION_KEY_BYTES + "-byte key limit");
        }
        for (BigDecimal number : new BigDecimal[] {t.unitPrice(), InvoiceItems.lineTotal(t)}) {
            // Stripping zeros only lowers the scale: needed only when the scale is over the limit.
            if (number.abs().compareTo(MAX_ABS_LINE_TOTAL) >= 0
                    || (number.scale() > MAX_DECIMALS
                            && number.stripTrailingZeros().scale() > MAX_DECIMALS)) {
                return Optional.of("UnitPrice " + t.unitPrice().toPlainString() + " × Quantity " + t.quantity()
                        + " cannot be totalled exactly in a DynamoDB number (|value| < 1E+20, at most "
                        + MAX_DECIMALS + " decimals)");
            }
        }
        // A piece holds at most InvoicePieces.MAX_ROWS lines: each may take its share of an item.
        int lineBytes = lineUtf8Bytes + 1; // with its separating comma
        int share = (MAX_ITEM_BYTES - 4096) / InvoicePieces.MAX_ROWS;
        if (lineBytes > share) {
            return Optional.of("the invoice line would take " + lineBytes + " bytes in DynamoDB, over the "
                    + share + " bytes a line may take so that a piece of "
                    + InvoicePieces.MAX_ROWS + " lines fits the " + MAX_ITEM_BYTES
                    + "-byte item limit");
        }
        return Optional.empty();
    }

    /**
     * An item's size as DynamoDB counts it: names plus values, strings in UTF-8, numbers about one
     * byte per two digits plus one (over-estimated here from the plain string), lists and maps 3 bytes
     * plus their elements (and a byte per element).
     */
    static int size(Map<String, AttributeValue> item) {
        int bytes = 0;
        for (Map.Entry<String, AttributeValue> attribute : item.entrySet()) {
            bytes += utf8(attribute.getKey()) + size(attribute.getValue());
        }
        return bytes;
    }

    private static int size(AttributeValue value) {
        if (value.s() != null) {
            return utf8(value.s());
        }
        if (value.n() != null) {
            return (value.n().length() + 1) / 2 + 1;
        }
        if (value.hasM()) {
            return 3 + value.m().size() + size(value.m());
        }
        if (value.hasL()) {
            List<AttributeValue> list = value.l();
            int bytes = 3 + list.size();
            for (AttributeValue element : list) {
                bytes += size(element);
            }
            return bytes;
        }
        return 1; // BOOL or NULL
    }

    private static int utf8(String s) {
        return InvoiceItems.utf8Length(s, 0, s.length());
    }
}
