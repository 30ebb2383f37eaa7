package com.ecommerce.pipeline.ingest.idempotency;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param table the DynamoDB table of completed keys; blank switches the store off (every request is
 *     published, repeats included, and the sinks deduplicate)
 * @param retention how long a key is remembered ({@code expiresAt}: checked on read, and DynamoDB TTL deletes
 *     the record some time later)
 */
@ConfigurationProperties(prefix = "pipeline.ingest.idempotency")
public record IdempotencyProperties(
        @DefaultValue("idempotency-keys") String table, @DefaultValue("7d") Duration retention) {}
