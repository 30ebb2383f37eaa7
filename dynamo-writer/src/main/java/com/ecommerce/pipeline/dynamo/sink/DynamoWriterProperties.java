package com.ecommerce.pipeline.dynamo.sink;

import com.ecommerce.pipeline.dynamostore.StoreTables;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The two tables the sink writes and how long it keeps re-submitting the items DynamoDB leaves
 * unprocessed (throttling) before it gives the batch back to the machinery as a transient failure.
 */
@Validated
@ConfigurationProperties(prefix = "pipeline.dynamo", ignoreUnknownFields = false)
public record DynamoWriterProperties(
        @NotBlank @DefaultValue("invoices") String invoicesTable,
        @NotBlank @DefaultValue("customers") String customersTable,
        @NotNull @DefaultValue("2m") Duration unprocessedItemsTimeout) {

    /** The table names as the store takes them. */
    public StoreTables tables() {
        return new StoreTables(invoicesTable, customersTable);
    }
}
