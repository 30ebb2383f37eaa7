package com.ecommerce.pipeline.lake.analytics;

import java.math.BigDecimal;

/** The BI answers, shaped as query-api's analytics endpoints give them (money rounded half-up to 2 decimals). */
public final class BiAnswers {

    private BiAnswers() {}

    public record PeriodRevenue(String period, BigDecimal revenue, long rows, long invoices) {}

    public record AverageSales(
            String granularity,
            long periods,
            BigDecimal totalRevenue,
            BigDecimal averageRevenue,
            BigDecimal averageInvoices) {}

    public record Product(String stockCode, String description, long quantity, BigDecimal revenue) {}

    public record Customer(String customerId, BigDecimal revenue, long invoices) {}

    public record Invoice(String invoiceNo, String customerId, BigDecimal totalValue) {}
}
