package com.ecommerce.pipeline.query.analytics;

import java.math.BigDecimal;

/** The analytics answers (money rounded half-up to 2 decimals). */
final class Analytics {

    private Analytics() {}

    record PeriodRevenue(String period, BigDecimal revenue, long rows, long invoices) {}

    record AverageSales(
            String granularity,
            long periods,
            BigDecimal totalRevenue,
            BigDecimal averageRevenue,
            BigDecimal averageInvoices) {}

    record Product(String stockCode, String description, long quantity, BigDecimal revenue) {}

    record Customer(String customerId, BigDecimal revenue, long invoices) {}

    record Invoice(String invoiceNo, String customerId, BigDecimal totalValue) {}
}
