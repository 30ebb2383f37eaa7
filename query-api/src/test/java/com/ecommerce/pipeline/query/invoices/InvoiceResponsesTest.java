package com.ecommerce.pipeline.query.invoices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.ecommerce.pipeline.dynamostore.InvoiceSummary;
import com.ecommerce.pipeline.dynamostore.StoredInvoice;
import com.ecommerce.pipeline.dynamostore.StoredLine;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the reader's exact values become in responses: rounded half-up to 2 decimals, only there. */
class InvoiceResponsesTest {

    private static StoredLine line(String eventId, int row, long quantity, String unitPrice, String customerId) {
        BigDecimal price = new BigDecimal(unitPrice);
        return new StoredLine(
                eventId,
                "key",
                row,
                "S" + row,
                "item " + row,
                quantity,
                price,
                price.multiply(BigDecimal.valueOf(quantity)),
                "2011-01-0" + (3 - row) + "T10:00:00",
                customerId,
                "France");
    }

    @Test
    void anInvoiceCarriesEachLinesEventIdAndRoundsOnlyTheResults() {
        StoredInvoice stored = new StoredInvoice(
                "536999",
                List.of(
                        line("e-0", 0, 3, "0.005", null), // 0.015: 0.01 alone, half-up
                        line("e-1", 1, 1, "2.675", "12345"), // 2.675 exactly: 2.68 (not 2.67 as a double)
                        line("e-2", 2, -1, "0.001", "12345")));

        Invoice invoice = Invoice.of(stored);

        assertThat(invoice.invoiceNo()).isEqualTo("536999");
        assertThat(invoice.customerId()).isEqualTo("12345");
        assertThat(invoice.country()).isEqualTo("France");
        assertThat(invoice.invoiceDate()).isEqualTo("2011-01-01T10:00:00");
        assertThat(invoice.lines())
                .containsExactly(
                        new Invoice.Line("e-0", "S0", "item 0", 3, new BigDecimal("0.01"), new BigDecimal("0.02")),
                        new Invoice.Line("e-1", "S1", "item 1", 1, new BigDecimal("2.68"), new BigDecimal("2.68")),
                        new Invoice.Line("e-2", "S2", "item 2", -1, new BigDecimal("0.00"), new BigDecimal("0.00")));
        assertThat(invoice.lineCount()).isEqualTo(3);
        assertThat(invoice.totalQuantity()).isEqualTo(3);
        // 0.015 + 2.675 - 0.001 = 2.689 exactly: 2.69 (the rounded lines would sum to 2.70).
        assertThat(invoice.totalValue()).isEqualTo(new BigDecimal("2.69"));
    }

    @Test
    void aHistoryPageCountsAndSumsTheWholeHistoryExactly() {
        List<InvoiceSummary> newestFirst = List.of(
                new InvoiceSummary("3", "2011-01-03T10:00:00", "UK", 1, 1, new BigDecimal("0.005"), false),
                new InvoiceSummary("2", "2011-01-02T10:00:00", "UK", 2, 2, new BigDecimal("0.005"), false),
                new InvoiceSummary("C1", "2011-01-01T10:00:00", "UK", 1, -1, new BigDecimal("-1.004"), true));

        CustomerInvoices page = CustomerInvoices.page("12345", newestFirst, 1, 2);

        assertThat(page.customerId()).isEqualTo("12345");
        assertThat(page.invoiceCount()).isEqualTo(3);
        assertThat(page.totalSpend()).isEqualTo(new BigDecimal("-0.99")); // -0.994, not 0.01 + 0.01 - 1.00
        assertThat(page.page()).isEqualTo(1);
        assertThat(page.size()).isEqualTo(2);
        assertThat(page.invoices())
                .containsExactly(
                        new CustomerInvoices.Summary("C1", "2011-01-01T10:00:00", 1, new BigDecimal("-1.00"), true));
        assertThat(CustomerInvoices.page("12345", newestFirst, 0, 2).invoices())
                .extracting(CustomerInvoices.Summary::invoiceNo, CustomerInvoices.Summary::totalValue)
                .containsExactly(tuple("3", new BigDecimal("0.01")), tuple("2", new BigDecimal("0.01")));
        assertThat(CustomerInvoices.page("12345", newestFirst, 5, 2).invoices()).isEmpty();
        assertThat(CustomerInvoices.page("12345", newestFirst, Integer.MAX_VALUE, 100)
                        .invoices())
                .isEmpty();
    }
}
