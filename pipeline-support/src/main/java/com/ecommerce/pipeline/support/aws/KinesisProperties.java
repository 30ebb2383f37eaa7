package com.ecommerce.pipeline.support.aws;

import jakarta.validation.constraints.NotBlank;
import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Where the transactions stream lives. {@code endpoint} is set only for emulators (kinesis-local,
 * LocalStack); on real AWS it stays empty and the SDK resolves the regional endpoint.
 */
@Validated
@ConfigurationProperties(prefix = "pipeline.kinesis")
public record KinesisProperties(@NotBlank String stream, URI endpoint) {}
