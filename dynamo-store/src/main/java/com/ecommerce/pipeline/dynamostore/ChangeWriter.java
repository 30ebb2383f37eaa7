package com.ecommerce.pipeline.dynamostore;

import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Applies change events ({@link ChangeItems}): first the customers' markers (plain puts: the history must know to
 * look before the invoice changes), then each change item with a conditional put that only ever raises the row's
 * version in that invoice. So a change applied again, late, or out of order (a move's two invoices live on two
 * shards) never overwrites a newer one, and the result does not depend on the order of delivery.
 */
final class ChangeWriter {

    private final DynamoDbClient dynamo;
    private final StoreTables tables;
    private final BatchWriter batch;

    ChangeWriter(DynamoDbClient dynamo, StoreTables tables, BatchWriter batch) {
        this.dynamo = dynamo;
        this.tables = tables;
        this.batch = batch;
    }

    /**
     * @param poison where changes DynamoDB refuses as invalid are put, with its message (the rest are applied)
     * @return how many change items were older than what the store holds (left as they were)
     * @throws BatchWriter.UnprocessedItemsException when throttling outlasts the timeout (transient)
     */
    int apply(List<TransactionEvent> changes, Map<TransactionEvent, String> poison) throws InterruptedException {
        List<BatchWriter.Put> markers = new ArrayList<>();
        Set<List<String>> seen = new HashSet<>();
        for (TransactionEvent change : changes) {
            for (Map<String, AttributeValue> marker : ChangeItems.markers(change)) {
                List<String> key = List.of(
                        marker.get(CustomerItems.CUSTOMER_ID).s(),
                        marker.get(CustomerItems.INVOICE_KEY).s());
                if (seen.add(key)) {
                    markers.add(new BatchWriter.Put(tables.customers(), marker, List.of(change)));
                }
            }
        }
        Map<TransactionEvent, String> refused = batch.putAll(markers);
        poison.putAll(refused);
        int stale = 0;
        for (TransactionEvent change : changes) {
            if (refused.containsKey(change)) {
                continue;
            }
            for (Map<String, AttributeValue> item : ChangeItems.invoiceItems(change)) {
                if (!putIfNewer(item, change.version())) {
                    stale++;
                }
            }
        }
        return stale;
    }

    private boolean putIfNewer(Map<String, AttributeValue> item, long version) {
        try {
            dynamo.putItem(r -> r.tableName(tables.invoices())
                    .item(item)
                    .conditionExpression("attribute_not_exists(#piece) OR #v < :v")
                    .expressionAttributeNames(Map.of("#piece", InvoiceItems.PIECE_ID, "#v", ChangeItems.VERSION))
                    .expressionAttributeValues(Map.of(":v", AttributeValue.fromN(Long.toString(version)))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false; // this invoice holds the row at this version or a newer one already
        }
    }
}
