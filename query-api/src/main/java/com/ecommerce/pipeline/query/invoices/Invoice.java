package com.ecommerce.pipeline.query.invoices;

import java.math.BigDecimal;
import java.util.List;

/** An invoice with its lines, as {@code GET /invoices/{invoiceNo}} returns it (money rounded). */
public record Invoice(
        String invoiceNo,
        String customerId,
        String country,
        String invoiceDate,
        List<Line> lines,
        int lineCount,
        long totalQuantity,
        BigDecimal totalValue) {

    public record Line(
            String stockCode, String description, long quantity, BigDecimal unitPrice, BigDecimal lineTotal) {}
}
