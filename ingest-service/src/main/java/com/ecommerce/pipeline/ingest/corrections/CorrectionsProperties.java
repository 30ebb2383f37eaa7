package com.ecommerce.pipeline.ingest.corrections;

import com.ecommerce.pipeline.dynamostore.StoreTables;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code PUT}/{@code DELETE /transactions/{eventId}} (docs/corrections.md).
 *
 * @param table the DynamoDB table of changed rows' versions ({@code row-versions} in cloud-resources.json)
 * @param maxAttempts how often a change is tried again after losing the conditional write to a concurrent change
 *     of the same row, before it is answered 409
 * @param warehouseTimeout how long the existence check may wait for the warehouse before the change is answered 503
 */
@Validated
@ConfigurationProperties(prefix = "pipeline.ingest.corrections")
public record CorrectionsProperties(
        @NotBlank @DefaultValue(StoreTables.ROW_VERSIONS) String table,
        @Min(1) @Max(100) @DefaultValue("5") int maxAttempts,
        @NotNull @DefaultValue("5s") Duration warehouseTimeout) {}
