package com.ecommerce.pipeline.client.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.dynamostore.RowVersionItems.RowVersion;
import com.ecommerce.pipeline.schema.model.EventIds;
import com.ecommerce.pipeline.schema.model.IngestMetadata;
import com.ecommerce.pipeline.schema.model.RowChange;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The final-state judgement of one sink: every kind of copy against every kind of final state. */
class SinkContentsTest {

    private static final String KEY = "unit:0-5";

    /** A dataset-shaped row (the dataset's first, with these fields changed). */
    static Transaction row(String invoiceNo, int quantity, String price, String customer) {
        return new Transaction(
                invoiceNo,
                "85123A",
                "WHITE HANGING HEART T-LIGHT HOLDER",
                quantity,
                LocalDateTime.parse("2010-12-01T08:26:00"),
                new BigDecimal(price),
                customer,
                "United Kingdom");
    }

    private final List<TransactionEvent> inserts = new ArrayList<>();

    private TransactionEvent insert(int row, Transaction t) {
        TransactionEvent e = new TransactionEvent(
                EventIds.of("sub:unit", KEY, row, t),
                t,
                new IngestMetadata(KEY, row, Instant.EPOCH, IngestMetadata.SOURCE_API, "sub:unit"));
        inserts.add(e);
        return e;
    }

    private static TransactionEvent change(TransactionEvent original, Transaction image, RowChange change) {
        return new TransactionEvent(original.eventId(), image, original.ingest(), change);
    }

    private static RowVersion last(TransactionEvent change) {
        return new RowVersion(change, true);
    }

    @Test
    void eachRowIsJudgedByItsFinalStateAndDeletedRowsAreCorrectlyAbsent() {
        TransactionEvent kept = insert(0, row("536365", 6, "2.55", "17850"));
        TransactionEvent corrected = insert(1, row("536365", 8, "2.75", "17850"));
        TransactionEvent moved = insert(2, row("536365", 2, "3.39", "17850"));
        TransactionEvent deleted = insert(3, row("536365", 32, "1.69", "17850"));
        TransactionEvent resurrected = insert(4, row("536365", 12, "2.10", "17850"));
        TransactionEvent late = insert(5, row("536365", 4, "7.65", "17850"));
        ExpectedEvents expected = new ExpectedEvents();
        expected.addEvents("unit", inserts);

        Transaction c = corrected.transaction();
        TransactionEvent v1 =
                change(corrected, row("536365", 80, "2.70", "17850"), RowChange.upsert(1, RowChange.Place.of(c)));
        TransactionEvent v2 =
                change(corrected, row("536365", 9, "2.7", "17850"), RowChange.upsert(2, RowChange.Place.of(c)));
        TransactionEvent move = change(
                moved, row("536366", 2, "3.39", "13047"), RowChange.upsert(1, RowChange.Place.of(moved.transaction())));
        TransactionEvent delete =
                change(deleted, deleted.transaction(), RowChange.delete(1, RowChange.Place.of(deleted.transaction())));
        TransactionEvent delete2 = change(
                resurrected,
                resurrected.transaction(),
                RowChange.delete(1, RowChange.Place.of(resurrected.transaction())));
        TransactionEvent lateChange = change(
                late, row("536365", 5, "7.65", "17850"), RowChange.upsert(1, RowChange.Place.of(late.transaction())));
        expected.changed(Map.of(
                corrected.eventId(), last(v2),
                moved.eventId(), last(move),
                deleted.eventId(), last(delete),
                resurrected.eventId(), last(delete2),
                late.eventId(), last(lateChange)));
        assertThat(expected.changedCount()).isEqualTo(5);
        assertThat(expected.invoices()).contains("536366");

        // A store without versions (DynamoDB): images compared.
        SinkContents dynamo = new SinkContents("dynamodb", expected);
        dynamo.saw(kept.eventId(), "536365", 0, false, kept.transaction());
        dynamo.saw(corrected.eventId(), "536365", 0, false, v2.transaction()); // 2.7 = 2.70
        dynamo.saw(moved.eventId(), "536366", 0, false, move.transaction());
        // deleted: no line (correctly absent); resurrected: its line is back
        dynamo.saw(resurrected.eventId(), "536365", 0, false, resurrected.transaction());
        dynamo.saw(late.eventId(), "536365", 0, false, late.transaction()); // the change not applied
        assertThat(dynamo.finalIds().cardinality()).isEqualTo(4); // kept, corrected, moved, deleted
        assertThat(dynamo.deletedAbsent()).isEqualTo(1);
        assertThat(dynamo.missing()).isZero();
        assertThat(dynamo.older()).isEqualTo(1);
        assertThat(dynamo.olderIds().get(expected.indexOf(late.eventId()))).isTrue();
        assertThat(dynamo.resurrected()).isEqualTo(1);
        assertThat(dynamo.resurrectedIds().get(expected.indexOf(resurrected.eventId())))
                .isTrue();
        assertThat(dynamo.matches()).isFalse();
        assertThat(dynamo.differs()).isTrue();

        // The late change on the stream to it: in flight, not a difference; the resurrection stays one.
        dynamo.inFlight(late.eventId());
        assertThat(dynamo.older()).isZero();
        assertThat(dynamo.inFlightCount()).isEqualTo(1);
        assertThat(dynamo.differs()).isTrue();

        // A store with versions and tombstones (the warehouse): versions compared, tombstones absent.
        SinkContents warehouse = new SinkContents("warehouse", expected);
        warehouse.saw(kept.eventId(), "536365", 0, false, null);
        warehouse.saw(corrected.eventId(), "536365", 2, false, v2.transaction());
        warehouse.saw(moved.eventId(), "536366", 1, false, move.transaction());
        warehouse.saw(deleted.eventId(), "536365", 1, true, deleted.transaction());
        warehouse.saw(resurrected.eventId(), "536365", 1, true, resurrected.transaction());
        warehouse.saw(late.eventId(), "536365", 1, false, lateChange.transaction());
        assertThat(warehouse.matches()).isTrue();
        assertThat(warehouse.deletedAbsent()).isEqualTo(2);
        assertThat(warehouse.distinct()).isEqualTo(6);

        // An older version, the moved row on its old invoice, a v0 copy of a deleted row: differences.
        SinkContents stale = new SinkContents("warehouse", expected);
        stale.saw(kept.eventId(), "536365", 0, false, null);
        stale.saw(corrected.eventId(), "536365", 1, false, v1.transaction());
        stale.saw(moved.eventId(), "536365", 0, false, null);
        stale.saw(deleted.eventId(), "536365", 0, false, null);
        stale.saw(resurrected.eventId(), "536365", 1, true, null);
        // late: absent altogether
        assertThat(stale.older()).isEqualTo(2);
        assertThat(stale.resurrected()).isEqualTo(1);
        assertThat(stale.missing()).isEqualTo(1);
        assertThat(stale.missingIds().get(expected.indexOf(late.eventId()))).isTrue();

        // The archive, a log: its highest version of each row.
        SinkContents archive = new SinkContents("archive", expected);
        for (TransactionEvent e : List.of(kept, v2, move, delete, delete2, lateChange)) {
            archive.saw(
                    e.eventId(),
                    e.transaction().invoiceNo(),
                    e.version(),
                    e.change().isDelete(),
                    e.transaction());
        }
        assertThat(archive.matches()).isTrue();
        assertThat(archive.finalIds().cardinality()).isEqualTo(6);
    }

    @Test
    void aRowNeverChangedIsExpectedLiveAtVersionZero() {
        TransactionEvent e = insert(0, row("536365", 6, "2.55", null));
        ExpectedEvents expected = new ExpectedEvents();
        expected.addEvents("unit", inserts);
        assertThat(SinkContents.isFinal(null, "536365", 0, false, e.transaction()))
                .isTrue();
        assertThat(SinkContents.isFinal(null, "536365", 0, true, e.transaction()))
                .as("a tombstone of a row row-versions never changed")
                .isFalse();
        SinkContents sink = new SinkContents("archive", expected);
        sink.saw(e.eventId(), "536365");
        sink.saw(e.eventId(), "536365");
        assertThat(sink.matches()).isTrue();
        assertThat(sink.copies).isEqualTo(1);
    }
}
