package com.ecommerce.pipeline.query.invoices;

import com.ecommerce.pipeline.dynamostore.InvoiceSummary;
import com.ecommerce.pipeline.query.web.Money;
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

    /**
     * Page {@code page} of {@code size} of the whole history (newest first, as the reader returns it);
     * the count and spend over all of it, summed exactly and rounded once.
     */
    static CustomerInvoices page(String customerId, List<InvoiceSummary> newestFirst, int page, int size) {
        BigDecimal totalSpend =
                newestFirst.stream().map(InvoiceSummary::totalValue).reduce(BigDecimal.ZERO, BigDecimal::add);
        int from = (int) Math.min((long) page * size, newestFirst.size());
        int to = (int) Math.min((long) from + size, newestFirst.size());
        List<Summary> onPage = newestFirst.subList(from, to).stream()
                .map(s -> new Summary(
                        s.invoiceNo(), s.invoiceDate(), s.lineCount(), Money.round(s.totalValue()), s.cancelled()))
                .toList();
        return new CustomerInvoices(customerId, newestFirst.size(), Money.round(totalSpend), page, size, onPage);
    }
}
