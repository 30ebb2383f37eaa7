package com.ecommerce.pipeline.dynamostore;

import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntConsumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Puts items with BatchWriteItem, 25 per call (of either table), re-submitting whatever DynamoDB
 * leaves unprocessed (throttling) with exponential backoff and jitter until all are written.
 */
final class BatchWriter {

    /** BatchWriteItem's limit. */
    static final int MAX_ITEMS_PER_CALL = 25;

    private static final long FIRST_BACKOFF_MILLIS = 50;
    private static final long MAX_BACKOFF_MILLIS = 2_000;

    /** An item to put and the events it holds (named if DynamoDB rejects it). */
    record Put(String table, Map<String, AttributeValue> item, List<TransactionEvent> events) {}

    private final DynamoDbClient dynamo;
    private final Duration unprocessedTimeout;
    private final IntConsumer unprocessedRetries;

    BatchWriter(DynamoDbClient dynamo, Duration unprocessedTimeout, IntConsumer unprocessedRetries) {
        this.dynamo = dynamo;
        this.unprocessedTimeout = unprocessedTimeout;
        this.unprocessedRetries = unprocessedRetries;
    }

    /**
     * Puts every item durably, in order, 25 a call. The caller makes the keys unique: BatchWriteItem
     * refuses a call with two puts of one key.
     *
     * @return the events whose items DynamoDB refuses as invalid (a limit the store's own checks did
     *     not foresee), with DynamoDB's message; everything else is written
     * @throws UnprocessedItemsException when throttling outlasts the timeout (transient)
     */
    Map<TransactionEvent, String> putAll(List<Put> puts) throws InterruptedException {
        Map<TransactionEvent, String> rejected = new LinkedHashMap<>();
        for (int from = 0; from < puts.size(); from += MAX_ITEMS_PER_CALL) {
            List<Put> chunk = puts.subList(from, Math.min(from + MAX_ITEMS_PER_CALL, puts.size()));
            try {
                writeChunk(chunk);
            } catch (DynamoDbException e) {
                if (!isValidation(e)) {
                    throw e;
                }
                // One invalid item fails the whole call: put them one by one to find it, write the rest.
                rejected.putAll(putOneByOne(chunk));
            }
        }
        return rejected;
    }

    private void writeChunk(List<Put> chunk) throws InterruptedException {
        Map<String, List<WriteRequest>> pending = new LinkedHashMap<>();
        for (Put put : chunk) {
            pending.computeIfAbsent(put.table(), t -> new ArrayList<>())
                    .add(WriteRequest.builder()
                            .putRequest(PutRequest.builder().item(put.item()).build())
                            .build());
        }
        long deadline = System.nanoTime() + unprocessedTimeout.toNanos();
        long backoff = FIRST_BACKOFF_MILLIS;
        while (true) {
            Map<String, List<WriteRequest>> batch = pending;
            BatchWriteItemResponse response = dynamo.batchWriteItem(r -> r.requestItems(batch));
            pending = response.unprocessedItems();
            int left = pending.values().stream().mapToInt(List::size).sum();
            if (left == 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new UnprocessedItemsException(left, pending.keySet(), unprocessedTimeout);
            }
            unprocessedRetries.accept(left);
            // Full jitter: concurrent shards that were throttled together do not retry together.
            Thread.sleep(ThreadLocalRandom.current().nextLong(backoff / 2, backoff + 1));
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
        }
    }

    private Map<TransactionEvent, String> putOneByOne(List<Put> chunk) {
        Map<TransactionEvent, String> rejected = new LinkedHashMap<>();
        for (Put put : chunk) {
            try {
                dynamo.putItem(r -> r.tableName(put.table()).item(put.item()));
            } catch (DynamoDbException e) {
                if (!isValidation(e)) {
                    throw e;
                }
                for (TransactionEvent event : put.events()) {
                    rejected.put(
                            event,
                            "DynamoDB refuses the item: " + e.awsErrorDetails().errorMessage());
                }
            }
        }
        return rejected;
    }

    /** A 400 ValidationException is about the request's content: resending it can never succeed. */
    private static boolean isValidation(DynamoDbException e) {
        return e.statusCode() == 400
                && e.awsErrorDetails() != null
                && "ValidationException".equals(e.awsErrorDetails().errorCode());
    }

    /** Throttling outlasted the timeout; a transient failure the caller retries. */
    public static final class UnprocessedItemsException extends RuntimeException {
        UnprocessedItemsException(int count, java.util.Collection<String> tables, Duration timeout) {
            super(count + " item(s) still unprocessed by DynamoDB table(s) " + tables + " after " + timeout);
        }
    }
}
