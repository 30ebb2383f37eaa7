package com.ecommerce.pipeline.ingest.idempotency;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Keys in the DynamoDB table {@code idempotency-keys} (partition key {@code idempotencyKey}), with an
 * {@code expiresAt} epoch-seconds attribute for DynamoDB TTL. A failing table never fails a request:
 * without the record the request is simply published again, which the sinks deduplicate.
 */
class DynamoIdempotencyStore implements IdempotencyStore {

    private static final Logger log = LoggerFactory.getLogger(DynamoIdempotencyStore.class);

    private final DynamoDbClient dynamo;
    private final String table;
    private final Duration retention;
    private final Clock clock = Clock.systemUTC();

    DynamoIdempotencyStore(DynamoDbClient dynamo, String table, Duration retention) {
        this.dynamo = dynamo;
        this.table = table;
        this.retention = retention;
    }

    @Override
    public Optional<CompletedRequest> find(String idempotencyKey) {
        try {
            Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table)
                            .key(Map.of("idempotencyKey", AttributeValue.fromS(idempotencyKey)))
                            .consistentRead(true))
                    .item();
            if (item == null || item.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new CompletedRequest(
                    item.get("requestDigest").s(),
                    Integer.parseInt(item.get("accepted").n())));
        } catch (RuntimeException e) {
            log.warn("Idempotency lookup failed for key {}; publishing the request ({})", idempotencyKey, e.toString());
            return Optional.empty();
        }
    }

    @Override
    public void completed(String idempotencyKey, CompletedRequest request) {
        try {
            dynamo.putItem(r -> r.tableName(table)
                    .item(Map.of(
                            "idempotencyKey", AttributeValue.fromS(idempotencyKey),
                            "requestDigest", AttributeValue.fromS(request.requestDigest()),
                            "accepted", AttributeValue.fromN(Integer.toString(request.accepted())),
                            "completedAt", AttributeValue.fromS(clock.instant().toString()),
                            "expiresAt",
                                    AttributeValue.fromN(Long.toString(
                                            clock.instant().plus(retention).getEpochSecond())))));
        } catch (RuntimeException e) {
            log.warn(
                    "Could not record idempotency key {}; a repeat would be published again ({})",
                    idempotencyKey,
                    e.toString());
        }
    }
}
