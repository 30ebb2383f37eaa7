package com.ecommerce.pipeline.dynamostore;

import java.math.BigDecimal;

/**
 * A customer's part of one invoice: their lines' count, quantity and exact value, the earliest line's
 * date, and whether it is a cancellation.
 */
public record InvoiceSummary(
        String invoiceNo,
        String invoiceDate,
        String country,
        int lineCount,
        long totalQuantity,
        BigDecimal totalValue,
        boolean cancelled) {

    /** The two parts of one invoice kept in different piece items, as one. */
    InvoiceSummary plus(InvoiceSummary other) {
        return new InvoiceSummary(
                invoiceNo,
                invoiceDate.compareTo(other.invoiceDate) <= 0 ? invoiceDate : other.invoiceDate,
                country.isEmpty() || !other.country.isEmpty() && other.country.compareTo(country) < 0
                        ? other.country
                        : country,
                lineCount + other.lineCount,
                totalQuantity + other.totalQuantity,
                totalValue.add(other.totalValue),
                cancelled || other.cancelled);
    }
}
