package com.ecommerce.pipeline.ingest;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Limits of one {@code POST /transactions}.
 *
 * @param maxBodySize larger bodies get 413
 * @param maxRows more rows in one request get 413
 * @param publishTimeout how long a request may wait for the stream before it is answered 503
 * @param retryAfter the {@code Retry-After} advised with a 503
 */
@Validated
@ConfigurationProperties(prefix = "pipeline.ingest")
public record IngestProperties(
        @NotNull @DefaultValue("10MB") DataSize maxBodySize,
        @Min(1) @Max(100_000) @DefaultValue("10000") int maxRows,
        @NotNull @DefaultValue("10s") Duration publishTimeout,
        @NotNull @DefaultValue("5s") Duration retryAfter) {}
