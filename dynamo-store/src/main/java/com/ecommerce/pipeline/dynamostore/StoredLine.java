package com.ecommerce.pipeline.dynamostore;

import java.math.BigDecimal;

/**
 * One invoice line as the store holds it: exact decimals, the invoice date as ISO-8601 local
 * date-time text, and where it was posted (request key and row), which orders an invoice's lines.
 *
 * @param customerId null when the row has none
 */
public record StoredLine(
        String eventId,
        String ingestKey,
        int row,
        String stockCode,
        String description,
        long quantity,
        BigDecimal unitPrice,
        BigDecimal lineTotal,
        String invoiceDate,
        String customerId,
        String country) {}
