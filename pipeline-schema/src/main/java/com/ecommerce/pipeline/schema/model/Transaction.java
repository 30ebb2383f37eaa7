package com.ecommerce.pipeline.schema.model;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.Objects;

/**
 * One row of the dataset, carried exactly as written (dirt included). Build it through the {@code input} package's
 * validator (CSV rows, request JSON, event lines and import files all pass through it); the constructor only
 * normalises the empty values so that every source agrees on them.
 *
 * @param description never null: "" when empty, otherwise kept exactly (leading/trailing spaces too)
 * @param unitPrice keeps the scale as written ("2.55" has scale 2, "18" scale 0)
 * @param customerId null when empty (135,080 rows of the dataset have none)
 * @param country never null: "" when empty
 */
public record Transaction(
        String invoiceNo,
        String stockCode,
        String description,
        int quantity,
        LocalDateTime invoiceDate,
        BigDecimal unitPrice,
        String customerId,
        String country) {

    public Transaction {
        Objects.requireNonNull(invoiceNo, "invoiceNo");
        Objects.requireNonNull(stockCode, "stockCode");
        Objects.requireNonNull(invoiceDate, "invoiceDate");
        Objects.requireNonNull(unitPrice, "unitPrice");
        description = description == null ? "" : description;
        customerId = customerId == null || customerId.isEmpty() ? null : customerId;
        country = country == null ? "" : country;
    }

    /** A cancellation: the dataset marks them with a "C" before the invoice number. */
    public boolean cancelled() {
        return invoiceNo.startsWith("C");
    }
}
