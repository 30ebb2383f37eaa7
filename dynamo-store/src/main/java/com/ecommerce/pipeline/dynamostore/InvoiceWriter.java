package com.ecommerce.pipeline.dynamostore;

import com.ecommerce.pipeline.schema.kinesis.InvoicePieces;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntConsumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Writes events into the store: each {@link InvoicePieces piece} becomes one {@code invoices} item
 * and one {@code customers} summary item per customer in it, all put with BatchWriteItem. No reads,
 * no conditions, no transactions (the same operations on AWS, LocalStack and dynalite): every item is
 * a function of one piece, and a piece always arrives whole, so writing a batch again, in any order
 * and any number of times, leaves the same items.
 */
public final class InvoiceWriter {

    private final StoreTables tables;
    private final BatchWriter writer;
    private final ChangeWriter changes;

    /**
     * @param unprocessedTimeout how long items DynamoDB leaves unprocessed (throttling) are re-submitted
     *     before the write fails as transient
     * @param unprocessedRetries told how many items are re-submitted each time
     */
    public InvoiceWriter(
            DynamoDbClient dynamo, StoreTables tables, Duration unprocessedTimeout, IntConsumer unprocessedRetries) {
        this.tables = tables;
        this.writer = new BatchWriter(dynamo, unprocessedTimeout, unprocessedRetries);
        this.changes = new ChangeWriter(dynamo, tables, writer);
    }

    /**
     * Writes the events durably; the inserts must be whole pieces in stream order (a consumer's whole
     * records, or a whole request). Changes (corrections, deletions) are applied beside the pieces, each
     * only if it is newer than what the store holds of its row ({@link ChangeItems}).
     *
     * @return the events that can never be written, with the reason (the rest are written)
     * @throws BatchWriter.UnprocessedItemsException when throttling outlasts the timeout (transient)
     */
    public Map<TransactionEvent, String> write(List<TransactionEvent> events) throws InterruptedException {
        Map<TransactionEvent, String> poison = new LinkedHashMap<>();
        List<TransactionEvent> inserts = new ArrayList<>(events.size());
        List<TransactionEvent> changed = new ArrayList<>();
        for (TransactionEvent event : events) {
            if (event.change().isInsert()) {
                inserts.add(event);
            } else {
                Optional<String> violation = WriteLimits.violation(event);
                if (violation.isPresent()) {
                    poison.put(event, violation.get());
                } else {
                    changed.add(event);
                }
            }
        }
        // One put per key: BatchWriteItem refuses two in one call (a request posted twice in one batch).
        Map<List<String>, BatchWriter.Put> lines = new LinkedHashMap<>();
        Map<List<String>, BatchWriter.Put> summaries = new LinkedHashMap<>();
        // Changes travel in records of their own (ingest-service publishes each alone), so the inserts cut into the
        // same pieces with or without them.
        for (InvoicePieces.Piece piece : InvoicePieces.of(inserts)) {
            List<TransactionEvent> writable = new ArrayList<>(piece.events().size());
            List<String> lineJsons = new ArrayList<>(piece.events().size());
            for (TransactionEvent event : piece.events()) {
                String lineJson = InvoiceItems.lineJson(event); // serialised once: measured, then put
                Optional<String> violation = WriteLimits.violation(event, lineJson);
                if (violation.isPresent()) {
                    poison.put(event, violation.get());
                } else {
                    writable.add(event);
                    lineJsons.add(lineJson);
                }
            }
            if (writable.isEmpty()) {
                continue;
            }
            lines.put(
                    List.of(piece.invoiceNo(), piece.id()),
                    new BatchWriter.Put(tables.invoices(), InvoiceItems.itemOfLines(piece, lineJsons), writable));
            for (var item : CustomerItems.items(piece, writable)) {
                summaries.put(
                        List.of(
                                item.get(CustomerItems.CUSTOMER_ID).s(),
                                item.get(CustomerItems.INVOICE_KEY).s()),
                        new BatchWriter.Put(tables.customers(), item, writable));
            }
        }
        List<BatchWriter.Put> puts = new ArrayList<>(lines.values());
        puts.addAll(summaries.values());
        poison.putAll(writer.putAll(puts));
        if (!changed.isEmpty()) {
            changes.apply(changed, poison);
        }
        return poison;
    }
}
