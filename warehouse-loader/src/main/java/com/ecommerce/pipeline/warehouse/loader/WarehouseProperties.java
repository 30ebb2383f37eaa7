package com.ecommerce.pipeline.warehouse.loader;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The loader's own settings ({@code pipeline.warehouse.*}).
 *
 * @param biFoldInterval how often the BI folders look for pending deltas when they have folded them all: the most
 *     the BI views trail a committed batch (plus the folds' duration) while the loader keeps up
 * @param biFoldMaxWait how long the folders wait at most, at a time, while the shards drain a backlog (full
 *     batches) before folding anyway; zero folds at once, whatever the backlog
 */
@Validated
@ConfigurationProperties(prefix = "pipeline.warehouse", ignoreUnknownFields = false)
public record WarehouseProperties(
        @DefaultValue("1s") @NotNull Duration biFoldInterval, @DefaultValue("30s") @NotNull Duration biFoldMaxWait) {

    public WarehouseProperties {
        if (biFoldInterval != null && (biFoldInterval.isNegative() || biFoldInterval.isZero())) {
            throw new IllegalArgumentException("pipeline.warehouse.bi-fold-interval must be positive");
        }
        if (biFoldMaxWait != null && biFoldMaxWait.isNegative()) {
            throw new IllegalArgumentException("pipeline.warehouse.bi-fold-max-wait must not be negative");
        }
    }
}
