package com.ecommerce.pipeline.schema.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.schema.Fixtures;
import com.ecommerce.pipeline.schema.model.IngestMetadata;
import com.ecommerce.pipeline.schema.model.RowChange;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The streaming reader of event lines takes exactly what the tree reader takes, as the same event: on every line it
 * declines, {@link EventJson#read} answers what the tree reader answers (the event or the same error).
 */
class EventLineReaderTest {

    @Test
    void readsEveryLineTheWriterWritesAsTheTreeReaderDoes() throws Exception {
        List<TransactionEvent> events = new ArrayList<>(Fixtures.events("k", Fixtures.sampleTransactions()));
        TransactionEvent first = events.get(0);
        RowChange.Place place = RowChange.Place.of(first.transaction());
        events.add(
                new TransactionEvent(first.eventId(), first.transaction(), first.ingest(), RowChange.upsert(3, place)));
        events.add(new TransactionEvent(
                first.eventId(),
                first.transaction(),
                first.ingest(),
                RowChange.delete(4, new RowChange.Place("C9", null))));
        events.add(TransactionEvent.of(
                Fixtures.tx("536365", "85123A", -6, "0"),
                new IngestMetadata("k2", 7, Instant.parse("2026-01-15T10:00:00Z"), "api", "sub:x")));
        for (TransactionEvent event : events) {
            byte[] line = EventJson.write(event);
            TransactionEvent streamed = EventLineReader.read(line, 0, line.length);
            assertThat(streamed).as(Fixtures.utf8(line)).isEqualTo(event);
            assertThat(streamed).isEqualTo(EventJson.readTree(line));
        }
    }

    @Test
    void aLineInsideABufferIsReadWithoutItsNeighbours() throws Exception {
        TransactionEvent event =
                Fixtures.events("k", Fixtures.sampleTransactions()).get(1);
        byte[] line = EventJson.write(event);
        byte[] buffer = new byte[line.length + 10];
        buffer[0] = '{';
        System.arraycopy(line, 0, buffer, 3, line.length);
        buffer[line.length + 3] = '}';
        assertThat(EventJson.read(buffer, 3, line.length)).isEqualTo(event);
    }

    @Test
    void declinesWhatIsNotThePlainShapeAndTheTreeReaderDecides() throws Exception {
        String plain = Fixtures.utf8(EventJson.write(
                Fixtures.events("k", Fixtures.sampleTransactions()).get(0)));
        List<String> odd = List.of(
                plain.replace("{\"eventId\"", "{\"InvoiceNo\":\"1\",\"eventId\""), // a repeated field
                plain.replace("\"Country\"", "\"Extra\":{\"a\":[1,2]},\"Country\""), // an unknown field: ignored
                plain.replace("\"caller\"", "\"row\":3,\"caller\""), // a repeated nested field
                plain.replace("\"Quantity\":6", "\"Quantity\":\"6\""), // numbers as strings
                plain.replace("\"UnitPrice\":2.55", "\"UnitPrice\":\"2.55\""),
                plain.replace("\"UnitPrice\":2.55", "\"UnitPrice\":1E+2"),
                plain.replace("\"UnitPrice\":2.55", "\"UnitPrice\":2.55000"),
                plain.replace("\"CustomerID\":\"17850\"", "\"CustomerID\":17850"),
                plain.replace("\"CustomerID\":\"17850\"", "\"CustomerID\":\"17850.0\""),
                plain.replace("\"CustomerID\":\"17850\"", "\"CustomerID\":\"17850.5\""),
                plain.replace("\"Description\":\"WHITE HANGING HEART T-LIGHT HOLDER\"", "\"Description\":null"),
                plain.replace("\"Quantity\":6", "\"Quantity\":6.0"),
                plain.replace("\"Quantity\":6", "\"Quantity\":99999999999999999999"),
                plain.replace("\"eventId\":\"", "\"eventId\":\"\",\"x\":\""),
                plain.replace("\"row\":0", "\"row\":-1"),
                plain.replace("\"row\":0", "\"row\":\"0\""),
                plain.replace(",\"caller\":\"anonymous\"", ",\"caller\":null"),
                plain.replace("\"receivedAt\":\"", "\"receivedAt\":\"x"),
                plain.replace("}}", "},\"change\":null}"),
                plain.replace("}}", "},\"change\":{\"kind\":\"UPSERT\",\"version\":0,\"previous\":null}}"),
                plain.replace("}}", "},\"change\":{\"kind\":\"MOVE\",\"version\":2}}"),
                plain.replace(
                        "}}", "},\"change\":{\"kind\":\"DELETE\",\"version\":2,\"previous\":{\"InvoiceNo\":\"\"}}}"),
                plain.replace(
                        "}}",
                        "},\"change\":{\"kind\":\"DELETE\",\"version\":2,\"previous\":{\"InvoiceNo\":\"1\","
                                + "\"CustomerID\":\"\"}}}"),
                plain.replace("\"InvoiceDate\":\"2010-12-01T08:26:00\"", "\"InvoiceDate\":\"12/1/2010 8:26\""),
                plain.replace("\"InvoiceDate\":\"2010-12-01T08:26:00\"", "\"InvoiceDate\":\"1960-12-01T08:26:00\""),
                plain.replace("\"StockCode\":\"85123A\",", ""),
                plain.replace(",\"ingest\":{", ",\"ingest\":{\"ingest\":1,"),
                plain + " {}",
                plain + " ",
                " " + plain,
                plain.substring(0, plain.length() - 1),
                "[" + plain + "]",
                "{}",
                "");
        for (String line : odd) {
            assertThat(line).isNotEqualTo(plain); // each variant really differs
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            assertThat(answer(() -> EventJson.read(bytes))).as(line).isEqualTo(answer(() -> EventJson.readTree(bytes)));
        }
        // The repeated field is refused, as before.
        assertThat(answer(() -> EventJson.read(odd.get(0).getBytes(StandardCharsets.UTF_8))))
                .contains("Duplicate");
    }

    private interface Read {
        TransactionEvent read() throws Exception;
    }

    private static String answer(Read read) {
        try {
            return "event " + read.read();
        } catch (Exception e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }
}
