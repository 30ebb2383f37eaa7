package com.ecommerce.pipeline.dynamostore;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.schema.input.TransactionJson;
import com.ecommerce.pipeline.schema.kinesis.InvoicePieces;
import com.ecommerce.pipeline.schema.model.IngestMetadata;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.DecimalNode;
import tools.jackson.databind.node.ObjectNode;

/** The item's lines are the same text the store wrote when it built them as a JSON tree. */
class InvoiceItemsTest {

    private static TransactionEvent event(int row, String description, String customer, LocalDateTime date) {
        return new TransactionEvent(
                "ev-" + row,
                new Transaction(
                        "536365", "85123A", description, -6, date, new BigDecimal("2.550"), customer, "Côte d'Ivoire"),
                new IngestMetadata("k", row, Instant.EPOCH, "test"));
    }

    /** The lines by position, as a tree: an ArrayNode per line. */
    private static ArrayNode tree(TransactionEvent e) {
        Transaction t = e.transaction();
        ArrayNode line = TransactionJson.mapper().createArrayNode();
        line.add(e.eventId());
        line.add(e.ingest().row());
        line.add(t.stockCode());
        line.add(t.description());
        line.add(t.quantity());
        line.add(DecimalNode.valueOf(t.unitPrice())); // as it is: the factory would strip its zeros
        line.add(DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t.invoiceDate()));
        line.add(t.customerId());
        line.add(t.country());
        return line;
    }

    /** The lines as the store wrote them before: an ObjectNode per line, with one-letter names. */
    private static ObjectNode named(TransactionEvent e) {
        Transaction t = e.transaction();
        ObjectNode line = TransactionJson.mapper().createObjectNode();
        line.put("e", e.eventId());
        line.put("r", e.ingest().row());
        line.put("s", t.stockCode());
        line.put("d", t.description());
        line.put("q", t.quantity());
        line.put("p", t.unitPrice().toPlainString());
        line.put("t", InvoiceItems.lineTotal(t).toPlainString());
        line.put("a", DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t.invoiceDate()));
        if (t.customerId() != null) {
            line.put("c", t.customerId());
        }
        line.put("o", t.country());
        return line;
    }

    @Test
    void linesWrittenWithNamesReadAsTheSameLines() {
        LocalDateTime date = LocalDateTime.of(2010, 12, 1, 8, 26);
        List<TransactionEvent> events = List.of(
                event(0, "WHITE HANGING HEART T-LIGHT HOLDER", "17850", date),
                event(1, "a \"quoted\" \\ back\tslash\u0001 and 😀 ünïcödé", null, date.withSecond(7)));
        InvoicePieces.Piece piece = InvoicePieces.of(events).get(0);
        ArrayNode named = TransactionJson.mapper().createArrayNode();
        events.forEach(e -> named.add(named(e)));

        var before = InvoiceItems.itemOfLines(piece, TransactionJson.mapper().writeValueAsString(named));

        assertThat(InvoiceItems.lines(before)).isEqualTo(InvoiceItems.lines(InvoiceItems.item(piece, events)));
    }

    @Test
    void linesAreTheTextTheTreeGave() {
        LocalDateTime date = LocalDateTime.of(2010, 12, 1, 8, 26);
        List<TransactionEvent> events = List.of(
                event(0, "WHITE HANGING HEART T-LIGHT HOLDER", "17850", date),
                event(1, "a \"quoted\" \\ back\tslash\u0001 and 😀 ünïcödé", null, date.withSecond(7)),
                event(2, "", "12680", date.withNano(5_000_000)));
        ArrayNode array = TransactionJson.mapper().createArrayNode();
        events.forEach(e -> array.add(tree(e)));
        InvoicePieces.Piece piece = InvoicePieces.of(events).get(0);

        String lines = InvoiceItems.item(piece, events).get(InvoiceItems.LINES).s();

        assertThat(lines).isEqualTo(TransactionJson.mapper().writeValueAsString(array));
        assertThat(InvoiceItems.lines(InvoiceItems.item(piece, events)))
                .extracting(StoredLine::eventId)
                .containsExactly("ev-0", "ev-1", "ev-2");
        // Each line as written alone, and measured in UTF-8 as DynamoDB counts it.
        InvoiceItems.Lines measured = InvoiceItems.lines(events);
        assertThat(measured.json()).isEqualTo(lines);
        for (int i = 0; i < events.size(); i++) {
            String alone = InvoiceItems.lineJson(events.get(i));
            assertThat(array.get(i).toString()).isEqualTo(alone);
            assertThat(measured.utf8Bytes()[i]).isEqualTo(alone.getBytes(StandardCharsets.UTF_8).length);
        }
    }

    @Test
    void linesReadBackAsWritten() {
        LocalDateTime date = LocalDateTime.of(2010, 12, 1, 8, 26);
        List<TransactionEvent> events = List.of(
                event(0, "WHITE HANGING HEART T-LIGHT HOLDER", "17850", date),
                event(1, "a \"quoted\" \\ back\tslash\u0001 and 😀 ünïcödé", null, date.withSecond(7)));
        InvoicePieces.Piece piece = InvoicePieces.of(events).get(0);

        List<StoredLine> read = InvoiceItems.lines(InvoiceItems.item(piece, events));

        assertThat(read)
                .containsExactly(
                        new StoredLine(
                                "ev-0",
                                piece.idempotencyKey(),
                                0,
                                "85123A",
                                "WHITE HANGING HEART T-LIGHT HOLDER",
                                -6,
                                new BigDecimal("2.550"),
                                new BigDecimal("-15.300"),
                                "2010-12-01T08:26:00",
                                "17850",
                                "Côte d'Ivoire"),
                        new StoredLine(
                                "ev-1",
                                piece.idempotencyKey(),
                                1,
                                "85123A",
                                "a \"quoted\" \\ back\tslash\u0001 and 😀 ünïcödé",
                                -6,
                                new BigDecimal("2.550"),
                                new BigDecimal("-15.300"),
                                "2010-12-01T08:26:07",
                                null,
                                "Côte d'Ivoire"));
    }

    @Test
    void namesReadersDoNotKnowAreSkipped() {
        var item = new java.util.HashMap<>(InvoiceItems.itemOfLines(
                InvoicePieces.of(List.of(event(0, "x", null, LocalDateTime.of(2010, 12, 1, 8, 26))))
                        .get(0),
                "[{\"e\":\"ev-9\",\"z\":{\"n\":[1,{\"m\":2}]},\"r\":3,\"s\":\"A\",\"d\":null,\"q\":2,"
                        + "\"p\":\"1.5\",\"t\":\"3.0\",\"a\":\"2010-12-01T08:26:00\",\"o\":\"UK\",\"y\":[]}]"));

        assertThat(InvoiceItems.lines(item))
                .containsExactly(new StoredLine(
                        "ev-9",
                        "k",
                        3,
                        "A",
                        null,
                        2,
                        new BigDecimal("1.5"),
                        new BigDecimal("3.0"),
                        "2010-12-01T08:26:00",
                        null,
                        "UK"));
    }

    @Test
    void isoDateIsWhatTheFormatterWrites() {
        Random random = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            LocalDateTime date = LocalDateTime.of(
                    random.nextInt(0, 10_000),
                    random.nextInt(1, 13),
                    random.nextInt(1, 29),
                    random.nextInt(24),
                    random.nextInt(60),
                    random.nextInt(60),
                    i % 3 == 0 ? random.nextInt(1_000_000_000) : 0);
            assertThat(InvoiceItems.isoDate(date)).isEqualTo(DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(date));
        }
        LocalDateTime far = LocalDateTime.of(12_345, 1, 2, 3, 4);
        assertThat(InvoiceItems.isoDate(far)).isEqualTo(DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(far));
    }
}
