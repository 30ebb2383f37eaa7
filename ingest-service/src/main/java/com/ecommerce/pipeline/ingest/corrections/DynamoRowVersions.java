package com.ecommerce.pipeline.ingest.corrections;

import static com.ecommerce.pipeline.dynamostore.RowVersionItems.EVENT_ID;
import static com.ecommerce.pipeline.dynamostore.RowVersionItems.PUBLISHED;
import static com.ecommerce.pipeline.dynamostore.RowVersionItems.VERSION;

import com.ecommerce.pipeline.dynamostore.RowVersionItems;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/**
 * {@link RowVersions} in the DynamoDB table {@code row-versions}, in dynamo-store's layout ({@link RowVersionItems}).
 * A version is claimed by a conditional put on the version read before, so each version of a row is given once.
 */
class DynamoRowVersions implements RowVersions {

    private static final Logger log = LoggerFactory.getLogger(DynamoRowVersions.class);

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
        RowVersionItems.RowVersion row = RowVersionItems.read(item);
        return Optional.of(new CurrentRow(row.event(), row.published(), true));
    }

    @Override
    public boolean claim(TransactionEvent change, CurrentRow expected) {
        Map<String, AttributeValue> item =
                RowVersionItems.item(change, clock.instant().toString());
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
