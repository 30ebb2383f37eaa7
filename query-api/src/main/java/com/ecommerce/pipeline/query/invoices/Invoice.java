package com.ecommerce.pipeline.query.invoices;

import com.ecommerce.pipeline.dynamostore.StoredInvoice;
import com.ecommerce.pipeline.dynamostore.StoredLine;
import com.ecommerce.pipeline.query.web.Money;
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

    /** @param eventId the row's event id (what {@code PUT}/{@code DELETE /transactions/{eventId}} take) */
    public record Line(
            String eventId,
            String stockCode,
            String description,
            long quantity,
            BigDecimal unitPrice,
            BigDecimal lineTotal) {}

    /** The stored invoice with its money rounded half-up to 2 decimals (totals from the exact values). */
    static Invoice of(StoredInvoice stored) {
        List<Line> lines = stored.lines().stream().map(Invoice::line).toList();
        return new Invoice(
                stored.invoiceNo(),
                stored.customerId(),
                stored.country(),
                stored.invoiceDate(),
                lines,
                lines.size(),
                stored.totalQuantity(),
                Money.round(stored.totalValue()));
    }

    private static Line line(StoredLine line) {
        return new Line(
                line.eventId(),
                line.stockCode(),
                line.description(),
                line.quantity(),
                Money.round(line.unitPrice()),
                Money.round(line.lineTotal()));
    }
}
