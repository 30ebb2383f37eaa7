package com.ecommerce.pipeline.client.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.client.PipelineCommand;
import com.ecommerce.pipeline.client.rebuild.RebuildCommandAccess;
import com.ecommerce.pipeline.client.rebuild.TestStores;
import com.ecommerce.pipeline.dynamo.sink.DynamoSink;
import com.ecommerce.pipeline.dynamo.sink.DynamoWriterProperties;
import com.ecommerce.pipeline.dynamostore.InvoiceItems;
import com.ecommerce.pipeline.dynamostore.RowVersionItems;
import com.ecommerce.pipeline.schema.model.EventIds;
import com.ecommerce.pipeline.schema.model.IngestMetadata;
import com.ecommerce.pipeline.schema.model.RowChange;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import com.ecommerce.pipeline.warehouse.sink.WarehouseSink;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@code pipeline reconcile} after corrections and deletions (docs/corrections.md), on the local cloud: a replayed
 * file's rows in every sink through the sinks' own code, then a correction, a move to another invoice and customer
 * and a deletion, applied to every sink and recorded in a row-versions table as ingest-service records them.
 * Reconciled (a deleted row is correctly absent, a tombstone too); the original rows written again change nothing;
 * then a change that never reached DynamoDB and a deletion undone in two sinks are differences, named.
 */
class ReconcileChangesIT {

    private static final int BATCH = 100;
    private static final String CALLER = EventIds.subject("local-ingest");

    @TempDir
    Path dir;

    @Test
    void finalStatesAreComparedAndDeletedRowsAreCorrectlyAbsentButNeverResurrected() throws Exception {
        TestStores stores = new TestStores();
        DynamoDbClient dynamo = stores.cloud.dynamoClient();
        DynamoWriterProperties names =
                new DynamoWriterProperties(stores.invoicesTable, stores.customersTable, Duration.ofMinutes(1));
        RebuildCommandAccess.prepare(dynamo, names, stores.dataSource());
        DynamoSink dynamoSink = new DynamoSink(dynamo, names, new SimpleMeterRegistry());
        WarehouseSink warehouseSink = new WarehouseSink(stores.dataSource(), new SimpleMeterRegistry());
        String versionsTable = "row-versions-it-" + stores.id;
        RowVersionItems.createMissing(dynamo, versionsTable);

        // A replayed file of 200 sample rows in batches of 100 (+ the rest of the invoice), keyed as the replay keys.
        ReplayedSample sample = ReplayedSample.write(dir, 200, BATCH, CALLER);
        Path file = sample.file();
        Path record = sample.record();
        List<TransactionEvent> replayed = sample.events();
        stores.archive(replayed, 1_000);
        dynamoSink.write(TestStores.batch(replayed));
        warehouseSink.write(TestStores.batch(replayed));

        // The changes: row 10 corrected (quantity and price), row 20 moved to the last row's invoice and customer,
        // row 30 deleted; each applied to every sink and recorded in row-versions.
        TransactionEvent corrected = replayed.get(10);
        TransactionEvent moved = replayed.get(20);
        TransactionEvent deleted = replayed.get(30);
        Transaction target = replayed.get(199).transaction();
        assertThat(target.invoiceNo()).isNotEqualTo(moved.transaction().invoiceNo());
        Transaction c = corrected.transaction();
        Transaction m = moved.transaction();
        List<TransactionEvent> changes = List.of(
                change(
                        corrected,
                        new Transaction(
                                c.invoiceNo(),
                                c.stockCode(),
                                c.description(),
                                c.quantity() + 7,
                                c.invoiceDate(),
                                c.unitPrice().add(new BigDecimal("0.11")),
                                c.customerId(),
                                c.country()),
                        RowChange.upsert(1, RowChange.Place.of(c))),
                change(
                        moved,
                        new Transaction(
                                target.invoiceNo(),
                                m.stockCode(),
                                m.description(),
                                m.quantity(),
                                m.invoiceDate(),
                                m.unitPrice(),
                                target.customerId(),
                                m.country()),
                        RowChange.upsert(1, RowChange.Place.of(m))),
                change(deleted, deleted.transaction(), RowChange.delete(1, RowChange.Place.of(deleted.transaction()))));
        apply(changes, stores, dynamoSink, warehouseSink, dynamo, versionsTable, 5_000);

        Run r = reconcile(stores, record, versionsTable);
        assertThat(r.code).as(r.toString()).isZero();
        assertThat(r.out).containsPattern(row(file.toString(), "200", 200, 200, 200));
        assertThat(r.out)
                .containsPattern(row("of them changed (row-versions), deleted: correctly absent", "3, 1", 1, 1, 1));
        assertThat(r.out).contains("reconciled: every sink holds exactly the expected events");

        // The original rows again (a re-posted batch, a redelivery): every sink keeps the final states.
        stores.archive(replayed, 9_000);
        dynamoSink.write(TestStores.batch(replayed));
        warehouseSink.write(TestStores.batch(replayed));
        Run again = reconcile(stores, record, versionsTable);
        assertThat(again.code).as(again.toString()).isZero();
        assertThat(again.out).contains("the archive holds 200 extra copies of event ids");

        // A second correction of row 10 recorded and archived, never applied to DynamoDB or the warehouse; the
        // deletion undone in DynamoDB (its change item gone: the piece's line shows again) and in the warehouse.
        TransactionEvent v2 = change(
                corrected,
                new Transaction(
                        c.invoiceNo(),
                        c.stockCode(),
                        c.description(),
                        c.quantity() + 9,
                        c.invoiceDate(),
                        c.unitPrice(),
                        c.customerId(),
                        c.country()),
                RowChange.upsert(2, RowChange.Place.of(changes.get(0).transaction())));
        stores.archive(List.of(v2), 10_000);
        record(dynamo, versionsTable, v2);
        dynamo.deleteItem(d -> d.tableName(stores.invoicesTable)
                .key(Map.of(
                        InvoiceItems.INVOICE_NO,
                        AttributeValue.fromS(deleted.transaction().invoiceNo()),
                        InvoiceItems.PIECE_ID,
                        AttributeValue.fromS("change#" + deleted.eventId()))));
        try (Connection conn = stores.dataSource().getConnection();
                PreparedStatement st = conn.prepareStatement(
                        "UPDATE firehose_transactions SET deleted = false, version = 0 WHERE event_id = ?")) {
            st.setString(1, deleted.eventId());
            assertThat(st.executeUpdate()).isEqualTo(1);
        }
        Run bad = reconcile(stores, record, versionsTable);
        assertThat(bad.code).as(bad.toString()).isEqualTo(1);
        assertThat(bad.out).containsPattern(row(file.toString(), "200", 200, 198, 198));
        assertThat(bad.out).containsPattern(counts("at an older version, image or invoice (not in flight)", 0, 1, 1));
        assertThat(bad.out).containsPattern(counts("resurrected (deleted, still there; not in flight)", 0, 1, 1));
        assertThat(bad.out).containsPattern(counts("missing (neither in the sink nor in flight)", 0, 0, 0));
        assertThat(bad.out)
                .contains("at an older version, image or invoice in dynamodb (final version shown): 1 event ids\n  "
                        + corrected.eventId() + "  " + file + " row 10 (version 2, invoice " + c.invoiceNo() + ")\n");
        assertThat(bad.out)
                .contains("resurrected in warehouse (deleted rows still there): 1 event ids\n  " + deleted.eventId()
                        + "  " + file + " row 30 (version 1, deleted)\n");
        assertThat(bad.out).contains("DIFFERENCES FOUND");
    }

    private static TransactionEvent change(TransactionEvent original, Transaction image, RowChange change) {
        IngestMetadata in = original.ingest();
        return new TransactionEvent(
                original.eventId(),
                image,
                new IngestMetadata(
                        in.idempotencyKey(), in.row(), in.receivedAt().plusSeconds(60), "change", CALLER),
                change);
    }

    private static void apply(
            List<TransactionEvent> changes,
            TestStores stores,
            DynamoSink dynamoSink,
            WarehouseSink warehouseSink,
            DynamoDbClient dynamo,
            String versionsTable,
            long sequence)
            throws Exception {
        stores.archive(changes, sequence);
        dynamoSink.write(TestStores.batch(changes));
        warehouseSink.write(TestStores.batch(changes));
        changes.forEach(e -> record(dynamo, versionsTable, e));
    }

    /** The row's item as ingest-service leaves it once the change is on the stream. */
    private static void record(DynamoDbClient dynamo, String table, TransactionEvent change) {
        Map<String, AttributeValue> item = new HashMap<>(RowVersionItems.item(change, "2026-12-02T00:00:00Z"));
        item.put(RowVersionItems.PUBLISHED, AttributeValue.fromBool(true));
        dynamo.putItem(p -> p.tableName(table).item(item));
    }

    private static Pattern row(String label, String rows, long archive, long dynamo, long warehouse) {
        return Pattern.compile(Pattern.quote(label) + "\\s+" + Pattern.quote(rows) + "\\s+" + n(archive) + "\\s+"
                + n(dynamo) + "\\s+" + n(warehouse) + "\\n");
    }

    private static Pattern counts(String label, long archive, long dynamo, long warehouse) {
        return Pattern.compile(
                Pattern.quote(label) + "\\s+" + n(archive) + "\\s+" + n(dynamo) + "\\s+" + n(warehouse) + "\\n");
    }

    private static String n(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    record Run(int code, String out, String err) {}

    private static Run reconcile(TestStores stores, Path record, String versionsTable) {
        List<String> args = new ArrayList<>(List.of("reconcile", "--record", record.toString(), "--no-quality"));
        args.addAll(stores.settings());
        args.addAll(List.of("--set", "pipeline.ingest.corrections.table=" + versionsTable));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = PipelineCommand.execute(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
        System.out.println(out);
        System.err.println(err);
        return new Run(code, out.toString(), err.toString());
    }
}
