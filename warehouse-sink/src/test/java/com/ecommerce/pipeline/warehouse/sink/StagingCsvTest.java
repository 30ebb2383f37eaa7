package com.ecommerce.pipeline.warehouse.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.schema.model.IngestMetadata;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class StagingCsvTest {

    private static final LocalDateTime DATE = LocalDateTime.of(2010, 12, 1, 8, 26);
    private static final Instant RECEIVED = Instant.parse("2026-01-02T03:04:05.123456789Z");

    @Test
    void quotesEveryTextValueAndDoublesItsQuotes() {
        TransactionEvent event = event(new Transaction(
                "C536379",
                "D",
                "Discount, \"10%\" £5.00",
                -1,
                DATE,
                new BigDecimal("27.50"),
                "14527",
                "United Kingdom"));

        assertThat(line(event))
                .isEqualTo("\"" + event.eventId() + "\",\"C536379\",\"D\",\"Discount, \"\"10%\"\" £5.00\",-1,"
                        + "2010-12-01T08:26:00,27.50,\"14527\",\"United Kingdom\",\"key\",3,"
                        + "2026-01-02T03:04:05.123456Z,\"test\",0,f\n");
    }

    @Test
    void anEmptyStringIsQuotedAndOnlyAMissingCustomerIsNull() {
        TransactionEvent event = event(new Transaction("536414", "22139", "", 56, DATE, new BigDecimal("0"), null, ""));

        assertThat(line(event)).contains(",\"22139\",\"\",56,").contains(",0,,\"\",\"key\",");
    }

    @Test
    void keepsThePriceAsWrittenAndWritesFarYearsWithoutASign() {
        TransactionEvent event = event(new Transaction(
                "A563186",
                "B",
                "Adjust bad debt",
                1,
                LocalDateTime.of(12_345, 8, 12, 14, 51),
                new BigDecimal("-11062.060"),
                null,
                "United Kingdom"));

        assertThat(line(event)).contains(",12345-08-12T14:51:00,-11062.060,,");
    }

    @Test
    void writesTextAsUtf8AndTimesWithTheirFractions() {
        TransactionEvent event = TransactionEvent.of(
                new Transaction(
                        "536365",
                        "85123A",
                        "£ é \u20ac \uD83D\uDE00 \"q\"",
                        6,
                        LocalDateTime.of(2011, 2, 3, 4, 5, 6, 500_000_000),
                        new BigDecimal("2.55"),
                        "17850",
                        "España"),
                new IngestMetadata("key", 0, Instant.parse("2026-01-02T03:04:05.120Z"), "test"));

        assertThat(line(event))
                .contains(",\"£ é \u20ac \uD83D\uDE00 \"\"q\"\"\",6,2011-02-03T04:05:06.5,2.55,\"17850\",\"España\",")
                .contains(",0,2026-01-02T03:04:05.12Z,\"test\",0,f\n");
        assertThat(StagingCsv.line(event))
                .as("UTF-8 bytes, a 4-byte sequence for the pair")
                .isEqualTo(line(event).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void findsWhatPostgresCannotStoreExactly() {
        assertThat(StagingCsv.unstorable(event(new Transaction(
                        "536365", "85123A", "ok £", 6, DATE, BigDecimal.ONE, "17850", "United Kingdom"))))
                .isNull();
        assertThat(StagingCsv.unstorable(event(new Transaction(
                        "536365", "85123A", "a\u0000b", 6, DATE, BigDecimal.ONE, "17850", "United Kingdom"))))
                .contains("Description")
                .contains("NUL");
        assertThat(StagingCsv.unstorable(event(new Transaction(
                        "536365", "85123A", "x", 6, DATE, BigDecimal.ONE, "17850", "United \uD800Kingdom"))))
                .contains("Country")
                .contains("surrogate");
        assertThat(StagingCsv.unstorable(event(new Transaction(
                        "536365", "85123A", "\uD83D\uDE00 pair", 6, DATE, BigDecimal.ONE, "17850", "UK"))))
                .isNull();
        assertThat(StagingCsv.unstorable(event(
                        new Transaction("536365", "85123A", "x", 6, DATE.withNano(1), BigDecimal.ONE, "17850", "UK"))))
                .contains("InvoiceDate");
    }

    @Test
    void appendRefusesWhatUnstorableRefusesAndLeavesTheBufferAsItWas() {
        List<TransactionEvent> events = List.of(
                event(new Transaction("536365", "85123A", "ok £", 6, DATE, BigDecimal.ONE, "17850", "UK")),
                event(new Transaction("536365", "85123A", "a\u0000b", 6, DATE, BigDecimal.ONE, "17850", "UK")),
                event(new Transaction("536365", "85123A", "x", 6, DATE, BigDecimal.ONE, "17850", "United \uD800K")),
                event(new Transaction("536365", "85123A", "x", 6, DATE, BigDecimal.ONE, "\uDC00", "UK")),
                event(new Transaction("536365", "85123A", "x\uD83D", 6, DATE, BigDecimal.ONE, "17850", "UK")),
                event(new Transaction("536365", "85123A", "\uD83D\uDE00", 6, DATE, BigDecimal.ONE, null, "UK")),
                event(new Transaction("536365", "85123A", "x", 6, DATE.withNano(1), BigDecimal.ONE, "17850", "UK")));
        StagingCsv.Out out = new StagingCsv.Out(16);
        for (TransactionEvent e : events) {
            int before = out.size();
            boolean appended = StagingCsv.append(out, e);
            assertThat(appended).as(e.transaction().toString()).isEqualTo(StagingCsv.unstorable(e) == null);
            if (appended) {
                assertThat(Arrays.copyOfRange(out.array(), before, out.size())).isEqualTo(StagingCsv.line(e));
            } else {
                assertThat(out.size()).isEqualTo(before);
            }
        }
        assertThat(out.size()).isEqualTo(StagingCsv.line(events.get(0)).length + StagingCsv.line(events.get(5)).length);
    }

    private static TransactionEvent event(Transaction transaction) {
        return TransactionEvent.of(transaction, new IngestMetadata("key", 3, RECEIVED, "test"));
    }

    private static String line(TransactionEvent event) {
        return new String(StagingCsv.line(event), StandardCharsets.UTF_8);
    }
}
