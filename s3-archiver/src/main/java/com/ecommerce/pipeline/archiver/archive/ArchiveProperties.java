package com.ecommerce.pipeline.archiver.archive;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where the raw archive goes ({@code pipeline.archive.*}).
 *
 * @param bucket the S3 bucket
 * @param prefix the key prefix of the archive inside it; the date partitions follow
 */
@Validated
@ConfigurationProperties(prefix = "pipeline.archive", ignoreUnknownFields = false)
public record ArchiveProperties(
        @DefaultValue("ecommerce-raw") @NotBlank String bucket, @DefaultValue("raw/") @NotNull String prefix) {

    public ArchiveProperties {
        if (prefix != null && !prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix = prefix + "/";
        }
    }
}
