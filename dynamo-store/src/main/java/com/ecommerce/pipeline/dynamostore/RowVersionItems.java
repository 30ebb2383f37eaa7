package com.ecommerce.pipeline.dynamostore;

import com.ecommerce.pipeline.schema.kinesis.EventJson;
import com.ecommerce.pipeline.schema.kinesis.MalformedRecordException;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The layout of {@link StoreTables#ROW_VERSIONS} (docs/corrections.md): one item per row that was ever changed, key
 * {@link #EVENT_ID}, holding the row's current version, whether it is deleted, its place, the current version's
 * whole event line (the row's final image) and whether that event is known to be on the stream. ingest-service
 * writes it (a conditional put per version); {@code ./pipeline reconcile} reads it as the authority on every
 * changed row's final state.
 */
public final class RowVersionItems {

    public static final String EVENT_ID = "eventId";
    public static final String VERSION = "version";
    public static final String DELETED = "deleted";
    public static final String INVOICE_NO = "invoiceNo";
    public static final String CUSTOMER_ID = "customerId";
    public static final String EVENT = "event";
    public static final String PUBLISHED = "published";
    public static final String UPDATED_AT = "updatedAt";

    private RowVersionItems() {}

    /**
     * A changed row as the table holds it: the event of its current version (its final image, version, and
     * whether it is a deletion) and whether it is known to be on the stream.
     */
    public record RowVersion(TransactionEvent event, boolean published) {

        public long version() {
            return event.version();
        }

        public boolean deleted() {
            return event.change().isDelete();
        }
    }

    /** The item of {@code change}, unpublished, recorded at {@code updatedAt} (ISO instant). */
    public static Map<String, AttributeValue> item(TransactionEvent change, String updatedAt) {
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
        item.put(UPDATED_AT, AttributeValue.fromS(updatedAt));
        return item;
    }

    /**
     * Reads one item.
     *
     * @throws IllegalStateException when its event line does not read as an event
     */
    public static RowVersion read(Map<String, AttributeValue> item) {
        AttributeValue line = item.get(EVENT);
        TransactionEvent event;
        try {
            if (line == null || line.s() == null) {
                throw new MalformedRecordException("no " + EVENT + " attribute");
            }
            event = EventJson.read(line.s().getBytes(StandardCharsets.UTF_8));
        } catch (MalformedRecordException | RuntimeException e) {
            AttributeValue id = item.get(EVENT_ID);
            throw new IllegalStateException(
                    "row-versions holds an unreadable event for " + (id == null ? "an item without eventId" : id.s()),
                    e);
        }
        AttributeValue published = item.get(PUBLISHED);
        return new RowVersion(event, published != null && Boolean.TRUE.equals(published.bool()));
    }

    /**
     * Creates {@code table} with its key ({@link #EVENT_ID}, a string; on-demand billing) if it is missing, and waits
     * until it exists (the local cloud and LocalStack create it from their resource lists; tests make their own).
     */
    public static void createMissing(DynamoDbClient dynamo, String table) {
        try {
            dynamo.describeTable(r -> r.tableName(table));
            return;
        } catch (ResourceNotFoundException e) {
            // missing: created below
        }
        dynamo.createTable(r -> r.tableName(table)
                .keySchema(KeySchemaElement.builder()
                        .attributeName(EVENT_ID)
                        .keyType(KeyType.HASH)
                        .build())
                .attributeDefinitions(AttributeDefinition.builder()
                        .attributeName(EVENT_ID)
                        .attributeType(ScalarAttributeType.S)
                        .build())
                .billingMode(BillingMode.PAY_PER_REQUEST));
        dynamo.waiter().waitUntilTableExists(r -> r.tableName(table));
    }

    /** Every changed row of {@code table} by event id (a Scan, strongly consistent). */
    public static Map<String, RowVersion> readAll(DynamoDbClient dynamo, String table) {
        Map<String, RowVersion> rows = new HashMap<>();
        dynamo.scanPaginator(r -> r.tableName(table).consistentRead(true))
                .items()
                .forEach(item -> {
                    RowVersion row = read(item);
                    rows.put(row.event().eventId(), row);
                });
        return rows;
    }
}
