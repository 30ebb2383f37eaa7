package com.ecommerce.pipeline.dynamo.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.schema.IngestMetadata;
import com.ecommerce.pipeline.schema.Transaction;
import com.ecommerce.pipeline.schema.TransactionEvent;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WriteLimitsTest {

    private static Transaction row(String invoiceNo, String description, int quantity, String price, String customer) {
        return new Transaction(
                invoiceNo,
                "85123A",
                description,
                quantity,
                LocalDateTime.of(2010, 12, 1, 8, 26),
                new BigDecimal(price),
                customer,
                "United Kingdom");
    }

    private static Optional<String> violation(String eventId, Transaction t) {
        TransactionEvent event = new TransactionEvent(eventId, t, new IngestMetadata("k", 0, Instant.EPOCH, "test"));
        return WriteLimits.violation(event, InvoiceLines.item(event));
    }

    @Test
    void aRealRowAndTheIngestValidatorsExtremesAreWritable() {
        assertThat(violation("e", row("536365", "WHITE HANGING HEART T-LIGHT HOLDER", 6, "2.55", "17850")))
                .isEmpty();
        assertThat(violation("e", row("C536379", "", -10_000_000, "-10000000.0001", null)))
                .isEmpty();
    }

    @Test
    void emptyKeysArePoison() {
        assertThat(violation("", row("536365", "d", 1, "1", "17850")))
                .hasValueSatisfying(r -> assertThat(r).contains("eventId is empty"));
        assertThat(violation("e", row("", "d", 1, "1", "17850")))
                .hasValueSatisfying(r -> assertThat(r).contains("InvoiceNo is empty"));
    }

    @Test
    void keysOverDynamoDbsKeyLimitsArePoison() {
        assertThat(violation("e", row("1".repeat(2049), "d", 1, "1", null)))
                .hasValueSatisfying(r -> assertThat(r).contains("2048-byte key limit"));
        assertThat(violation("e".repeat(1025), row("536365", "d", 1, "1", null)))
                .hasValueSatisfying(r -> assertThat(r).contains("1024-byte sort key limit"));
        assertThat(violation("e", row("536365", "d", 1, "1", "c".repeat(2049))))
                .hasValueSatisfying(r -> assertThat(r).contains("CustomerID"));
        // Fits the invoices partition key but not the customers sort key (date + '#' + invoice number).
        assertThat(violation("e", row("1".repeat(1010), "d", 1, "1", "17850")))
                .hasValueSatisfying(r -> assertThat(r).contains("InvoiceDate#InvoiceNo"));
    }

    @Test
    void anItemOverFourHundredKilobytesIsPoisonCountingUtf8Bytes() {
        // 140,000 three-byte characters: under 400 KB in chars, over it in UTF-8.
        assertThat(violation("e", row("536365", "€".repeat(140_000), 1, "1", null)))
                .hasValueSatisfying(r -> assertThat(r).contains("item limit"));
        assertThat(violation("e", row("536365", "x".repeat(300_000), 1, "1", null)))
                .isEmpty();
    }

    @Test
    void numbersThatCouldNotBeTotalledExactlyArePoison() {
        assertThat(violation("e", row("536365", "d", 1, "1E+20", null))).isPresent();
        assertThat(violation("e", row("536365", "d", 10_000_000, "1E+13", null)))
                .isPresent();
        assertThat(violation("e", row("536365", "d", 1, "0.00000000001", null))).isPresent();
        // Trailing zeros are not decimals that matter.
        assertThat(violation("e", row("536365", "d", 1, "2.500000000000000", null)))
                .isEmpty();
    }

    @Test
    void itemSizeCountsNamesAndUtf8Values() {
        var item = java.util.Map.of(
                "ab", InvoiceLines.s("é"), // 2 + 2
                "n", InvoiceLines.n("12345"), // 1 + 4
                "b", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromBool(true)); // 1 + 1
        assertThat(WriteLimits.size(item)).isEqualTo(11);
    }
}
