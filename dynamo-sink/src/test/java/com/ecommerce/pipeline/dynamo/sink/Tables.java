package com.ecommerce.pipeline.dynamo.sink;

import com.ecommerce.pipeline.dynamostore.CustomerItems;
import com.ecommerce.pipeline.dynamostore.InvoiceItems;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/** Reads and empties the real tables for the tests (scans are fine here, never in the service). */
final class Tables {

    static final String INVOICES = "invoices";
    static final String CUSTOMERS = "customers";

    private final DynamoDbClient dynamo;

    Tables(DynamoDbClient dynamo) {
        this.dynamo = dynamo;
    }

    /** Every item of the table by its key (partition, sort), strongly consistent. */
    Map<List<String>, Map<String, AttributeValue>> items(String table, String partitionKey, String sortKey) {
        Map<List<String>, Map<String, AttributeValue>> items = new LinkedHashMap<>();
        for (Map<String, AttributeValue> item : dynamo.scanPaginator(
                        r -> r.tableName(table).consistentRead(true))
                .items()) {
            items.put(List.of(item.get(partitionKey).s(), item.get(sortKey).s()), item);
        }
        return items;
    }

    /** The invoices table's piece items by (invoiceNo, pieceId). */
    Map<List<String>, Map<String, AttributeValue>> invoices() {
        return items(INVOICES, InvoiceItems.INVOICE_NO, InvoiceItems.PIECE_ID);
    }

    /** The customers table's summary items by (customerId, invoiceNo#pieceId). */
    Map<List<String>, Map<String, AttributeValue>> customers() {
        return items(CUSTOMERS, CustomerItems.CUSTOMER_ID, CustomerItems.INVOICE_KEY);
    }

    void empty() {
        empty(INVOICES, InvoiceItems.INVOICE_NO, InvoiceItems.PIECE_ID);
        empty(CUSTOMERS, CustomerItems.CUSTOMER_ID, CustomerItems.INVOICE_KEY);
    }

    private void empty(String table, String partitionKey, String sortKey) {
        List<WriteRequest> deletes = new ArrayList<>();
        for (List<String> key : items(table, partitionKey, sortKey).keySet()) {
            deletes.add(WriteRequest.builder()
                    .deleteRequest(DeleteRequest.builder()
                            .key(Map.of(
                                    partitionKey, AttributeValue.fromS(key.get(0)),
                                    sortKey, AttributeValue.fromS(key.get(1))))
                            .build())
                    .build());
        }
        for (List<WriteRequest> chunk : SampleRows.batches(deletes, 25)) {
            List<WriteRequest> pending = chunk;
            while (!pending.isEmpty()) {
                List<WriteRequest> call = pending;
                pending = dynamo.batchWriteItem(r -> r.requestItems(Map.of(table, call)))
                        .unprocessedItems()
                        .getOrDefault(table, List.of());
            }
        }
    }
}
