package com.ecommerce.pipeline.query.invoices;

import java.math.BigDecimal;
import java.util.List;

/**
 * A customer's purchase history, newest first, one page of it; {@code invoiceCount} and {@code
 * totalSpend} cover all the customer's invoices (cancellations count with their negative value).
 */
public record CustomerInvoices(
        String customerId, int invoiceCount, BigDecimal totalSpend, int page, int size, List<Summary> invoices) {

    public record Summary(
            String invoiceNo, String invoiceDate, int lineCount, BigDecimal totalValue, boolean cancelled) {}
}
