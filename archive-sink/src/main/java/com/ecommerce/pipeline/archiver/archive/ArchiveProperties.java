package com.ecommerce.pipeline.archiver.archive;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where the raw archive goes ({@code pipeline.archive.*}).
 *
 * @param bucket the S3 bucket
 * @param prefix the key prefix of the archive inside it; the date partitions follow
 * @param concurrency how many objects are serialised, compressed and put at once (shared by the shards)
 */
@Validated
@ConfigurationProperties(prefix = "pipeline.archive", ignoreUnknownFields = false)
public record ArchiveProperties(
        @DefaultValue("ecommerce-raw") @NotBlank String bucket,
        @DefaultValue("raw/") @NotNull String prefix,
        @DefaultValue("8") @Min(1) @Max(64) int concurrency) {

    @ConstructorBinding
    public ArchiveProperties {
        if (prefix != null && !prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix = prefix + "/";
        }
    }

    /** The archive at that place, with the default concurrency. */
    public ArchiveProperties(String bucket, String prefix) {
        this(bucket, prefix, 8);
    }
}
