package com.ecommerce.pipeline.lake;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.lake.compact.CompactionResult;
import com.ecommerce.pipeline.lake.compact.Compactor;
import com.ecommerce.pipeline.localcloud.LocalCloud;
import com.ecommerce.pipeline.schema.model.IngestMetadata;
import com.ecommerce.pipeline.schema.model.RowChange;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The lake's compaction with corrections and deletions (docs/corrections.md), on real Spark and Iceberg over the
 * local cloud's S3, in an archive prefix and namespace of its own: 1,000 sample rows compacted; then a correction,
 * a move to another invoice and customer, a deletion and a row corrected twice in one run; then the original rows
 * and an older version archived again (a replay); then the objects compacted again (their record lost); then the
 * lake rebuilt from the whole archive. After every run the table equals the final state computed here from the
 * events sent: one row per live event id at its highest version, no deleted row.
 */
class LakeChangesIT {

    private static final Path SAMPLE = Path.of(System.getProperty("lake.sample", "../data/online_retail_sample.csv"));

    @Test
    void compactionKeepsEachRowsHighestVersionAndNeverBringsBackADeletedRow() throws Exception {
        LocalCloud cloud = LocalCloud.shared();
        Map<String, String> conf = LakeIT.sparkOnTheLocalCloud(cloud.endpoints());
        // The session as LakeIT opens it (one per JVM); this test's own archive prefix and namespace, named in full.
        SparkSession spark = LakeSpark.session(LakeSettings.load(null, conf));
        String id = UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> own = new LinkedHashMap<>(conf);
        own.put(LakeSettings.RAW_LOCATION, "s3://ecommerce-raw/raw-lake-changes-" + id + "/");
        own.put(LakeSettings.NAMESPACE, "changes_" + id);
        LakeSettings settings = LakeSettings.load(null, own);
        spark.sql("CREATE NAMESPACE IF NOT EXISTS " + settings.catalog() + "." + settings.namespace());
        SampleArchive archive = new SampleArchive(cloud.s3Client(), "ecommerce-raw", "raw-lake-changes-" + id + "/");

        List<TransactionEvent> inserts = SampleArchive.events(SAMPLE).subList(0, 1000);
        Map<String, TransactionEvent> expected = new TreeMap<>(); // event id -> final event (deleted: removed)
        inserts.forEach(e -> expected.put(e.eventId(), e));
        archive.put(inserts);
        CompactionResult first = new Compactor(spark, settings).compact();
        assertThat(first.added()).isEqualTo(1000);
        assertLake(spark, settings, expected);

        // The changes: a correction, a move to another invoice and customer, a deletion, and a row corrected
        // twice in the same run (v1 and v2 in one object: v2 wins); one original row archived again beside them.
        TransactionEvent corrected = inserts.get(10);
        TransactionEvent moved = inserts.get(20);
        TransactionEvent deleted = inserts.get(30);
        TransactionEvent twice = inserts.get(40);
        Transaction target = inserts.get(999).transaction();
        assertThat(target.invoiceNo()).isNotEqualTo(moved.transaction().invoiceNo());
        TransactionEvent c1 = change(corrected, image(corrected.transaction(), null, null, 5, "9.99"), 1);
        TransactionEvent m1 =
                change(moved, image(moved.transaction(), target.invoiceNo(), target.customerId(), 0, null), 1);
        TransactionEvent d1 = new TransactionEvent(
                deleted.eventId(),
                deleted.transaction(),
                deleted.ingest(),
                RowChange.delete(1, RowChange.Place.of(deleted.transaction())));
        TransactionEvent t1 = change(twice, image(twice.transaction(), null, null, 1, "1.11"), 1);
        TransactionEvent t2 = change(twice, image(twice.transaction(), null, null, 2, "2.22"), 2);
        archive.put(List.of(c1, m1, d1, t1, t2, inserts.get(50)));
        expected.put(corrected.eventId(), c1);
        expected.put(moved.eventId(), m1);
        expected.remove(deleted.eventId());
        expected.put(twice.eventId(), t2);
        CompactionResult changes = new Compactor(spark, settings).compact();
        assertThat(changes.added()).isZero();
        assertThat(changes.updated()).isEqualTo(3);
        assertThat(changes.deleted()).isEqualTo(1);
        assertThat(changes.repeatedInBatch()).isEqualTo(1); // t1, superseded by t2 in the same run
        assertThat(changes.alreadyInLake()).isEqualTo(1); // the original row archived again
        assertThat(changes.describe("t")).contains("corrected 3, deleted 1");
        assertLake(spark, settings, expected);

        // A replay: the original rows and an older version archived again. Nothing comes back, nothing goes back.
        archive.put(inserts);
        archive.put(List.of(t1));
        CompactionResult replay = new Compactor(spark, settings).compact();
        assertThat(replay.added()).isZero();
        assertThat(replay.updated()).isZero();
        assertThat(replay.deleted()).isZero();
        assertThat(replay.alreadyInLake()).isEqualTo(1000);
        assertLake(spark, settings, expected);

        // A re-compaction: the record of compacted objects lost, every object read again in one run.
        spark.sql("DELETE FROM " + settings.compactedObjects());
        CompactionResult again = new Compactor(spark, settings).compact();
        assertThat(again.added() + again.updated() + again.deleted()).isZero();
        assertLake(spark, settings, expected);

        // The lake rebuilt from the whole archive (every table dropped): the same final state.
        for (String table : List.of(settings.table(), settings.compactedObjects(), settings.deletedEvents())) {
            spark.sql("DROP TABLE " + table + " PURGE");
        }
        CompactionResult rebuilt = new Compactor(spark, settings).compact();
        assertThat(rebuilt.added()).isEqualTo(999);
        assertLake(spark, settings, expected);
    }

    /** The table, row for row, equals the expected final events: image, version, and no other row. */
    private static void assertLake(SparkSession spark, LakeSettings settings, Map<String, TransactionEvent> expected) {
        Map<String, String> lake = new TreeMap<>();
        for (Row r : spark.sql("SELECT event_id, invoice_no, stock_code, quantity, unit_price, customer_id,"
                        + " line_total, coalesce(version, 0) FROM " + settings.table())
                .collectAsList()) {
            String previous = lake.put(
                    r.getString(0),
                    String.join(
                            "|",
                            r.getString(1),
                            r.getString(2),
                            Integer.toString(r.getInt(3)),
                            r.getDecimal(4).stripTrailingZeros().toPlainString(),
                            String.valueOf(r.getString(5)),
                            r.getDecimal(6).stripTrailingZeros().toPlainString(),
                            Long.toString(r.getLong(7))));
            assertThat(previous)
                    .as("event id twice in the lake: " + r.getString(0))
                    .isNull();
        }
        Map<String, String> want = new TreeMap<>();
        expected.forEach((eventId, e) -> {
            Transaction t = e.transaction();
            want.put(
                    eventId,
                    String.join(
                            "|",
                            t.invoiceNo(),
                            t.stockCode(),
                            Integer.toString(t.quantity()),
                            t.unitPrice().stripTrailingZeros().toPlainString(),
                            String.valueOf(t.customerId()),
                            t.unitPrice()
                                    .multiply(BigDecimal.valueOf(t.quantity()))
                                    .stripTrailingZeros()
                                    .toPlainString(),
                            Long.toString(e.version())));
        });
        assertThat(lake).isEqualTo(want);
    }

    /** The image with a new invoice and customer (when given), quantity + {@code more}, and a new price. */
    private static Transaction image(Transaction t, String invoiceNo, String customerId, int more, String price) {
        return new Transaction(
                invoiceNo == null ? t.invoiceNo() : invoiceNo,
                t.stockCode(),
                t.description(),
                t.quantity() + more,
                t.invoiceDate(),
                price == null ? t.unitPrice() : new BigDecimal(price),
                invoiceNo == null ? t.customerId() : customerId,
                t.country());
    }

    private static TransactionEvent change(TransactionEvent before, Transaction image, long version) {
        IngestMetadata in = before.ingest();
        return new TransactionEvent(
                before.eventId(),
                image,
                new IngestMetadata(
                        in.idempotencyKey(), in.row(), in.receivedAt().plusSeconds(version), "change", "sub:test"),
                RowChange.upsert(version, RowChange.Place.of(before.transaction())));
    }
}
