package com.ecommerce.pipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.client.PipelineCommand;
import com.ecommerce.pipeline.client.cloud.Archive;
import com.ecommerce.pipeline.client.rebuild.RebuildCommandAccess;
import com.ecommerce.pipeline.client.rebuild.TestStores;
import com.ecommerce.pipeline.consumer.TestConsumer;
import com.ecommerce.pipeline.dynamo.sink.DynamoSink;
import com.ecommerce.pipeline.dynamo.sink.DynamoWriterProperties;
import com.ecommerce.pipeline.dynamostore.CustomerItems;
import com.ecommerce.pipeline.dynamostore.InvoiceItems;
import com.ecommerce.pipeline.dynamostore.InvoiceReader;
import com.ecommerce.pipeline.dynamostore.StoreTables;
import com.ecommerce.pipeline.localcloud.LocalCloud;
import com.ecommerce.pipeline.schema.input.CsvRowReader;
import com.ecommerce.pipeline.schema.input.RowResult;
import com.ecommerce.pipeline.schema.input.TransactionCsv;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.warehouse.sink.WarehouseSink;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * {@code pipeline reconcile --repair} on the real path: a file replayed through ingest-service (a process from its
 * exec jar, security on) onto a stream of its own, the three sinks filled by real KCL consumers with the sinks' own classes; then events removed
 * from one sink (warehouse rows, DynamoDB invoices) and from every sink (an archive object, and one invoice from all
 * three). The repair re-publishes them, the consumers write them again, and every sink is exactly as before the damage:
 * the same DynamoDB items (invoice pieces and customer summaries), the same warehouse rows and BI summaries. Then a
 * file that changed after its replay: reported as not repairable, with exact counts.
 */
@Order(40)
class RepairIT {

    private static final Path SAMPLE = Path.of("../data/online_retail_sample.csv");
    private static final String ID = UUID.randomUUID().toString().substring(0, 8);
    private static final String STREAM = "repair-it-" + ID;
    private static final String ARCHIVER = "repair-it-" + ID + "-archiver";
    private static final String DYNAMO_WRITER = "repair-it-" + ID + "-dynamo";
    private static final String WAREHOUSE_LOADER = "repair-it-" + ID + "-warehouse";

    private static ServiceProcess ingest;

    /**
     * The stream, then ingest-service on it and on this JVM's local cloud (the other classes' stack is not used: its
     * sinks are theirs, and this test damages sinks).
     */
    @BeforeAll
    static void startIngest() throws InterruptedException {
        KinesisClient kinesis = LocalCloud.shared().kinesisClient();
        kinesis.createStream(r -> r.streamName(STREAM).shardCount(2));
        kinesis.waiter().waitUntilStreamExists(r -> r.streamName(STREAM));
        Map<String, String> properties = new LinkedHashMap<>(
                ServiceProcess.ingestProperties(LocalCloud.shared().endpoints().springProperties()));
        properties.put("pipeline.kinesis.stream", STREAM);
        ingest = ServiceProcess.of(
                "ingest-service",
                Path.of(System.getProperty("e2e.repository.root", ".."))
                        .toAbsolutePath()
                        .normalize(),
                Path.of(System.getProperty("e2e.work.dir", "target")).toAbsolutePath(),
                properties,
                null,
                40); // its own jar copy and log: ingest-service-40.log
        ingest.start();
        ingest.awaitHealthy(Stack.HEALTHY);
    }

    @AfterAll
    static void stopIngest() {
        if (ingest != null) {
            ingest.stop();
        }
    }

    @TempDir
    Path dir;

    @Test
    void eventsLostFromOneSinkAndFromEverySinkAreRepairedExactlyAndAChangedFileIsReported() throws Exception {
        TestStores stores = new TestStores();
        DynamoDbClient dynamo = stores.cloud.dynamoClient();
        DynamoWriterProperties names =
                new DynamoWriterProperties(stores.invoicesTable, stores.customersTable, Duration.ofMinutes(1));
        RebuildCommandAccess.prepare(dynamo, names, stores.dataSource());
        Archive archive = new Archive(stores.cloud.s3Client(), TestStores.BUCKET, stores.archivePrefix);
        List<String> lines = Files.readAllLines(SAMPLE, StandardCharsets.UTF_8);
        Path fileA = dir.resolve("a.csv");
        Files.write(fileA, lines.subList(0, 301), StandardCharsets.UTF_8);
        Path fileB = dir.resolve("b.csv");
        List<String> bLines = new ArrayList<>(List.of(lines.get(0)));
        bLines.addAll(lines.subList(301, 401));
        Files.write(fileB, bLines, StandardCharsets.UTF_8);
        Path record = dir.resolve("replays.jsonl");

        try (TestConsumer archiver =
                        new TestConsumer(ARCHIVER, STREAM, stores.archive().sink());
                TestConsumer dynamoWriter = new TestConsumer(
                        DYNAMO_WRITER, STREAM, new DynamoSink(dynamo, names, new SimpleMeterRegistry()));
                TestConsumer warehouseLoader = new TestConsumer(
                        WAREHOUSE_LOADER, STREAM, new WarehouseSink(stores.dataSource(), new SimpleMeterRegistry()))) {
            replay(fileA, record);
            Run settled = reconcile(stores, record, "--wait", "5m");
            assertThat(settled.code).as(settled.toString()).isZero();
            assertThat(settled.out).containsPattern(row(label(fileA), 300, 300, 300, 300));

            Map<String, TreeSet<String>> exact = snapshot(stores, dynamo);

            // The damage. Invoices of file A: x only from the warehouse, z only from DynamoDB, y from every sink
            // (its archive object deleted, with whatever else that object holds).
            List<Transaction> rowsA = parse(fileA);
            List<String> invoices =
                    rowsA.stream().map(Transaction::invoiceNo).distinct().toList();
            String x = invoices.get(1);
            String z = invoices.get(2);
            String y = invoices.get(4);
            Archive.ArchiveObject objectOfY = archive.objects().stream()
                    .filter(o -> archive.read(o.key()).stream()
                            .anyMatch(e -> e.transaction().invoiceNo().equals(y)))
                    .findFirst()
                    .orElseThrow();
            Set<String> lostFromArchive = new HashSet<>();
            archive.read(objectOfY.key()).forEach(e -> lostFromArchive.add(e.eventId()));
            for (Archive.ArchiveObject o : archive.objects()) {
                if (!o.key().equals(objectOfY.key())) {
                    archive.read(o.key()).forEach(e -> lostFromArchive.remove(e.eventId()));
                }
            }
            stores.cloud.s3Client().deleteObject(r -> r.bucket(TestStores.BUCKET)
                    .key(objectOfY.key()));
            long lostFromWarehouse = deleteFromWarehouse(stores, x) + deleteFromWarehouse(stores, y);
            long lostFromDynamo = deleteFromDynamo(dynamo, stores, z) + deleteFromDynamo(dynamo, stores, y);
            assertThat(lostFromArchive).isNotEmpty();
            assertThat(lostFromWarehouse)
                    .isEqualTo(rowsA.stream()
                            .filter(t ->
                                    t.invoiceNo().equals(x) || t.invoiceNo().equals(y))
                            .count());
            assertThat(lostFromDynamo)
                    .isEqualTo(rowsA.stream()
                            .filter(t ->
                                    t.invoiceNo().equals(z) || t.invoiceNo().equals(y))
                            .count());

            Run damaged = reconcile(stores, record, "--no-quality");
            assertThat(damaged.code).as(damaged.toString()).isEqualTo(1);
            assertThat(damaged.out)
                    .containsPattern(row(
                            label(fileA),
                            300,
                            300 - lostFromArchive.size(),
                            300 - lostFromDynamo,
                            300 - lostFromWarehouse));

            Run repaired = reconcile(stores, record, "--repair", "--wait", "5m", "--no-quality");
            assertThat(repaired.code).as(repaired.toString()).isZero();
            assertThat(repaired.out)
                    .contains(
                            "repaired archive: " + n(lostFromArchive.size()) + " of " + n(lostFromArchive.size())
                                    + " missing events now held; 0 still missing, 0 in flight\n",
                            "repaired dynamodb: " + n(lostFromDynamo) + " of " + n(lostFromDynamo)
                                    + " missing events now held; 0 still missing, 0 in flight\n",
                            "repaired warehouse: " + n(lostFromWarehouse) + " of " + n(lostFromWarehouse)
                                    + " missing events now held; 0 still missing, 0 in flight\n",
                            "reconciled: every sink holds exactly the expected events")
                    .doesNotContain("not repaired");
            assertThat(repaired.out.substring(repaired.out.indexOf("after the repair:")))
                    .containsPattern(row(label(fileA), 300, 300, 300, 300));
            // Every sink as it was before the damage: no line, piece, summary or BI figure doubled or lost.
            assertThat(snapshot(stores, dynamo)).isEqualTo(exact);

            // A replayed file that changed afterwards: its rows cannot be derived again, so neither repaired.
            replay(fileB, record);
            assertThat(reconcile(stores, record, "--wait", "5m", "--no-quality").code)
                    .isZero();
            String firstOfB = parse(fileB).stream()
                    .map(Transaction::invoiceNo)
                    .filter(i -> !invoices.contains(i)) // an invoice of file B alone (one may span both files)
                    .findFirst()
                    .orElseThrow();
            long bRows = parse(fileB).size();
            long lostB = deleteFromWarehouse(stores, firstOfB);
            Files.writeString(fileB, lines.get(401) + "\n", StandardOpenOption.APPEND);
            Run unrepairable = reconcile(stores, record, "--repair", "--wait", "5m", "--no-quality");
            assertThat(unrepairable.code).as(unrepairable.toString()).isEqualTo(1);
            assertThat(unrepairable.out)
                    .contains(
                            "repair: nothing missing from any sink, nothing to re-publish\n",
                            "not repaired: " + fileB.toAbsolutePath().normalize()
                                    + ": the file changed since it was replayed",
                            "not repaired: archive holds " + n(bRows) + " event ids no source accounts for",
                            "not repaired: dynamodb holds " + n(bRows) + " event ids no source accounts for",
                            "not repaired: warehouse holds " + n(bRows - lostB) + " event ids no source accounts for",
                            "DIFFERENCES FOUND");
        }
    }

    private void replay(Path file, Path record) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = PipelineCommand.execute(
                new PrintWriter(out),
                new PrintWriter(err),
                "replay",
                file.toString(),
                "--batch",
                "50",
                "--url",
                ingest.uri("").toString(),
                "--token",
                LocalCloud.shared().tokens().forRoles("ingest"),
                "--progress",
                "none",
                "--record",
                record.toString());
        assertThat(code).as(out + "\n" + err).isZero();
    }

    record Run(int code, String out, String err) {}

    private static Run reconcile(TestStores stores, Path record, String... options) {
        List<String> args = new ArrayList<>(List.of("reconcile", "--record", record.toString()));
        args.addAll(List.of(options));
        args.addAll(stores.settings());
        for (String s : List.of(
                "pipeline.kinesis.stream=" + STREAM,
                "pipeline.reconcile.archive-consumer=" + ARCHIVER,
                "pipeline.reconcile.dynamodb-consumer=" + DYNAMO_WRITER,
                "pipeline.reconcile.warehouse-consumer=" + WAREHOUSE_LOADER)) {
            args.add("--set");
            args.add(s);
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = PipelineCommand.execute(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
        System.out.println(out);
        System.err.println(err);
        return new Run(code, out.toString(), err.toString());
    }

    /** Both DynamoDB tables item by item, and every warehouse table row by row but its load and receipt times. */
    private static Map<String, TreeSet<String>> snapshot(TestStores stores, DynamoDbClient dynamo) throws Exception {
        Map<String, TreeSet<String>> all = new TreeMap<>();
        all.put("dynamodb invoices", stores.items(dynamo, stores.invoicesTable));
        all.put("dynamodb customers", stores.items(dynamo, stores.customersTable));
        try (Connection c = stores.dataSource().getConnection();
                Statement st = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs =
                    st.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = '"
                            + stores.schema + "' AND table_type = 'BASE TABLE'"
                            + " AND table_name NOT IN ('flyway_schema_history', 'bi_pending')")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String table : tables) {
                TreeSet<String> rows = new TreeSet<>();
                try (ResultSet rs = st.executeQuery(
                        "SELECT (to_jsonb(t) - 'loaded_at' - 'ingest_received_at')::text FROM " + table + " t")) {
                    while (rs.next()) {
                        rows.add(rs.getString(1));
                    }
                }
                all.put("warehouse " + table, rows);
            }
        }
        assertThat(all.get("warehouse firehose_transactions")).hasSize(300);
        return all;
    }

    private static long deleteFromWarehouse(TestStores stores, String invoiceNo) throws Exception {
        try (Connection c = stores.dataSource().getConnection();
                var st = c.prepareStatement("DELETE FROM firehose_transactions WHERE invoice_no = ?")) {
            st.setString(1, invoiceNo);
            return st.executeUpdate();
        }
    }

    /** Deletes the invoice's pieces and its customer summaries; returns the lines it held. */
    private static long deleteFromDynamo(DynamoDbClient dynamo, TestStores stores, String invoiceNo) {
        long lines = new InvoiceReader(dynamo, new StoreTables(stores.invoicesTable, stores.customersTable))
                .invoice(invoiceNo)
                .orElseThrow()
                .lines()
                .size();
        Set<String> pieces = new LinkedHashSet<>();
        for (Map<String, AttributeValue> item : dynamo.queryPaginator(r -> r.tableName(stores.invoicesTable)
                        .keyConditionExpression("#i = :i")
                        .expressionAttributeNames(Map.of("#i", InvoiceItems.INVOICE_NO))
                        .expressionAttributeValues(Map.of(":i", AttributeValue.fromS(invoiceNo)))
                        .consistentRead(true))
                .items()) {
            String piece = item.get(InvoiceItems.PIECE_ID).s();
            pieces.add(piece);
            dynamo.deleteItem(r -> r.tableName(stores.invoicesTable)
                    .key(Map.of(
                            InvoiceItems.INVOICE_NO, AttributeValue.fromS(invoiceNo),
                            InvoiceItems.PIECE_ID, AttributeValue.fromS(piece))));
        }
        dynamo.scanPaginator(r -> r.tableName(stores.customersTable)).items().forEach(item -> {
            String key = item.get(CustomerItems.INVOICE_KEY).s();
            if (pieces.stream().anyMatch(p -> key.equals(CustomerItems.invoiceKey(invoiceNo, p)))) {
                dynamo.deleteItem(r -> r.tableName(stores.customersTable)
                        .key(Map.of(
                                CustomerItems.CUSTOMER_ID, item.get(CustomerItems.CUSTOMER_ID),
                                CustomerItems.INVOICE_KEY, item.get(CustomerItems.INVOICE_KEY))));
            }
        });
        assertThat(pieces).as("pieces of invoice " + invoiceNo).isNotEmpty();
        return lines;
    }

    private static List<Transaction> parse(Path file) throws Exception {
        List<Transaction> rows = new ArrayList<>();
        try (CsvRowReader reader = TransactionCsv.open(file, StandardCharsets.UTF_8)) {
            for (RowResult r = reader.read(); r != null; r = reader.read()) {
                rows.add(((RowResult.Valid) r).transaction());
            }
        }
        return rows;
    }

    /** A source's label as the report prints it: at most 60 characters. */
    private static String label(Path file) {
        String label = file.toAbsolutePath().normalize().toString();
        return label.length() <= 60 ? label : "..." + label.substring(label.length() - 57);
    }

    private static java.util.regex.Pattern row(String label, long rows, long archive, long dynamo, long warehouse) {
        return java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(label) + "\\s+" + n(rows) + "\\s+"
                + n(archive) + "\\s+" + n(dynamo) + "\\s+" + n(warehouse) + "\\n");
    }

    private static String n(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }
}
