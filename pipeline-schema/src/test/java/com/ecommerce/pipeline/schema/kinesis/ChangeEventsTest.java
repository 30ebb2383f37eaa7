package com.ecommerce.pipeline.schema.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ecommerce.pipeline.schema.Fixtures;
import com.ecommerce.pipeline.schema.model.IngestMetadata;
import com.ecommerce.pipeline.schema.model.RowChange;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** Change events (docs/corrections.md): the model, the event line and the record format. */
class ChangeEventsTest {

    private static final List<Transaction> SAMPLE =
            Fixtures.sampleTransactions().subList(0, 300);
    private static final List<TransactionEvent> INSERTS = Fixtures.events("changes", SAMPLE);

    /** A change of an insert: the same event id and original key and row, a new image, the next version. */
    private static TransactionEvent change(TransactionEvent original, Transaction image, RowChange change) {
        IngestMetadata m = original.ingest();
        return new TransactionEvent(
                original.eventId(),
                image,
                new IngestMetadata(
                        m.idempotencyKey(),
                        m.row(),
                        Instant.parse("2026-12-02T16:00:00Z"),
                        "change",
                        "sub:local-ingest"),
                change);
    }

    private static Transaction withQuantityAndPrice(Transaction t, int quantity, String price) {
        return new Transaction(
                t.invoiceNo(),
                t.stockCode(),
                t.description(),
                quantity,
                t.invoiceDate(),
                new java.math.BigDecimal(price),
                t.customerId(),
                t.country());
    }

    private static Transaction movedTo(Transaction t, String invoiceNo, String customerId) {
        return new Transaction(
                invoiceNo,
                t.stockCode(),
                t.description(),
                t.quantity(),
                t.invoiceDate(),
                t.unitPrice(),
                customerId,
                t.country());
    }

    @Test
    void anEventLineWithoutChangeReadsAsAnInsertAtVersionZero() throws Exception {
        // Exactly what the archive and the stream hold from before changes existed (the README's example line).
        String old = "{\"eventId\":\"5b1c0000-0000-8000-8000-000000000000\",\"InvoiceNo\":\"536365\","
                + "\"StockCode\":\"85123A\",\"Description\":\"WHITE HANGING HEART T-LIGHT HOLDER\",\"Quantity\":6,"
                + "\"InvoiceDate\":\"2010-12-01T08:26:00\",\"UnitPrice\":2.55,\"CustomerID\":\"17850\","
                + "\"Country\":\"United Kingdom\",\"ingest\":{\"idempotencyKey\":\"demo-1\",\"row\":0,"
                + "\"receivedAt\":\"2026-11-21T23:01:02.123Z\",\"source\":\"api\"}}";
        TransactionEvent event = EventJson.read(old.getBytes(StandardCharsets.UTF_8));
        assertThat(event.change()).isEqualTo(RowChange.INSERT);
        assertThat(event.version()).isZero();
        assertThat(event.change().kind()).isEqualTo(RowChange.Kind.INSERT);
    }

    @Test
    void insertsAreWrittenExactlyAsBeforeAndTheThreeArgumentConstructorIsAnInsert() throws Exception {
        TransactionEvent insert = INSERTS.get(0);
        assertThat(new TransactionEvent(insert.eventId(), insert.transaction(), insert.ingest()))
                .isEqualTo(insert);
        String line = new String(EventJson.write(insert), StandardCharsets.UTF_8);
        assertThat(line).doesNotContain("\"change\"").endsWith("\"caller\":\"anonymous\"}}");
        // Records of inserts keep format version 1, byte for byte what older readers take.
        assertThat(RecordCodec.encode(INSERTS)[4]).isEqualTo((byte) RecordCodec.FORMAT_VERSION);
    }

    @Test
    void upsertsAndDeletesRoundTripThroughTheEventLineWithTheirPreviousPlace() throws Exception {
        TransactionEvent original = INSERTS.get(5);
        Transaction t = original.transaction();
        TransactionEvent corrected =
                change(original, withQuantityAndPrice(t, 8, "2.45"), RowChange.upsert(1, RowChange.Place.of(t)));
        TransactionEvent moved =
                change(original, movedTo(t, "536999", "12345"), RowChange.upsert(2, RowChange.Place.of(t)));
        TransactionEvent deleted = change(
                original, movedTo(t, "536999", "12345"), RowChange.delete(3, new RowChange.Place("536999", "12345")));
        TransactionEvent noCustomer =
                change(original, movedTo(t, "536999", null), RowChange.upsert(4, new RowChange.Place("536999", null)));
        for (TransactionEvent e : List.of(corrected, moved, deleted, noCustomer)) {
            assertThat(EventJson.read(EventJson.write(e))).isEqualTo(e);
        }
        String line = new String(EventJson.write(moved), StandardCharsets.UTF_8);
        assertThat(line)
                .contains("\"InvoiceNo\":\"536999\"")
                .endsWith(",\"change\":{\"kind\":\"UPSERT\",\"version\":2,\"previous\":{\"InvoiceNo\":\""
                        + t.invoiceNo() + "\",\"CustomerID\":\"" + t.customerId() + "\"}}}");
        assertThat(new String(EventJson.write(noCustomer), StandardCharsets.UTF_8))
                .endsWith("\"previous\":{\"InvoiceNo\":\"536999\",\"CustomerID\":null}}}");
        assertThat(deleted.change().isDelete()).isTrue();
        assertThat(deleted.version()).isEqualTo(3);
    }

    @Test
    void recordsHoldingAChangeAreFormatVersionTwoAndDecodeWithTheInsertsAroundThem() throws Exception {
        TransactionEvent original = INSERTS.get(0);
        TransactionEvent corrected = change(
                original,
                withQuantityAndPrice(original.transaction(), 1, "9.99"),
                RowChange.upsert(1, RowChange.Place.of(original.transaction())));
        List<TransactionEvent> mixed = new ArrayList<>(INSERTS.subList(0, 10));
        mixed.add(corrected);
        byte[] record = RecordCodec.encode(mixed);
        assertThat(record[4]).isEqualTo((byte) RecordCodec.CHANGES_FORMAT_VERSION);
        assertThat(RecordCodec.decode(record)).isEqualTo(mixed);
        // The packer (what ingest-service publishes with) marks its records the same way.
        List<PackedRecord> packed =
                RecordPacker.pack(List.of(corrected), ShardMap.uniform(4), PackingLimits.defaults());
        assertThat(packed).hasSize(1);
        assertThat(packed.get(0).data()[4]).isEqualTo((byte) RecordCodec.CHANGES_FORMAT_VERSION);
        assertThat(packed.get(0).partitionKey())
                .isEqualTo(original.transaction().invoiceNo());
        assertThat(RecordCodec.decode(packed.get(0).data())).containsExactly(corrected);
        assertThat(RecordPacker.pack(INSERTS.subList(0, 3), ShardMap.uniform(4), PackingLimits.defaults())
                        .get(0)
                        .data()[4])
                .isEqualTo((byte) RecordCodec.FORMAT_VERSION);
    }

    @Test
    void aChangeMovedToAnotherInvoiceIsRoutedByItsNewInvoice() {
        TransactionEvent original = INSERTS.get(0);
        TransactionEvent moved = change(
                original,
                movedTo(original.transaction(), "581587", "12680"),
                RowChange.upsert(1, RowChange.Place.of(original.transaction())));
        PackedRecord record = RecordPacker.pack(List.of(moved), ShardMap.uniform(4), PackingLimits.defaults())
                .get(0);
        assertThat(record.partitionKey()).isEqualTo("581587");
        assertThat(record.explicitHashKey()).isEqualTo(ShardMap.hashOf("581587").toString());
    }

    @Test
    void fuzzedVersionsKindsAndPlacesRoundTripThroughRecords() throws Exception {
        Random random = new Random(19);
        for (int round = 0; round < 200; round++) {
            List<TransactionEvent> events = new ArrayList<>();
            int n = 1 + random.nextInt(40);
            for (int i = 0; i < n; i++) {
                TransactionEvent original = INSERTS.get(random.nextInt(INSERTS.size()));
                int what = random.nextInt(3);
                if (what == 0) {
                    events.add(original);
                    continue;
                }
                long version =
                        switch (random.nextInt(4)) {
                            case 0 -> 1;
                            case 1 -> Long.MAX_VALUE;
                            case 2 -> Integer.MAX_VALUE + 1L;
                            default -> 1 + (random.nextLong() >>> 1) % 1_000_000_000_000L;
                        };
                Transaction other = SAMPLE.get(random.nextInt(SAMPLE.size()));
                RowChange.Place previous = new RowChange.Place(other.invoiceNo(), other.customerId());
                events.add(change(
                        original,
                        other,
                        what == 1 ? RowChange.upsert(version, previous) : RowChange.delete(version, previous)));
            }
            byte[] record = RecordCodec.encode(events);
            assertThat(RecordCodec.decode(record)).as("round %d", round).isEqualTo(events);
            boolean anyChange = events.stream().anyMatch(e -> !e.change().isInsert());
            assertThat(record[4])
                    .isEqualTo((byte) (anyChange ? RecordCodec.CHANGES_FORMAT_VERSION : RecordCodec.FORMAT_VERSION));
            // Each line alone, too, and the versions keep their exact value.
            for (TransactionEvent e : events) {
                assertThat(EventJson.read(EventJson.write(e)).version()).isEqualTo(e.version());
            }
        }
    }

    @Test
    void malformedChangesAreRefusedNamingTheField() throws Exception {
        TransactionEvent original = INSERTS.get(0);
        String insertLine = new String(EventJson.write(original), StandardCharsets.UTF_8);
        String base = insertLine.substring(0, insertLine.length() - 1);
        String prev = "\"previous\":{\"InvoiceNo\":\"536365\",\"CustomerID\":\"17850\"}";
        assertRefused(base + ",\"change\":\"UPSERT\"}", "change must be an object");
        assertRefused(base + ",\"change\":{\"kind\":\"MERGE\",\"version\":1," + prev + "}}", "change.kind");
        assertRefused(base + ",\"change\":{\"kind\":\"UPSERT\"," + prev + "}}", "change.version");
        assertRefused(base + ",\"change\":{\"kind\":\"UPSERT\",\"version\":-1," + prev + "}}", "change.version");
        assertRefused(base + ",\"change\":{\"kind\":\"UPSERT\",\"version\":1.5," + prev + "}}", "change.version");
        assertRefused(
                base + ",\"change\":{\"kind\":\"UPSERT\",\"version\":99999999999999999999," + prev + "}}",
                "change.version");
        assertRefused(base + ",\"change\":{\"kind\":\"UPSERT\",\"version\":0," + prev + "}}", "version >= 1");
        assertRefused(base + ",\"change\":{\"kind\":\"DELETE\",\"version\":2}}", "previous place");
        assertRefused(
                base + ",\"change\":{\"kind\":\"UPSERT\",\"version\":2,\"previous\":{\"InvoiceNo\":\"\"}}}",
                "change.previous.InvoiceNo");
        assertRefused(
                base + ",\"change\":{\"kind\":\"UPSERT\",\"version\":2,\"previous\":{\"InvoiceNo\":\"1\","
                        + "\"CustomerID\":17850}}}",
                "change.previous.CustomerID");
        assertRefused(base + ",\"change\":{\"kind\":\"INSERT\",\"version\":3}}", "an insert is version 0");
        // An explicit insert at version 0 is what a missing change means.
        assertThat(EventJson.read((base + ",\"change\":{\"kind\":\"INSERT\",\"version\":0}}")
                                .getBytes(StandardCharsets.UTF_8))
                        .change())
                .isEqualTo(RowChange.INSERT);
        // In a record the line is named.
        byte[] record = RecordCodec.encode(List.of(original));
        String bad = base + ",\"change\":{\"kind\":\"DELETE\",\"version\":0," + prev + "}}";
        byte[] tampered = replaceGzipPayload(record, insertLine + "\n" + bad + "\n");
        assertThatThrownBy(() -> RecordCodec.decode(tampered))
                .isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining("line 2 of 2")
                .hasMessageContaining(original.eventId());
    }

    @Test
    void theModelRefusesInconsistentChanges() {
        RowChange.Place here = new RowChange.Place("536365", "");
        assertThat(here.customerId()).isNull();
        assertThatThrownBy(() -> new RowChange(RowChange.Kind.INSERT, 1, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RowChange(RowChange.Kind.INSERT, 0, here))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RowChange.upsert(0, here)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RowChange.delete(1, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new RowChange.Place("", "1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() ->
                        new TransactionEvent("x", SAMPLE.get(0), INSERTS.get(0).ingest(), null))
                .isInstanceOf(NullPointerException.class);
    }

    private static void assertRefused(String line, String message) {
        assertThatThrownBy(() -> EventJson.read(line.getBytes(StandardCharsets.UTF_8)))
                .as(line)
                .isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining(message);
    }

    /** The record's header with another payload (uncompressed: compression id 0). */
    private static byte[] replaceGzipPayload(byte[] record, String payload) throws IOException {
        // Sanity: the original payload is gzip and holds the one line.
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(record, 6, record.length - 6))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).endsWith("}\n");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(Arrays.copyOf(record, 4));
        out.write(RecordCodec.CHANGES_FORMAT_VERSION);
        out.write(RecordCodec.COMPRESSION_NONE);
        out.writeBytes(payload.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
