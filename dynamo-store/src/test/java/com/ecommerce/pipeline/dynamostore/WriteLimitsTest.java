package com.ecommerce.pipeline.dynamostore;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.schema.input.TransactionValidator;
import com.ecommerce.pipeline.schema.kinesis.InvoicePieces;
import com.ecommerce.pipeline.schema.model.IngestMetadata;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class WriteLimitsTest {

    /** A four-byte UTF-8 character (two Java chars, one code point, as the validator counts). */
    private static final String FOUR_BYTES = "😀";

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

    private static TransactionEvent event(String eventId, Transaction t, int row) {
        return new TransactionEvent(eventId, t, new IngestMetadata("k", row, Instant.EPOCH, "test"));
    }

    private static Optional<String> violation(String eventId, Transaction t) {
        return WriteLimits.violation(event(eventId, t, 0));
    }

    /** Every text field at the ingest validator's maximum length, in four-byte characters. */
    private static Transaction validatorsLargestRow() {
        return new Transaction(
                FOUR_BYTES.repeat(TransactionValidator.MAX_INVOICE_NO_LENGTH),
                FOUR_BYTES.repeat(TransactionValidator.MAX_STOCK_CODE_LENGTH),
                FOUR_BYTES.repeat(TransactionValidator.MAX_DESCRIPTION_LENGTH),
                -TransactionValidator.MAX_ABS_QUANTITY,
                LocalDateTime.of(2100, 12, 31, 23, 59),
                new BigDecimal("-9999999.9999"),
                FOUR_BYTES.repeat(TransactionValidator.MAX_CUSTOMER_ID_LENGTH),
                FOUR_BYTES.repeat(TransactionValidator.MAX_COUNTRY_LENGTH));
    }

    @Test
    void aRealRowAndTheIngestValidatorsExtremesAreWritable() {
        assertThat(violation("e", row("536365", "WHITE HANGING HEART T-LIGHT HOLDER", 6, "2.55", "17850")))
                .isEmpty();
        assertThat(violation("e", row("C536379", "", -10_000_000, "-10000000.0001", null)))
                .isEmpty();
        assertThat(violation("0b1c2d3e-4f50-3a61-8b72-c3d4e5f60718", validatorsLargestRow()))
                .isEmpty();
    }

    @Test
    void aPieceOfTheLargestLinesTheValidatorLetsThroughFitsOneItem() {
        List<TransactionEvent> events = new ArrayList<>();
        for (int row = 0; row < InvoicePieces.MAX_ROWS; row++) {
            events.add(event(
                    "0b1c2d3e-4f50-3a61-8b72-c3d4e5f6" + String.format("%04d", row), validatorsLargestRow(), row));
        }
        List<InvoicePieces.Piece> pieces = InvoicePieces.of(events);
        assertThat(pieces).hasSize(1);
        assertThat(events).allSatisfy(e -> assertThat(WriteLimits.violation(e)).isEmpty());

        int itemBytes = WriteLimits.size(InvoiceItems.item(pieces.get(0), events));

        assertThat(itemBytes).isGreaterThan(250_000).isLessThan(WriteLimits.MAX_ITEM_BYTES);
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
        // Fits the invoices partition key, but not the customers sort key invoiceNo#pieceId: 1,020 + 1 + 5.
        assertThat(violation("12345", row("1".repeat(1020), "d", 1, "1", "17850")))
                .hasValueSatisfying(r -> assertThat(r).contains("InvoiceNo#eventId"));
        assertThat(violation("12", row("1".repeat(1020), "d", 1, "1", "17850"))).isEmpty();
    }

    @Test
    void aLineOverItsShareOfAPieceItemIsPoisonCountingUtf8Bytes() {
        int share = (WriteLimits.MAX_ITEM_BYTES - 4096) / InvoicePieces.MAX_ROWS;
        // 1,100 three-byte characters: under the share in chars, over it in UTF-8.
        assertThat(violation("e", row("536365", "€".repeat(1_100), 1, "1", null)))
                .hasValueSatisfying(r -> assertThat(r).contains("item limit").contains(share + " bytes"));
        assertThat(violation("e", row("536365", "x".repeat(1_100), 1, "1", null)))
                .isEmpty();
        assertThat(violation("e", row("536365", "x".repeat(401 * 1024), 1, "1", null)))
                .hasValueSatisfying(r -> assertThat(r).contains("item limit"));
    }

    @Test
    void numbersThatCouldNotBeTotalledExactlyArePoison() {
        assertThat(violation("e", row("536365", "d", 1, "1E+20", null)))
                .hasValueSatisfying(r -> assertThat(r).contains("DynamoDB number"));
        assertThat(violation("e", row("536365", "d", 10_000_000, "1E+13", null)))
                .isPresent();
        assertThat(violation("e", row("536365", "d", 1, "0.00000000001", null))).isPresent();
        // Trailing zeros are not decimals that matter.
        assertThat(violation("e", row("536365", "d", 1, "2.500000000000000", null)))
                .isEmpty();
    }

    @Test
    void itemSizeCountsNamesAndUtf8Values() {
        Map<String, AttributeValue> item = Map.of(
                "ab", InvoiceItems.s("é"), // 2 + 2
                "n", InvoiceItems.n("12345"), // 1 + 4
                "b", AttributeValue.fromBool(true)); // 1 + 1
        assertThat(WriteLimits.size(item)).isEqualTo(11);
        // A list of one map: 3 + 1 per element, the map 3 + 1 per entry, then its entries.
        Map<String, AttributeValue> nested =
                Map.of("l", AttributeValue.fromL(List.of(AttributeValue.fromM(Map.of("x", InvoiceItems.s("yz"))))));
        assertThat(WriteLimits.size(nested)).isEqualTo(1 + (3 + 1) + (3 + 1) + (1 + 2));
    }
}
