package com.ecommerce.pipeline.dynamo.sink;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The two tables the sink writes and how long it keeps re-submitting the items DynamoDB leaves
 * unprocessed (throttling) before it gives the batch back to the machinery as a transient failure,
 * and how many invoices' lines it reads at once when it recomputes their summaries (per process,
 * shared by the shards).
 */
@Validated
@ConfigurationProperties(prefix = "pipeline.dynamo", ignoreUnknownFields = false)
public record DynamoWriterProperties(
        @NotBlank @DefaultValue("invoices") String invoicesTable,
        @NotBlank @DefaultValue("customers") String customersTable,
        @NotNull @DefaultValue("2m") Duration unprocessedItemsTimeout,
        @Min(1) @Max(64) @DefaultValue("8") int summaryQueryConcurrency) {

    static final int DEFAULT_SUMMARY_QUERY_CONCURRENCY = 8;

    @ConstructorBinding
    public DynamoWriterProperties {}

    /** With the default query concurrency. */
    public DynamoWriterProperties(String invoicesTable, String customersTable, Duration unprocessedItemsTimeout) {
        this(invoicesTable, customersTable, unprocessedItemsTimeout, DEFAULT_SUMMARY_QUERY_CONCURRENCY);
    }
}
