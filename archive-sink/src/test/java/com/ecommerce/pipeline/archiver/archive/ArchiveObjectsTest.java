package com.ecommerce.pipeline.archiver.archive;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.consumer.Batch;
import com.ecommerce.pipeline.consumer.StreamPosition;
import com.ecommerce.pipeline.schema.kinesis.EventJson;
import com.ecommerce.pipeline.schema.model.IngestMetadata;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class ArchiveObjectsTest {

    private static final String FIRST = "49660000000000000000000000000000000000000000000000000001";
    private static final String LAST = "49660000000000000000000000000000000000000000000000000042";

    @Test
    void oneObjectPerInvoiceMonthNamedAfterTheShardAndTheBatchsFirstAndLastRecords() {
        Batch batch = batch(
                event(0, LocalDateTime.of(2011, 12, 9, 12, 50)),
                event(1, LocalDateTime.of(2010, 12, 1, 8, 26)),
                event(2, LocalDateTime.of(2011, 12, 1, 9, 1)),
                event(3, LocalDateTime.of(2010, 12, 31, 23, 59)));

        List<ArchiveObjects.ArchiveObject> objects = ArchiveObjects.of(batch, "raw/");

        assertThat(objects)
                .extracting(ArchiveObjects.ArchiveObject::key)
                .containsExactly(
                        "raw/year=2010/month=12/shardId-000000000002_" + FIRST + "_" + LAST + ".json.gz",
                        "raw/year=2011/month=12/shardId-000000000002_" + FIRST + "_" + LAST + ".json.gz");
        assertThat(objects)
                .extracting(ArchiveObjects.ArchiveObject::month)
                .containsExactly(YearMonth.of(2010, 12), YearMonth.of(2011, 12));
        // Stream order is kept inside a month.
        assertThat(lines(objects.get(0)))
                .extracting(TransactionEvent::eventId)
                .containsExactly(
                        batch.events().get(1).eventId(), batch.events().get(3).eventId());
        assertThat(lines(objects.get(1)))
                .extracting(TransactionEvent::eventId)
                .containsExactly(
                        batch.events().get(0).eventId(), batch.events().get(2).eventId());
        assertThat(objects.get(1).rows()).isEqualTo(2);
    }

    @Test
    void theSameBatchWrittenAgainGivesTheSameKeysAndBytes() {
        Batch batch =
                batch(event(0, LocalDateTime.of(2011, 1, 4, 10, 0)), event(1, LocalDateTime.of(2011, 1, 5, 10, 0)));

        var first = ArchiveObjects.of(batch, "raw/");
        var again = ArchiveObjects.of(batch, "raw/");

        for (int i = 0; i < first.size(); i++) {
            assertThat(again.get(i).key()).isEqualTo(first.get(i).key());
            assertThat(again.get(i).gzippedNdjson()).isEqualTo(first.get(i).gzippedNdjson());
        }
    }

    @Test
    void everyLineIsTheFullEventWithItsEventId() {
        TransactionEvent e = event(7, LocalDateTime.of(2011, 6, 1, 10, 0));

        var object = ArchiveObjects.of(batch(e), "raw/").get(0);

        assertThat(lines(object)).containsExactly(e);
        assertThat(new String(gunzip(object.gzippedNdjson()), StandardCharsets.UTF_8))
                .startsWith("{\"eventId\":\"" + e.eventId() + "\"")
                .endsWith("}\n");
    }

    private static Batch batch(TransactionEvent... events) {
        return new Batch(
                "shardId-000000000002",
                new StreamPosition(FIRST, 0, false),
                new StreamPosition(LAST, 0, false),
                List.of(events));
    }

    private static TransactionEvent event(int row, LocalDateTime invoiceDate) {
        return TransactionEvent.of(
                new Transaction(
                        "536365",
                        "85123A",
                        "WHITE HANGING HEART T-LIGHT HOLDER",
                        6,
                        invoiceDate,
                        new BigDecimal("2.55"),
                        null,
                        "United Kingdom"),
                new IngestMetadata("archive-unit-test", row, Instant.parse("2026-01-01T00:00:00Z"), "test"));
    }

    private static List<TransactionEvent> lines(ArchiveObjects.ArchiveObject object) {
        String text = new String(gunzip(object.gzippedNdjson()), StandardCharsets.UTF_8);
        List<TransactionEvent> events = new ArrayList<>();
        for (String line : text.split("\n")) {
            try {
                events.add(EventJson.read(line.getBytes(StandardCharsets.UTF_8)));
            } catch (Exception ex) {
                throw new AssertionError(ex);
            }
        }
        return events;
    }

    private static byte[] gunzip(byte[] gz) {
        try (var in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
