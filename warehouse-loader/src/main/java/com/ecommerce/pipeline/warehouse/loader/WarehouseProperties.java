package com.ecommerce.pipeline.warehouse.loader;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The loader's own settings ({@code pipeline.warehouse.*}).
 *
 * @param biFoldInterval how often pending BI deltas are folded besides after each batch: the most the
 *     BI views trail a committed batch that found another fold running (plus that fold's duration)
 */
@Validated
@ConfigurationProperties(prefix = "pipeline.warehouse", ignoreUnknownFields = false)
public record WarehouseProperties(@DefaultValue("1s") @NotNull Duration biFoldInterval) {

    public WarehouseProperties {
        if (biFoldInterval != null && (biFoldInterval.isNegative() || biFoldInterval.isZero())) {
            throw new IllegalArgumentException("pipeline.warehouse.bi-fold-interval must be positive");
        }
    }
}
