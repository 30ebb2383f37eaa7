package com.ecommerce.pipeline.bench;

import com.ecommerce.pipeline.dynamostore.InvoiceItems;
import com.ecommerce.pipeline.dynamostore.InvoiceWriter;
import com.ecommerce.pipeline.dynamostore.StoreTables;
import com.ecommerce.pipeline.schema.input.TransactionJson;
import com.ecommerce.pipeline.schema.kinesis.InvoicePieces;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The items dynamo-writer puts for some events, built by dynamo-store itself: its {@link InvoiceWriter} (which
 * cuts the events into {@link InvoicePieces pieces}: one {@code invoices} item per piece, one {@code customers}
 * summary item per customer and piece) writes to a client that records its BatchWriteItem calls and sends
 * nothing. So the ceiling writes exactly the writer's items, without the bench knowing their layout.
 */
final class StoreItems {

    /** One item to put; {@code lines}: the invoice lines it holds (0 for a customer summary). */
    record Item(String table, Map<String, AttributeValue> item, int lines) {}

    /** One BatchWriteItem call's worth of items (of either table, as the writer mixes them). */
    record Chunk(Map<String, List<WriteRequest>> requests, int items, int lines) {}

    /** BatchWriteItem's limit, the writer's call size. */
    static final int PER_CALL = 25;

    private StoreItems() {}

    /**
     * The items of these requests (each a whole request's events in row order, as ingest-service makes them),
     * request by request in the writer's order; rows the store refuses (poison) have none.
     */
    static List<Item> of(List<List<TransactionEvent>> requests, StoreTables tables) throws InterruptedException {
        Recorder recorder = new Recorder(tables);
        InvoiceWriter writer = new InvoiceWriter(recorder, tables, Duration.ofMinutes(1), n -> {});
        for (List<TransactionEvent> request : requests) {
            writer.write(request);
        }
        return recorder.items;
    }

    /** The reference way's item of each row alone: the {@code invoices} item of a piece of just that row. */
    static List<Item> perRow(List<TransactionEvent> events, StoreTables tables) throws InterruptedException {
        List<Item> out = new ArrayList<>(events.size());
        for (TransactionEvent e : events) {
            for (Item item : of(List.of(List.of(e)), tables)) {
                if (item.table().equals(tables.invoices())) {
                    out.add(item);
                }
            }
        }
        return out;
    }

    /** The items in calls of {@value #PER_CALL}, in order. */
    static List<Chunk> chunks(List<Item> items) {
        List<Chunk> out = new ArrayList<>((items.size() + PER_CALL - 1) / PER_CALL);
        for (int from = 0; from < items.size(); from += PER_CALL) {
            List<Item> part = items.subList(from, Math.min(items.size(), from + PER_CALL));
            Map<String, List<WriteRequest>> requests = new java.util.LinkedHashMap<>();
            int lines = 0;
            for (Item i : part) {
                requests.computeIfAbsent(i.table(), t -> new ArrayList<>())
                        .add(WriteRequest.builder()
                                .putRequest(PutRequest.builder().item(i.item()).build())
                                .build());
                lines += i.lines();
            }
            out.add(new Chunk(requests, part.size(), lines));
        }
        return out;
    }

    static long lines(List<Item> items) {
        return items.stream().mapToLong(Item::lines).sum();
    }

    /** Records every put of every BatchWriteItem call and answers that all were processed. */
    private static final class Recorder implements DynamoDbClient {
        private final StoreTables tables;
        final List<Item> items = new ArrayList<>();

        Recorder(StoreTables tables) {
            this.tables = tables;
        }

        @Override
        public BatchWriteItemResponse batchWriteItem(BatchWriteItemRequest request) {
            request.requestItems().forEach((table, writes) -> {
                for (WriteRequest w : writes) {
                    Map<String, AttributeValue> item = w.putRequest().item();
                    AttributeValue lines = item.get(InvoiceItems.LINES);
                    // the piece's lines: a JSON array (dynamo-store's layout)
                    int n = table.equals(tables.invoices()) && lines != null && lines.s() != null
                            ? TransactionJson.mapper().readTree(lines.s()).size()
                            : 0;
                    items.add(new Item(table, item, n));
                }
            });
            return BatchWriteItemResponse.builder().build();
        }

        @Override
        public String serviceName() {
            return SERVICE_NAME;
        }

        @Override
        public void close() {}
    }
}
