package com.ecommerce.pipeline.client.rebuild;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.client.PipelineCommand;
import com.ecommerce.pipeline.dynamo.sink.DynamoSink;
import com.ecommerce.pipeline.dynamo.sink.DynamoWriterProperties;
import com.ecommerce.pipeline.schema.input.CsvRowReader;
import com.ecommerce.pipeline.schema.input.RowResult;
import com.ecommerce.pipeline.schema.input.TransactionCsv;
import com.ecommerce.pipeline.schema.kinesis.InvoicePieces;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import com.ecommerce.pipeline.warehouse.sink.WarehouseSink;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * {@code pipeline rebuild}: both sinks are filled through the consumers' own sink code and the archive
 * through the archiver's own sink, the sinks' tables are dropped, rebuilt from the archive alone, and
 * compared with the originals item for item and row for row.
 */
class RebuildIT {

    private static final Path SAMPLE = Path.of("../data/online_retail_sample.csv");

    @Test
    void droppedSinksAreRebuiltFromTheArchiveItemForItemAndRowForRow() throws Exception {
        TestStores stores = new TestStores();
        DynamoDbClient dynamo = stores.cloud.dynamoClient();
        DynamoWriterProperties names =
                new DynamoWriterProperties(stores.invoicesTable, stores.customersTable, Duration.ofMinutes(1));
        RebuildCommand.ensureTables(dynamo, names);
        RebuildCommand.migrate(stores.dataSource());
        DynamoSink dynamoSink = new DynamoSink(dynamo, names, new SimpleMeterRegistry());
        WarehouseSink warehouseSink = new WarehouseSink(stores.dataSource(), new SimpleMeterRegistry());

        // Four requests of 500 sample rows, as the consumers and the archiver would see them.
        List<Transaction> rows = sampleRows(2000);
        List<TransactionEvent> all = new ArrayList<>();
        List<InvoicePieces.Piece> pieces = new ArrayList<>();
        for (int first = 0; first < rows.size(); first += 500) {
            String key = "rebuild-it-" + stores.id + ":" + first + "-" + (first + 499);
            List<TransactionEvent> request = TestStores.events(key, rows.subList(first, first + 500));
            dynamoSink.write(TestStores.batch(request));
            warehouseSink.write(TestStores.batch(request));
            stores.archive(request, 1_000L * first);
            all.addAll(request);
            pieces.addAll(InvoicePieces.of(request));
        }
        // A re-posted request reached the stream twice: the archive holds its events twice.
        stores.archive(all.subList(0, 500), 9_000_000L);
        // Corrections and deletions (docs/corrections.md), through the sinks and into the archive: a correction,
        // a move to another invoice and customer, a deletion. A rebuild that lost them would bring the old rows back.
        List<TransactionEvent> changes = changes(all);
        dynamoSink.write(TestStores.batch(changes));
        warehouseSink.write(TestStores.batch(changes));
        stores.archive(changes, 9_500_000L);

        TreeSet<String> invoices = stores.items(dynamo, stores.invoicesTable);
        TreeSet<String> customers = stores.items(dynamo, stores.customersTable);
        Map<String, TreeSet<String>> warehouse = stores.rows();
        // One invoices item per piece (an invoice's rows of one request), one customers item per customer and piece.
        Set<String> customerPieces = new HashSet<>();
        for (InvoicePieces.Piece piece : pieces) {
            piece.events().stream()
                    .filter(e -> e.transaction().customerId() != null)
                    .forEach(e -> customerPieces.add(e.transaction().customerId() + "|" + piece.id()));
        }
        // ... and the changes' items: a change item per row and invoice it was in, a marker per customer and invoice.
        assertThat(invoices.stream().filter(i -> !i.contains("pieceId=AttributeValue(S=change#")))
                .hasSize(pieces.size());
        assertThat(invoices).hasSize(pieces.size() + 4);
        assertThat(customers.stream().filter(i -> !i.contains("#changes)"))).hasSize(customerPieces.size());
        assertThat(customers).hasSize(customerPieces.size() + 2);
        assertThat(warehouse.get("firehose_transactions")).hasSize(2000);
        assertThat(invoices)
                .anyMatch(item -> item.contains("change#" + changes.get(2).eventId()));

        dynamo.deleteTable(r -> r.tableName(stores.invoicesTable));
        dynamo.deleteTable(r -> r.tableName(stores.customersTable));
        // Not waited for: dynalite, like DynamoDB, deletes a table asynchronously, and rebuild waits until it is gone.
        stores.dropSchema();

        Run d = run(stores, "rebuild", "dynamo");
        assertThat(d.code).as(d.toString()).isZero();
        assertThat(d.out).contains("2,003 events written").contains("500 copies of an event id skipped");
        Run w = run(stores, "rebuild", "warehouse");
        assertThat(w.code).as(w.toString()).isZero();
        assertThat(w.out).contains("2,003 events written");

        assertThat(stores.items(dynamo, stores.invoicesTable)).isEqualTo(invoices);
        assertThat(stores.items(dynamo, stores.customersTable)).isEqualTo(customers);
        assertThat(stores.rows()).isEqualTo(warehouse);

        // Again, over full sinks: nothing changes.
        assertThat(run(stores, "rebuild", "warehouse").code).isZero();
        assertThat(run(stores, "rebuild", "dynamo").code).isZero();
        assertThat(stores.items(dynamo, stores.invoicesTable)).isEqualTo(invoices);
        assertThat(stores.items(dynamo, stores.customersTable)).isEqualTo(customers);
        assertThat(stores.rows()).isEqualTo(warehouse);
    }

    /** Version 1 of three rows: a correction of the first, a move of the second, a deletion of the third. */
    private static List<TransactionEvent> changes(List<TransactionEvent> all) {
        List<TransactionEvent> changes = new ArrayList<>();
        TransactionEvent corrected = all.get(0);
        TransactionEvent moved = all.get(1);
        TransactionEvent deleted = all.get(2);
        Transaction c = corrected.transaction();
        Transaction m = moved.transaction();
        Transaction target = all.get(1999).transaction();
        changes.add(change(
                corrected,
                new Transaction(
                        c.invoiceNo(),
                        c.stockCode(),
                        c.description(),
                        c.quantity() + 5,
                        c.invoiceDate(),
                        new java.math.BigDecimal("1.23"),
                        c.customerId(),
                        c.country()),
                com.ecommerce.pipeline.schema.model.RowChange.upsert(
                        1, com.ecommerce.pipeline.schema.model.RowChange.Place.of(c))));
        changes.add(change(
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
                com.ecommerce.pipeline.schema.model.RowChange.upsert(
                        1, com.ecommerce.pipeline.schema.model.RowChange.Place.of(m))));
        changes.add(change(
                deleted,
                deleted.transaction(),
                com.ecommerce.pipeline.schema.model.RowChange.delete(
                        1, com.ecommerce.pipeline.schema.model.RowChange.Place.of(deleted.transaction()))));
        return changes;
    }

    private static TransactionEvent change(
            TransactionEvent original, Transaction image, com.ecommerce.pipeline.schema.model.RowChange change) {
        com.ecommerce.pipeline.schema.model.IngestMetadata m = original.ingest();
        return new TransactionEvent(
                original.eventId(),
                image,
                new com.ecommerce.pipeline.schema.model.IngestMetadata(
                        m.idempotencyKey(), m.row(), m.receivedAt().plusSeconds(60), "change", "sub:test"),
                change);
    }

    @Test
    void anUnreachableStoreIsOneLineAndExitCodeTwo() throws Exception {
        TestStores stores = new TestStores();
        List<String> args = new ArrayList<>(List.of("rebuild", "dynamo"));
        args.addAll(stores.settings());
        args.addAll(List.of("--set", "spring.cloud.aws.dynamodb.endpoint=http://127.0.0.1:9"));
        Run r = execute(args);
        assertThat(r.code).as(r.toString()).isEqualTo(2);
        assertThat(r.err.lines().toList()).hasSize(1);
        assertThat(r.err).startsWith("pipeline rebuild: ").doesNotContain("\tat ");
    }

    record Run(int code, String out, String err) {}

    static Run run(TestStores stores, String... command) {
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(stores.settings());
        return execute(args);
    }

    static Run execute(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = PipelineCommand.execute(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
        System.out.println(out);
        System.err.println(err);
        return new Run(code, out.toString(), err.toString());
    }

    static List<Transaction> sampleRows(int n) throws Exception {
        List<Transaction> rows = new ArrayList<>();
        try (CsvRowReader reader = TransactionCsv.open(SAMPLE, StandardCharsets.UTF_8)) {
            for (RowResult r = reader.read(); r != null && rows.size() < n; r = reader.read()) {
                rows.add(((RowResult.Valid) r).transaction());
            }
        }
        return rows;
    }
}
