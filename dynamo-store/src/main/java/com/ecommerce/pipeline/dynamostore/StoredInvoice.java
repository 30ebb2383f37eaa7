package com.ecommerce.pipeline.dynamostore;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An invoice as read back from its piece items: every line once, in posting order (request key,
 * then row).
 */
public record StoredInvoice(String invoiceNo, List<StoredLine> lines) {

    public StoredInvoice {
        lines = List.copyOf(lines);
    }

    /** The first line's customer that has one, or null when no line has a customer. */
    public String customerId() {
        return lines.stream()
                .map(StoredLine::customerId)
                .filter(Objects::nonNull)
                .findFirst()
                .orElse(null);
    }

    /** Every customer its lines name, null included when a line has none, each once. */
    public List<String> customerIds() {
        List<String> ids = new ArrayList<>();
        for (StoredLine line : lines) {
            if (!ids.contains(line.customerId())) {
                ids.add(line.customerId());
            }
        }
        return ids;
    }

    public String country() {
        return lines.isEmpty() ? "" : lines.get(0).country();
    }

    /** The earliest line's date (a few invoices span two minutes). */
    public String invoiceDate() {
        return lines.stream()
                .map(StoredLine::invoiceDate)
                .min(String::compareTo)
                .orElse(null);
    }

    public long totalQuantity() {
        return lines.stream().mapToLong(StoredLine::quantity).sum();
    }

    /** Exact, not rounded. */
    public BigDecimal totalValue() {
        return lines.stream().map(StoredLine::lineTotal).reduce(BigDecimal.ZERO, BigDecimal::add);
    }
}
