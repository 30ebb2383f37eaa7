package com.ecommerce.pipeline.query;

import com.ecommerce.pipeline.dynamostore.StoreTables;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The DynamoDB tables the reads query (written by dynamo-writer) and the bounds of the paging and
 * ranking parameters.
 */
@Validated
@ConfigurationProperties(prefix = "pipeline.query", ignoreUnknownFields = false)
public record QueryProperties(
        @NotBlank @DefaultValue(StoreTables.INVOICES) String invoicesTable,
        @NotBlank @DefaultValue(StoreTables.CUSTOMERS) String customersTable,
        @Min(1) @Max(1000) @DefaultValue("20") int defaultPageSize,
        @Min(1) @Max(10000) @DefaultValue("100") int maxPageSize,
        @Min(1) @Max(1000) @DefaultValue("10") int defaultLimit,
        @Min(1) @Max(100000) @DefaultValue("1000") int maxLimit) {

    /** The tables as dynamo-store reads them. */
    public StoreTables tables() {
        return new StoreTables(invoicesTable, customersTable);
    }
}
