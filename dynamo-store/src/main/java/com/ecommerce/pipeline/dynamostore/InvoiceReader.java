package com.ecommerce.pipeline.dynamostore;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * Reads the store: an invoice is one Query of its piece items, a customer's history one Query of
 * their summary items. Never a Scan. Numbers are exact BigDecimals; rounding is the caller's.
 *
 * <p>Corrections and deletions ({@link ChangeItems}): an invoice's change items come with its pieces in
 * the same Query and win over the rows' lines in their pieces; an invoice a change touched is summed for
 * the customer from the invoice itself (one more Query, for changed invoices only).
 */
public final class InvoiceReader {

    /** Posting order: request key, then row. */
    private static final Comparator<StoredLine> POSTING_ORDER =
            Comparator.comparing(StoredLine::ingestKey).thenComparingInt(StoredLine::row);

    /** Newest first; invoices of the same minute by number, highest first. */
    private static final Comparator<InvoiceSummary> NEWEST_FIRST = Comparator.comparing(InvoiceSummary::invoiceDate)
            .thenComparing(InvoiceSummary::invoiceNo)
            .reversed();

    private final DynamoDbClient dynamo;
    private final StoreTables tables;

    public InvoiceReader(DynamoDbClient dynamo, StoreTables tables) {
        this.dynamo = dynamo;
        this.tables = tables;
    }

    /**
     * The invoice with every line once, in posting order, or empty when it has none.
     *
     * @param consistent a strongly consistent read (what a check right after a write wants)
     */
    public Optional<StoredInvoice> invoice(String invoiceNo, boolean consistent) {
        QueryRequest query = QueryRequest.builder()
                .tableName(tables.invoices())
                .keyConditionExpression("#k = :k")
                .expressionAttributeNames(Map.of("#k", InvoiceItems.INVOICE_NO))
                .expressionAttributeValues(Map.of(":k", AttributeValue.fromS(invoiceNo)))
                .consistentRead(consistent)
                .build();
        Map<String, StoredLine> byEventId = new LinkedHashMap<>();
        List<ChangeItems.Change> changes = new ArrayList<>();
        for (Map<String, AttributeValue> item : dynamo.queryPaginator(query).items()) {
            if (ChangeItems.isChange(item)) {
                changes.add(ChangeItems.read(item));
                continue;
            }
            for (StoredLine line : InvoiceItems.lines(item)) {
                byEventId.putIfAbsent(line.eventId(), line);
            }
        }
        // A row's change item in this invoice is newer than its line in a piece (version 0), whenever written.
        for (ChangeItems.Change change : changes) {
            byEventId.remove(change.eventId());
            if (change.here()) {
                byEventId.put(change.eventId(), change.line());
            }
        }
        if (byEventId.isEmpty()) {
            return Optional.empty();
        }
        List<StoredLine> lines = new ArrayList<>(byEventId.values());
        lines.sort(POSTING_ORDER);
        return Optional.of(new StoredInvoice(invoiceNo, lines));
    }

    public Optional<StoredInvoice> invoice(String invoiceNo) {
        return invoice(invoiceNo, false);
    }

    /** Every invoice of the customer, newest first (empty when none). */
    public List<InvoiceSummary> customerInvoices(String customerId) {
        QueryRequest query = QueryRequest.builder()
                .tableName(tables.customers())
                .keyConditionExpression("#k = :k")
                .expressionAttributeNames(Map.of("#k", CustomerItems.CUSTOMER_ID))
                .expressionAttributeValues(Map.of(":k", AttributeValue.fromS(customerId)))
                .build();
        Map<String, InvoiceSummary> byInvoice = new LinkedHashMap<>();
        Set<String> changed = new LinkedHashSet<>();
        List<InvoiceSummary> pieces = new ArrayList<>();
        for (Map<String, AttributeValue> item : dynamo.queryPaginator(query).items()) {
            if (ChangeItems.isMarker(item)) {
                changed.add(InvoiceItems.text(item, CustomerItems.INVOICE_NO));
            } else {
                pieces.add(CustomerItems.summary(item));
            }
        }
        for (InvoiceSummary piece : pieces) {
            if (!changed.contains(piece.invoiceNo())) {
                byInvoice.merge(piece.invoiceNo(), piece, InvoiceSummary::plus);
            }
        }
        for (String invoiceNo : changed) {
            invoice(invoiceNo, false)
                    .flatMap(invoice -> CustomerItems.summaryOf(invoice, customerId))
                    .ifPresent(summary -> byInvoice.put(invoiceNo, summary));
        }
        List<InvoiceSummary> summaries = new ArrayList<>(byInvoice.values());
        summaries.sort(NEWEST_FIRST);
        return summaries;
    }
}
