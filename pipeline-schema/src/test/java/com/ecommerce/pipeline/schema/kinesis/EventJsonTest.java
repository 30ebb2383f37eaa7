package com.ecommerce.pipeline.schema.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ecommerce.pipeline.schema.Fixtures;
import com.ecommerce.pipeline.schema.input.CsvRowReader;
import com.ecommerce.pipeline.schema.input.RowResult;
import com.ecommerce.pipeline.schema.input.TransactionCsv;
import com.ecommerce.pipeline.schema.input.TransactionJson;
import com.ecommerce.pipeline.schema.model.EventIds;
import com.ecommerce.pipeline.schema.model.IngestMetadata;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class EventJsonTest {

    // 536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850,United Kingdom
    private static final TransactionEvent EVENT = TransactionEvent.of(
            new Transaction(
                    "536365",
                    "85123A",
                    "WHITE HANGING HEART T-LIGHT HOLDER",
                    6,
                    LocalDateTime.of(2010, 12, 1, 8, 26),
                    new BigDecimal("2.55"),
                    "17850",
                    "United Kingdom"),
            new IngestMetadata("batch-1", 0, Instant.parse("2026-01-15T10:00:00.123456789Z"), "api"));

    @Test
    void eventJsonHasTheAgreedFieldNamesAndForms() {
        String json = new String(EventJson.write(EVENT), StandardCharsets.UTF_8);
        assertThat(json)
                .isEqualTo("{\"eventId\":\"" + EVENT.eventId() + "\",\"InvoiceNo\":\"536365\","
                        + "\"StockCode\":\"85123A\",\"Description\":\"WHITE HANGING HEART T-LIGHT HOLDER\","
                        + "\"Quantity\":6,\"InvoiceDate\":\"2010-12-01T08:26:00\",\"UnitPrice\":2.55,"
                        + "\"CustomerID\":\"17850\",\"Country\":\"United Kingdom\",\"ingest\":{"
                        + "\"idempotencyKey\":\"batch-1\",\"row\":0,\"receivedAt\":\"2026-01-15T10:00:00.123456789Z\","
                        + "\"source\":\"api\",\"caller\":\"anonymous\"}}");
        assertThat(json).doesNotContain("\n");
    }

    @Test
    void theCallerTravelsWithTheEventAndOneWrittenWithoutItReadsAsAnonymous() throws Exception {
        IngestMetadata m = EVENT.ingest();
        TransactionEvent signed = TransactionEvent.of(
                EVENT.transaction(),
                new IngestMetadata(m.idempotencyKey(), m.row(), m.receivedAt(), m.source(), "sub:local-ingest"));
        assertThat(EventJson.read(EventJson.write(signed))).isEqualTo(signed);
        String without =
                new String(EventJson.write(EVENT), StandardCharsets.UTF_8).replace(",\"caller\":\"anonymous\"", "");
        assertThat(without).doesNotContain("caller");
        assertThat(EventJson.read(without.getBytes(StandardCharsets.UTF_8))
                        .ingest()
                        .caller())
                .isEqualTo(EventIds.ANONYMOUS);
    }

    @Test
    void missingCustomerIsWrittenAsJsonNull() {
        TransactionEvent e = withTransaction(new Transaction(
                "536414",
                "22139",
                "",
                56,
                LocalDateTime.of(2010, 12, 1, 11, 52),
                new BigDecimal("0"),
                null,
                "United Kingdom"));
        JsonNode node = TransactionJson.mapper().readTree(EventJson.write(e));
        assertThat(node.get("CustomerID").isNull()).isTrue();
        assertThat(node.get("Description").stringValue()).isEmpty();
        assertThat(node.get("UnitPrice").decimalValue()).isEqualTo(new BigDecimal("0"));
    }

    @Test
    void everySampleRowAndEveryDirtyRowRoundTripsExactly() throws Exception {
        List<Transaction> rows = new java.util.ArrayList<>(Fixtures.sampleTransactions());
        try (CsvRowReader r = TransactionCsv.open(Fixtures.resource("dirty_rows.csv"), StandardCharsets.UTF_8)) {
            r.forEach(x -> rows.add(((RowResult.Valid) x).transaction()));
        }
        List<TransactionEvent> events = Fixtures.events("round-trip", rows);
        for (TransactionEvent e : events) {
            TransactionEvent back = EventJson.read(EventJson.write(e));
            assertThat(back).isEqualTo(e);
            // equals on BigDecimal includes the scale, so "18" stays 18 and "2.10" would stay 2.10
            assertThat(back.transaction().unitPrice().scale())
                    .isEqualTo(e.transaction().unitPrice().scale());
        }
    }

    @Test
    void priceScaleAndExactValueSurviveTheRoundTrip() throws Exception {
        for (String price : List.of("2.10", "18", "0.001", "-11062.06", "0.1", "9999999.9999")) {
            TransactionEvent e = withTransaction(new Transaction(
                    "1", "X", "", 1, LocalDateTime.of(2011, 1, 1, 0, 0), new BigDecimal(price), null, ""));
            assertThat(EventJson.read(EventJson.write(e)).transaction().unitPrice())
                    .hasToString(price);
        }
    }

    @Test
    void nonAsciiAndQuotesRoundTrip() throws Exception {
        TransactionEvent e = withTransaction(new Transaction(
                "539492",
                "gift_0001_40",
                "Dotcomgiftshop Gift Voucher £40.00 \"quoted\" \\ back",
                1,
                LocalDateTime.of(2010, 12, 20, 10, 14),
                new BigDecimal("34.04"),
                null,
                "United Kingdom"));
        assertThat(EventJson.read(EventJson.write(e))).isEqualTo(e);
    }

    @Test
    void readEventIgnoresUnknownFieldsSoWritersCanAddSome() throws Exception {
        String json = new String(EventJson.write(EVENT), StandardCharsets.UTF_8);
        String extended = json.replace("{\"eventId\"", "{\"op\":\"INSERT\",\"eventId\"");
        assertThat(EventJson.read(extended.getBytes(StandardCharsets.UTF_8))).isEqualTo(EVENT);
    }

    @Test
    void readEventRejectsWhatItCannotDecodeSayingWhy() {
        String json = new String(EventJson.write(EVENT), StandardCharsets.UTF_8);
        assertRejected("{\"eventId\":", "not valid JSON");
        assertRejected("[1]", "must be a JSON object");
        assertRejected(json.replace("\"eventId\":\"" + EVENT.eventId() + "\",", ""), "no eventId");
        assertRejected(json.replace("\"Quantity\":6", "\"Quantity\":\"six\""), "Quantity 'six' is not an integer");
        assertRejected(json.replace("\"Quantity\":6", "\"Quantity\":true"), "Quantity must be an integer");
        assertRejected(json.replace("\"UnitPrice\":2.55", "\"UnitPrice\":2.55555"), "more than 4 decimal places");
        assertRejected(json.replace("\"InvoiceDate\":\"2010-12-01T08:26:00\",", ""), "InvoiceDate is missing");
        assertRejected(json.replace(",\"ingest\":{", ",\"ingestX\":{"), "ingest must be an object");
        assertRejected(json.replace("\"row\":0", "\"row\":-1"), "ingest.row");
        assertRejected(json.replace("2026-01-15T10:00:00.123456789Z", "yesterday"), "ingest.receivedAt 'yesterday'");
    }

    private static void assertRejected(String json, String reason) {
        assertThatThrownBy(() -> EventJson.read(json.getBytes(StandardCharsets.UTF_8)))
                .as(json)
                .isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void mapperReadsFloatsAsExactBigDecimalsAndWritesJavaTimeAsIsoStrings() {
        record Probe(Object value, LocalDateTime at, Instant when) {}
        String json = TransactionJson.mapper()
                .writeValueAsString(new Probe(
                        new BigDecimal("100"),
                        LocalDateTime.of(2010, 12, 1, 8, 26),
                        Instant.parse("2026-01-15T10:00:00Z")));
        assertThat(json).isEqualTo("{\"value\":100,\"at\":\"2010-12-01T08:26:00\",\"when\":\"2026-01-15T10:00:00Z\"}");
        JsonNode node = TransactionJson.mapper().readTree("{\"p\":2.50}");
        assertThat(node.get("p").decimalValue()).hasToString("2.50");
        Object untyped = TransactionJson.mapper().readValue("0.1", Object.class);
        assertThat(untyped).isEqualTo(new BigDecimal("0.1"));
    }

    private static TransactionEvent withTransaction(Transaction t) {
        return new TransactionEvent(EVENT.eventId(), t, EVENT.ingest());
    }
}
