package com.ecommerce.pipeline.dynamo.sink;

import com.ecommerce.pipeline.dynamostore.StoreTables;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * dynamo-writer's settings ({@code pipeline.dynamo.*}), which {@code ./pipeline rebuild} and {@code reconcile}
 * read too: the two tables the sink writes and how long it keeps re-submitting the items DynamoDB leaves
 * unprocessed (throttling) before it gives the batch back to the machinery as a transient failure.
 */
@Validated
@ConfigurationProperties(prefix = DynamoWriterProperties.PREFIX, ignoreUnknownFields = false)
public record DynamoWriterProperties(
        @NotBlank @DefaultValue(StoreTables.INVOICES) String invoicesTable,
        @NotBlank @DefaultValue(StoreTables.CUSTOMERS) String customersTable,
        @NotNull @DefaultValue("2m") Duration unprocessedItemsTimeout) {

    public static final String PREFIX = "pipeline.dynamo";

    /** The table names as the store takes them. */
    public StoreTables tables() {
        return new StoreTables(invoicesTable, customersTable);
    }
}
