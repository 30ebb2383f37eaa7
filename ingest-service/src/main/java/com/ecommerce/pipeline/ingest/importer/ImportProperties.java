package com.ecommerce.pipeline.ingest.importer;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The batch import ({@code pipeline.import.*}): which files, how often, in which batches.
 *
 * @param enabled whether the scheduled passes run ({@code POST /imports} works either way)
 * @param bucket the bucket holding the import files
 * @param prefix the key prefix scanned for files (CSV, plain or gzip, or JSON lines)
 * @param interval time between the end of one scheduled pass and the start of the next
 * @param initialDelay time from start-up to the first scheduled pass
 * @param batchSize rows per published batch; part of the idempotency keys (a content imported before
 *     keeps the batch size it was first imported with, so its event ids never change)
 * @param table the DynamoDB table keeping each file's status
 * @param runningTimeout a file RUNNING for longer than this (its importer died) is taken over
 */
@Validated
@ConfigurationProperties(prefix = "pipeline.import", ignoreUnknownFields = false)
public record ImportProperties(
        @DefaultValue("true") boolean enabled,
        @NotBlank @DefaultValue("ecommerce-raw") String bucket,
        @NotNull @DefaultValue("import/") String prefix,
        @NotNull @DefaultValue("5m") Duration interval,
        @NotNull @DefaultValue("30s") Duration initialDelay,
        @Min(1) @Max(10_000) @DefaultValue("500") int batchSize,
        @NotBlank @DefaultValue("imports") String table,
        @NotNull @DefaultValue("10m") Duration runningTimeout) {

    public ImportProperties {
        if (interval != null && (interval.isZero() || interval.isNegative())) {
            throw new IllegalArgumentException("pipeline.import.interval must be positive, was " + interval);
        }
    }
}
