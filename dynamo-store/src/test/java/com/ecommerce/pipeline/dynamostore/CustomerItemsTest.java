package com.ecommerce.pipeline.dynamostore;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class CustomerItemsTest {

    private final List<TransactionEvent> events = new ArrayList<>();

    /** The next row of invoice 536591's request. */
    private void line(int minute, int quantity, String price, String customer, String country) {
        int row = events.size();
        Transaction t = new Transaction(
                "536591",
                "S" + row,
                "d",
                quantity,
                LocalDateTime.of(2010, 12, 1, 16, minute),
                new BigDecimal(price),
                customer,
                country);
        events.add(new TransactionEvent("e" + row, t, new IngestMetadata("k", row, Instant.EPOCH, "t")));
    }

    private List<Map<String, AttributeValue>> items() {
        List<InvoicePieces.Piece> pieces = InvoicePieces.of(events);
        assertThat(pieces).hasSize(1);
        return CustomerItems.items(pieces.get(0), events);
    }

    @Test
    void oneExactItemPerCustomerOfThePieceUnderItsEarliestDateAndNoneForRowsWithoutCustomer() {
        line(58, 3, "0.85", "14606", "United Kingdom");
        line(57, 12, "1.65", "14606", "United Kingdom");
        line(58, 5, "1.00", null, "United Kingdom");
        line(58, -1, "4.95", "14606", "United Kingdom");
        line(57, 12, "1.65", "14606", "United Kingdom");
        line(59, 2, "0.10", "12680", "France");

        List<Map<String, AttributeValue>> items = items();

        assertThat(items).hasSize(2);
        Map<String, AttributeValue> first = items.get(0);
        assertThat(first.get(CustomerItems.CUSTOMER_ID).s()).isEqualTo("14606");
        assertThat(first.get(CustomerItems.INVOICE_KEY).s()).isEqualTo("536591#e0");
        assertThat(first.get(CustomerItems.INVOICE_NO).s()).isEqualTo("536591");
        assertThat(first.get(CustomerItems.INVOICE_DATE).s()).isEqualTo("2010-12-01T16:57:00");
        assertThat(first.get(CustomerItems.LINE_COUNT).n()).isEqualTo("4");
        assertThat(first.get(CustomerItems.TOTAL_QUANTITY).n()).isEqualTo("26");
        // 2.55 + 19.80 - 4.95 + 19.80, exactly, the prices' scale kept.
        assertThat(first.get(CustomerItems.TOTAL_VALUE).n()).isEqualTo("37.20");
        assertThat(first.get(CustomerItems.CANCELLED).bool()).isFalse();

        Map<String, AttributeValue> second = items.get(1);
        assertThat(second.get(CustomerItems.CUSTOMER_ID).s()).isEqualTo("12680");
        assertThat(second.get(CustomerItems.INVOICE_KEY).s()).isEqualTo("536591#e0");
        assertThat(second.get(CustomerItems.LINE_COUNT).n()).isEqualTo("1");
        assertThat(second.get(CustomerItems.TOTAL_VALUE).n()).isEqualTo("0.20");
        assertThat(second.get(CustomerItems.COUNTRY).s()).isEqualTo("France");
    }

    @Test
    void anItemReadsBackAsTheSummaryItWasWrittenFrom() {
        InvoiceSummary summary = new InvoiceSummary(
                "C536379", "2010-12-01T09:41:00", "United Kingdom", 3, -7, new BigDecimal("-27.50"), true);

        InvoiceSummary read = CustomerItems.summary(CustomerItems.item("14527", "p1", summary));

        assertThat(read.invoiceNo()).isEqualTo("C536379");
        assertThat(read.invoiceDate()).isEqualTo("2010-12-01T09:41:00");
        assertThat(read.country()).isEqualTo("United Kingdom");
        assertThat(read.lineCount()).isEqualTo(3);
        assertThat(read.totalQuantity()).isEqualTo(-7);
        assertThat(read.totalValue()).isEqualByComparingTo("-27.5");
        assertThat(read.cancelled()).isTrue();
    }

    @Test
    void thePiecesOfOneInvoiceAddUpToTheSameSummaryInAnyOrder() {
        InvoiceSummary a =
                new InvoiceSummary("536592", "2010-12-01T17:06:00", "", 128, 300, new BigDecimal("100.10"), false);
        InvoiceSummary b = new InvoiceSummary(
                "536592", "2010-12-01T17:05:00", "United Kingdom", 128, -2, new BigDecimal("0.005"), false);
        InvoiceSummary c =
                new InvoiceSummary("536592", "2010-12-01T17:06:00", "France", 3, 1, new BigDecimal("-1"), true);

        InvoiceSummary abc = a.plus(b).plus(c);

        assertThat(abc.lineCount()).isEqualTo(259);
        assertThat(abc.totalQuantity()).isEqualTo(299);
        assertThat(abc.totalValue()).isEqualByComparingTo("99.105");
        assertThat(abc.invoiceDate()).isEqualTo("2010-12-01T17:05:00");
        // One country whatever the order: the first non-empty one in text order.
        assertThat(abc.country()).isEqualTo("France");
        assertThat(abc.cancelled()).isTrue();
        for (InvoiceSummary other : List.of(c.plus(b).plus(a), b.plus(c).plus(a), c.plus(a.plus(b)))) {
            assertThat(other.invoiceNo()).isEqualTo(abc.invoiceNo());
            assertThat(other.invoiceDate()).isEqualTo(abc.invoiceDate());
            assertThat(other.country()).isEqualTo(abc.country());
            assertThat(other.lineCount()).isEqualTo(abc.lineCount());
            assertThat(other.totalQuantity()).isEqualTo(abc.totalQuantity());
            assertThat(other.totalValue()).isEqualByComparingTo(abc.totalValue());
            assertThat(other.cancelled()).isEqualTo(abc.cancelled());
        }
    }
}
