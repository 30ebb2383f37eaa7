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
 * {@code expiresAt} epoch-seconds attribute for DynamoDB TTL; a record past it counts as absent even while
 * the table still holds it (TTL deletes lazily; dynalite never). The record's key is the caller's key and the
 * caller ({@code "<key> <caller>"}): one caller's key never answers another's request.
 *
 * <p>A failing table never fails a request, deliberately: without the record the request is published again.
 * The event ids depend on the caller, key, position and content ({@code EventIds}), so the same request gets
 * the same ids (the sinks deduplicate; the stream and the archive hold a re-posted copy) and another body gets
 * other ids (kept beside the first, never over it); only the 422 for a reused key is lost while the table is
 * away. Refusing every keyed request with a 503 instead would stop ingest for an outage of a table that guards
 * nothing the ids do not.
 */
class DynamoIdempotencyStore implements IdempotencyStore {

    private static final Logger log = LoggerFactory.getLogger(DynamoIdempotencyStore.class);

    private final DynamoDbClient dynamo;
    private final String table;
    private final Duration retention;
    private final Clock clock;

    DynamoIdempotencyStore(DynamoDbClient dynamo, String table, Duration retention) {
        this(dynamo, table, retention, Clock.systemUTC());
    }

    DynamoIdempotencyStore(DynamoDbClient dynamo, String table, Duration retention, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.retention = retention;
        this.clock = clock;
    }

    @Override
    public Optional<CompletedRequest> find(String idempotencyKey) {
        try {
            Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table)
                            .key(Map.of("idempotencyKey", AttributeValue.fromS(idempotencyKey)))
                            .consistentRead(true))
                    .item();
            if (item == null || item.isEmpty() || expired(item)) {
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

    /**
     * Whether the record's {@code expiresAt} has passed, as DynamoDB TTL reckons it (expired once the current
     * epoch second is greater). DynamoDB deletes expired items lazily, up to days late, and dynalite never does,
     * so a record still found may be past its retention. A record without {@code expiresAt} never expires.
     */
    private boolean expired(Map<String, AttributeValue> item) {
        AttributeValue expiresAt = item.get("expiresAt");
        return expiresAt != null
                && expiresAt.n() != null
                && clock.instant().getEpochSecond() > Long.parseLong(expiresAt.n());
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
