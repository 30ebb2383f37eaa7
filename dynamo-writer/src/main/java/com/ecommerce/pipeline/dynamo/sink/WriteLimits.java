package com.ecommerce.pipeline.dynamo.sink;

import com.ecommerce.pipeline.schema.Transaction;
import com.ecommerce.pipeline.schema.TransactionEvent;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
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

    /** Room in the customers item for its attribute names and numbers, beyond the strings of one line. */
    private static final int SUMMARY_NUMBERS_BYTES = 256;

    private WriteLimits() {}

    /** Why the event can never be written, or empty when it can. */
    static Optional<String> violation(TransactionEvent event, Map<String, AttributeValue> lineItem) {
        Transaction t = event.transaction();
        if (event.eventId().isEmpty()) {
            return Optional.of("eventId is empty (the invoices table's sort key)");
        }
        if (t.invoiceNo().isEmpty()) {
            return Optional.of("InvoiceNo is empty (the invoices table's partition key)");
        }
        if (utf8(t.invoiceNo()) > MAX_PARTITION_KEY_BYTES) {
            return Optional.of("InvoiceNo is longer than DynamoDB's " + MAX_PARTITION_KEY_BYTES + "-byte key limit");
        }
        if (utf8(event.eventId()) > MAX_SORT_KEY_BYTES) {
            return Optional.of("eventId is longer than DynamoDB's " + MAX_SORT_KEY_BYTES + "-byte sort key limit");
        }
        for (BigDecimal number : new BigDecimal[] {t.unitPrice(), InvoiceLines.lineTotal(t)}) {
            BigDecimal stripped = number.stripTrailingZeros();
            if (stripped.abs().compareTo(MAX_ABS_LINE_TOTAL) >= 0 || stripped.scale() > MAX_DECIMALS) {
                return Optional.of("UnitPrice " + t.unitPrice().toPlainString() + " × Quantity " + t.quantity()
                        + " cannot be totalled exactly in a DynamoDB number (|value| < 1E+20, at most "
                        + MAX_DECIMALS + " decimals)");
            }
        }
        int lineBytes = size(lineItem);
        if (lineBytes > MAX_ITEM_BYTES) {
            return Optional.of("the invoice line item would be " + lineBytes + " bytes, over DynamoDB's "
                    + MAX_ITEM_BYTES + "-byte item limit");
        }
        if (t.customerId() != null) {
            String invoiceKey = CustomerInvoices.invoiceKey(InvoiceLines.isoDate(t.invoiceDate()), t.invoiceNo());
            if (utf8(t.customerId()) > MAX_PARTITION_KEY_BYTES) {
                return Optional.of(
                        "CustomerID is longer than DynamoDB's " + MAX_PARTITION_KEY_BYTES + "-byte key limit");
            }
            if (utf8(invoiceKey) > MAX_SORT_KEY_BYTES) {
                return Optional.of("InvoiceDate#InvoiceNo is longer than DynamoDB's " + MAX_SORT_KEY_BYTES
                        + "-byte sort key limit");
            }
            // The summary holds the same strings as one line (customer, invoice number twice, date twice,
            // country) plus a few numbers.
            int summaryBytes = utf8(t.customerId())
                    + 2 * utf8(t.invoiceNo())
                    + 2 * utf8(InvoiceLines.isoDate(t.invoiceDate()))
                    + utf8(t.country())
                    + SUMMARY_NUMBERS_BYTES;
            if (summaryBytes > MAX_ITEM_BYTES) {
                return Optional.of("the customer's invoice summary would be over DynamoDB's " + MAX_ITEM_BYTES
                        + "-byte item limit");
            }
        }
        return Optional.empty();
    }

    /**
     * An item's size as DynamoDB counts it: names plus values, strings in UTF-8, numbers about one
     * byte per two digits plus one (over-estimated here from the plain string).
     */
    static int size(Map<String, AttributeValue> item) {
        int bytes = 0;
        for (Map.Entry<String, AttributeValue> attribute : item.entrySet()) {
            bytes += utf8(attribute.getKey());
            AttributeValue value = attribute.getValue();
            if (value.s() != null) {
                bytes += utf8(value.s());
            } else if (value.n() != null) {
                bytes += (value.n().length() + 1) / 2 + 1;
            } else {
                bytes += 1; // BOOL or NULL
            }
        }
        return bytes;
    }

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
