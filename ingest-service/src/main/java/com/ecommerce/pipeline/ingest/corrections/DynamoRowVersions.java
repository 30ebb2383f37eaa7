package com.ecommerce.pipeline.ingest.corrections;

import com.ecommerce.pipeline.schema.kinesis.EventJson;
import com.ecommerce.pipeline.schema.kinesis.MalformedRecordException;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/**
 * {@link RowVersions} in the DynamoDB table {@code row-versions}: key {@code eventId} (S); {@code version} (N),
 * {@code deleted} (BOOL), {@code invoiceNo}, {@code customerId} (S, absent when none), {@code event} (S: the current
 * version's whole event line, the row's final image), {@code published} (BOOL), {@code updatedAt} (S). A version is
 * claimed by a conditional put on the version read before, so each version of a row is given once.
 */
class DynamoRowVersions implements RowVersions {

    private static final Logger log = LoggerFactory.getLogger(DynamoRowVersions.class);

    static final String EVENT_ID = "eventId";
    static final String VERSION = "version";
    static final String DELETED = "deleted";
    static final String INVOICE_NO = "invoiceNo";
    static final String CUSTOMER_ID = "customerId";
    static final String EVENT = "event";
    static final String PUBLISHED = "published";
    static final String UPDATED_AT = "updatedAt";

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock = Clock.systemUTC();

    DynamoRowVersions(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public Optional<CurrentRow> find(String eventId) {
        Map<String, AttributeValue> item;
        try {
            item = dynamo.getItem(r -> r.tableName(table)
                            .key(Map.of(EVENT_ID, AttributeValue.fromS(eventId)))
                            .consistentRead(true))
                    .item();
        } catch (RuntimeException e) {
            throw new CorrectionUnavailableException("the row-versions table cannot be read", e);
        }
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        TransactionEvent event;
        try {
            event = EventJson.read(item.get(EVENT).s().getBytes(StandardCharsets.UTF_8));
        } catch (MalformedRecordException | RuntimeException e) {
            throw new IllegalStateException("row-versions holds an unreadable event for " + eventId, e);
        }
        AttributeValue published = item.get(PUBLISHED);
        return Optional.of(new CurrentRow(event, published != null && Boolean.TRUE.equals(published.bool()), true));
    }

    @Override
    public boolean claim(TransactionEvent change, CurrentRow expected) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(EVENT_ID, AttributeValue.fromS(change.eventId()));
        item.put(VERSION, AttributeValue.fromN(Long.toString(change.version())));
        item.put(DELETED, AttributeValue.fromBool(change.change().isDelete()));
        item.put(INVOICE_NO, AttributeValue.fromS(change.transaction().invoiceNo()));
        if (change.transaction().customerId() != null) {
            item.put(CUSTOMER_ID, AttributeValue.fromS(change.transaction().customerId()));
        }
        item.put(EVENT, AttributeValue.fromS(new String(EventJson.write(change), StandardCharsets.UTF_8)));
        item.put(PUBLISHED, AttributeValue.fromBool(false));
        item.put(UPDATED_AT, AttributeValue.fromS(clock.instant().toString()));
        PutItemRequest.Builder put = PutItemRequest.builder().tableName(table).item(item);
        if (expected.versioned()) {
            put.conditionExpression("#v = :expected")
                    .expressionAttributeNames(Map.of("#v", VERSION))
                    .expressionAttributeValues(
                            Map.of(":expected", AttributeValue.fromN(Long.toString(expected.version()))));
        } else {
            put.conditionExpression("attribute_not_exists(#k)").expressionAttributeNames(Map.of("#k", EVENT_ID));
        }
        try {
            dynamo.putItem(put.build());
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        } catch (RuntimeException e) {
            throw new CorrectionUnavailableException("the row-versions table cannot be written", e);
        }
    }

    @Override
    public void published(String eventId, long version) {
        try {
            dynamo.updateItem(r -> r.tableName(table)
                    .key(Map.of(EVENT_ID, AttributeValue.fromS(eventId)))
                    .updateExpression("SET #p = :true")
                    .conditionExpression("#v = :v")
                    .expressionAttributeNames(Map.of("#p", PUBLISHED, "#v", VERSION))
                    .expressionAttributeValues(Map.of(
                            ":true",
                            AttributeValue.fromBool(true),
                            ":v",
                            AttributeValue.fromN(Long.toString(version)))));
        } catch (ConditionalCheckFailedException e) {
            log.debug("row {} moved past version {} before it was marked published", eventId, version);
        } catch (RuntimeException e) {
            // The change is on the stream; a repeat of the request publishes it again, which the sinks ignore.
            log.warn("could not mark version {} of row {} published: {}", version, eventId, e.toString());
        }
    }
}
