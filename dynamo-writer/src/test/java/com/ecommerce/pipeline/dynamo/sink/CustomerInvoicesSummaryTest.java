package com.ecommerce.pipeline.dynamo.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.schema.IngestMetadata;
import com.ecommerce.pipeline.schema.Transaction;
import com.ecommerce.pipeline.schema.TransactionEvent;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class CustomerInvoicesSummaryTest {

    private static Map<String, AttributeValue> line(int minute, int quantity, String price, String country) {
        Transaction t = new Transaction(
                "536591",
                "S",
                "d",
                quantity,
                LocalDateTime.of(2010, 12, 1, 16, minute),
                new BigDecimal(price),
                "14606",
                country);
        return InvoiceLines.item(new TransactionEvent("e", t, new IngestMetadata("k", 0, Instant.EPOCH, "t")));
    }

    @Test
    void summaryIsExactAndKeyedByTheEarliestDateWhateverTheLineOrder() {
        List<Map<String, AttributeValue>> lines = new ArrayList<>(List.of(
                line(58, 3, "0.85", "United Kingdom"),
                line(57, 12, "1.65", "United Kingdom"),
                line(58, -1, "4.95", "United Kingdom"),
                line(57, 12, "1.65", "United Kingdom")));

        var summary = CustomerInvoices.Summary.of("14606", "536591", lines);
        Collections.reverse(lines);

        assertThat(CustomerInvoices.Summary.of("14606", "536591", lines)).isEqualTo(summary);
        assertThat(summary.invoiceKey()).isEqualTo("2010-12-01T16:57:00#536591");
        assertThat(summary.laterDates()).isEqualTo(Set.of("2010-12-01T16:58:00"));
        assertThat(summary.lineCount()).isEqualTo(4);
        assertThat(summary.totalQuantity()).isEqualTo(26);
        // 2.55 + 19.80 - 4.95 + 19.80, exactly.
        assertThat(summary.totalValue()).isEqualByComparingTo("37.20");
        assertThat(summary.cancelled()).isFalse();
        assertThat(summary.item().get(CustomerInvoices.TOTAL_VALUE).n()).isEqualTo("37.20");
    }

    @Test
    void anInvoiceWithMixedCountriesGetsOneDeterministicCountry() {
        var summary = CustomerInvoices.Summary.of(
                "c",
                "536591",
                List.of(line(57, 1, "1", "United Kingdom"), line(57, 1, "1", ""), line(57, 1, "1", "France")));
        assertThat(summary.country()).isEqualTo("France");
    }
}
