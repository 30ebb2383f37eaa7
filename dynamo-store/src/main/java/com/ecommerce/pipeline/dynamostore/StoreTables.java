package com.ecommerce.pipeline.dynamostore;

import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The names of the operational store's two tables. The contract's names are {@link #INVOICES} and {@link
 * #CUSTOMERS}; a service's configuration may rename them with the settings {@code <prefix>.invoices-table} and
 * {@code <prefix>.customers-table} ({@code pipeline.dynamo} for dynamo-writer and the command-line client,
 * {@code pipeline.query} for query-api). Their keys are defined here, by the items' attribute names.
 */
public record StoreTables(String invoices, String customers) {

    public static final String INVOICES = "invoices";
    public static final String CUSTOMERS = "customers";
    /**
     * The versions of changed rows ({@link RowVersionItems}), written by ingest-service; its setting {@code
     * pipeline.ingest.corrections.table} may rename it.
     */
    public static final String ROW_VERSIONS = "row-versions";

    public StoreTables {
        Objects.requireNonNull(invoices, "invoices");
        Objects.requireNonNull(customers, "customers");
    }

    public static StoreTables defaults() {
        return new StoreTables(INVOICES, CUSTOMERS);
    }

    /** Both names, invoices first. */
    public List<String> names() {
        return List.of(invoices, customers);
    }

    /**
     * Creates whichever of the two tables is missing, with the keys {@link InvoiceItems} and {@link
     * CustomerItems} write (string partition and sort keys, on-demand billing), and waits until both exist.
     */
    public void createMissing(DynamoDbClient dynamo) {
        create(dynamo, invoices, InvoiceItems.INVOICE_NO, InvoiceItems.PIECE_ID);
        create(dynamo, customers, CustomerItems.CUSTOMER_ID, CustomerItems.INVOICE_KEY);
        for (String table : names()) {
            dynamo.waiter().waitUntilTableExists(r -> r.tableName(table));
        }
    }

    private static void create(DynamoDbClient dynamo, String table, String partitionKey, String sortKey) {
        try {
            dynamo.describeTable(r -> r.tableName(table));
            return;
        } catch (ResourceNotFoundException e) {
            // missing: created below
        }
        dynamo.createTable(r -> r.tableName(table)
                .keySchema(
                        KeySchemaElement.builder()
                                .attributeName(partitionKey)
                                .keyType(KeyType.HASH)
                                .build(),
                        KeySchemaElement.builder()
                                .attributeName(sortKey)
                                .keyType(KeyType.RANGE)
                                .build())
                .attributeDefinitions(
                        AttributeDefinition.builder()
                                .attributeName(partitionKey)
                                .attributeType(ScalarAttributeType.S)
                                .build(),
                        AttributeDefinition.builder()
                                .attributeName(sortKey)
                                .attributeType(ScalarAttributeType.S)
                                .build())
                .billingMode(BillingMode.PAY_PER_REQUEST));
    }
}
