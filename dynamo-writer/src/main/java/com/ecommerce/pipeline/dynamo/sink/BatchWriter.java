package com.ecommerce.pipeline.dynamo.sink;

import com.ecommerce.pipeline.schema.TransactionEvent;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Puts items with BatchWriteItem, 25 per call, re-submitting whatever DynamoDB leaves unprocessed
 * (throttling) with exponential backoff and jitter until all are written.
 */
final class BatchWriter {

    /** BatchWriteItem's limit. */
    static final int MAX_ITEMS_PER_CALL = 25;

    private static final long FIRST_BACKOFF_MILLIS = 50;
    private static final long MAX_BACKOFF_MILLIS = 2_000;

    /** An item to put and the event it came from (to name it if DynamoDB rejects it). */
    record Put(TransactionEvent event, Map<String, AttributeValue> item) {}

    private final DynamoDbClient dynamo;
    private final Duration unprocessedTimeout;
    private final Counter unprocessedRetries;

    BatchWriter(DynamoDbClient dynamo, Duration unprocessedTimeout, Counter unprocessedRetries) {
        this.dynamo = dynamo;
        this.unprocessedTimeout = unprocessedTimeout;
        this.unprocessedRetries = unprocessedRetries;
    }

    /**
     * Puts every item durably. The caller makes the keys unique: BatchWriteItem refuses a call with two
     * puts of one key.
     *
     * @return the events whose items DynamoDB refuses as invalid (a limit the sink's own checks did
     *     not foresee), with DynamoDB's message; everything else is written
     * @throws UnprocessedItemsException when throttling outlasts the timeout (transient: the
     *     machinery retries the batch)
     */
    Map<TransactionEvent, String> putAll(String table, List<Put> puts) throws InterruptedException {
        Map<TransactionEvent, String> rejected = new LinkedHashMap<>();
        for (int from = 0; from < puts.size(); from += MAX_ITEMS_PER_CALL) {
            List<Put> chunk = puts.subList(from, Math.min(from + MAX_ITEMS_PER_CALL, puts.size()));
            try {
                writeChunk(table, chunk);
            } catch (DynamoDbException e) {
                if (!isValidation(e)) {
                    throw e;
                }
                // One invalid item fails the whole call: put them one by one to find it, write the rest.
                rejected.putAll(putOneByOne(table, chunk));
            }
        }
        return rejected;
    }

    private void writeChunk(String table, List<Put> chunk) throws InterruptedException {
        List<WriteRequest> pending = new ArrayList<>(chunk.size());
        for (Put put : chunk) {
            pending.add(WriteRequest.builder()
                    .putRequest(PutRequest.builder().item(put.item()).build())
                    .build());
        }
        long deadline = System.nanoTime() + unprocessedTimeout.toNanos();
        long backoff = FIRST_BACKOFF_MILLIS;
        while (true) {
            List<WriteRequest> batch = pending;
            BatchWriteItemResponse response = dynamo.batchWriteItem(r -> r.requestItems(Map.of(table, batch)));
            pending = response.unprocessedItems().getOrDefault(table, List.of());
            if (pending.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new UnprocessedItemsException(pending.size(), table, unprocessedTimeout);
            }
            unprocessedRetries.increment(pending.size());
            // Full jitter: concurrent shards that were throttled together do not retry together.
            Thread.sleep(ThreadLocalRandom.current().nextLong(backoff / 2, backoff + 1));
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
        }
    }

    private Map<TransactionEvent, String> putOneByOne(String table, List<Put> chunk) {
        Map<TransactionEvent, String> rejected = new LinkedHashMap<>();
        for (Put put : chunk) {
            try {
                dynamo.putItem(r -> r.tableName(table).item(put.item()));
            } catch (DynamoDbException e) {
                if (!isValidation(e)) {
                    throw e;
                }
                rejected.put(
                        put.event(),
                        "DynamoDB refuses the item: " + e.awsErrorDetails().errorMessage());
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

    /** Throttling outlasted the timeout; a transient failure the machinery retries. */
    static final class UnprocessedItemsException extends RuntimeException {
        UnprocessedItemsException(int count, String table, Duration timeout) {
            super(count + " item(s) still unprocessed by DynamoDB table " + table + " after " + timeout);
        }
    }
}
