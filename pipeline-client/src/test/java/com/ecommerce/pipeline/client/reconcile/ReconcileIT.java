package com.ecommerce.pipeline.client.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.client.PipelineCommand;
import com.ecommerce.pipeline.client.rebuild.RebuildCommandAccess;
import com.ecommerce.pipeline.client.rebuild.TestStores;
import com.ecommerce.pipeline.dynamo.sink.DynamoSink;
import com.ecommerce.pipeline.dynamo.sink.DynamoWriterProperties;
import com.ecommerce.pipeline.schema.input.CsvRowReader;
import com.ecommerce.pipeline.schema.input.RowResult;
import com.ecommerce.pipeline.schema.input.TransactionCsv;
import com.ecommerce.pipeline.schema.model.EventIds;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import com.ecommerce.pipeline.warehouse.sink.WarehouseSink;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code pipeline reconcile} over sinks filled by the sink code with a replayed file's and an import's
 * events, keyed as ingest-service keys them; one row planted missing from DynamoDB, one unexpected
 * event planted in the warehouse. Batch ranges, keys and every count are computed here from the CSV.
 */
class ReconcileIT {

    private static final Path SAMPLE = Path.of("../data/online_retail_sample.csv");
    private static final int BATCH = 100;
    /** Who the service took the replay to be (what the replay records from its 202s). */
    private static final String REPLAY_CALLER = EventIds.subject("local-ingest");

    @TempDir
    Path dir;

    @Test
    void plantedDifferencesAreListedWithExactCountsAndAFixedSinkReconciles() throws Exception {
        TestStores stores = new TestStores();
        DynamoDbClient dynamo = stores.cloud.dynamoClient();
        DynamoWriterProperties names =
                new DynamoWriterProperties(stores.invoicesTable, stores.customersTable, Duration.ofMinutes(1));
        RebuildCommandAccess.prepare(dynamo, names, stores.dataSource());
        DynamoSink dynamoSink = new DynamoSink(dynamo, names, new SimpleMeterRegistry());
        WarehouseSink warehouseSink = new WarehouseSink(stores.dataSource(), new SimpleMeterRegistry());

        // The replayed file: 600 sample rows, replayed in batches of 100 (+ the rest of the invoice).
        List<String> lines = Files.readAllLines(SAMPLE, StandardCharsets.UTF_8);
        Path file = dir.resolve("replayed.csv");
        byte[] csv = (String.join("\n", lines.subList(0, 601)) + "\n").getBytes(StandardCharsets.UTF_8);
        Files.write(file, csv);
        String sha = sha256(csv);
        List<Transaction> rows = parse(file);
        List<TransactionEvent> replayed = new ArrayList<>();
        for (int first = 0; first < rows.size(); ) {
            int last = Math.min(first + BATCH, rows.size()) - 1;
            while (last + 1 < rows.size()
                    && rows.get(last + 1).invoiceNo().equals(rows.get(last).invoiceNo())) {
                last++;
            }
            replayed.addAll(TestStores.events(
                    REPLAY_CALLER, sha.substring(0, 16) + ":" + first + "-" + last, rows.subList(first, last + 1)));
            first = last + 1;
        }
        Path record = dir.resolve("replays.jsonl");
        Files.writeString(
                record,
                JsonMapper.builder()
                                .build()
                                .writeValueAsString(Map.of(
                                        "file",
                                        file.toString(),
                                        "sha256",
                                        sha,
                                        "batch",
                                        BATCH,
                                        "charset",
                                        "UTF-8",
                                        "url",
                                        "http://localhost:8081/transactions",
                                        "status",
                                        "completed",
                                        "rowsAccepted",
                                        600,
                                        "caller",
                                        REPLAY_CALLER))
                        + "\n");

        // A completed import of 50 other rows, in batches of 20.
        Path importFile = dir.resolve("imported.csv");
        byte[] importCsv = (lines.get(0) + "\n" + String.join("\n", lines.subList(601, 651)) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        Files.write(importFile, importCsv);
        String importSha = sha256(importCsv);
        List<Transaction> importRows = parse(importFile);
        List<TransactionEvent> imported = new ArrayList<>();
        for (int first = 0; first < 50; first += 20) {
            int last = Math.min(first + 20, 50) - 1;
            imported.addAll(TestStores.events(
                    EventIds.IMPORT,
                    "import:" + importSha.substring(0, 16) + ":" + first + "-" + last,
                    importRows.subList(first, last + 1)));
        }
        // The import read the file from the import bucket; reconcile reads it again (its ids depend on its rows).
        String importKey =
                "reconcile-it/" + java.util.UUID.randomUUID().toString().substring(0, 8) + ".csv";
        stores.cloud
                .s3Client()
                .putObject(
                        r -> r.bucket(TestStores.BUCKET).key(importKey),
                        software.amazon.awssdk.core.sync.RequestBody.fromBytes(importCsv));
        createImportsTable(dynamo, stores.importsTable);
        dynamo.putItem(r -> r.tableName(stores.importsTable)
                .item(Map.of(
                        "fileKey", AttributeValue.fromS(importKey),
                        "state", AttributeValue.fromS("DONE"),
                        "charset", AttributeValue.fromS("UTF-8"),
                        "sha256", AttributeValue.fromS(importSha),
                        "rows", AttributeValue.fromN("50"),
                        "batchSize", AttributeValue.fromN("20"))));

        List<TransactionEvent> all = new ArrayList<>(replayed);
        all.addAll(imported);
        TransactionEvent missing = replayed.get(123);
        TransactionEvent extra =
                TestStores.events("somebody-else:0-0", rows.subList(5, 6)).get(0);
        stores.archive(all, 1_000);
        stores.archive(all.subList(0, 10), 5_000); // a re-posted request: copies, not a difference
        // One line lost from DynamoDB: its piece item written without it.
        List<TransactionEvent> dynamoEvents = new ArrayList<>(all);
        dynamoEvents.remove(missing);
        dynamoSink.write(TestStores.batch(dynamoEvents));
        List<TransactionEvent> warehouseEvents = new ArrayList<>(all);
        warehouseEvents.add(extra);
        warehouseSink.write(TestStores.batch(warehouseEvents));

        Run r = reconcile(stores, record);
        assertThat(r.code).as(r.toString()).isEqualTo(1);
        assertThat(r.out).containsPattern(row(file.toString(), 600, 600, 599, 600));
        assertThat(r.out).containsPattern(row("import " + importKey, 50, 50, 50, 50));
        assertThat(r.out).containsPattern(row("expected event ids (all sources)", 650, 650, 649, 650));
        assertThat(r.out).containsPattern("unexpected event ids \\(no source accounts for them\\)\\s+0\\s+0\\s+1\\n");
        assertThat(r.out).contains("the archive holds 10 extra copies of event ids");
        assertThat(r.out)
                .contains("missing in dynamodb: 1 event ids\n  " + missing.eventId() + "  " + file + " row 123\n");
        assertThat(r.out)
                .contains("unexpected in warehouse: 1 event ids\n  " + extra.eventId() + "  invoice "
                        + extra.transaction().invoiceNo() + "\n");
        assertThat(r.out).doesNotContain("missing in archive").doesNotContain("missing in warehouse");

        // The data-quality report counts the warehouse as it is (651 rows), computed here from the CSV.
        List<Transaction> inWarehouse = new ArrayList<>(rows);
        inWarehouse.addAll(importRows);
        inWarehouse.add(extra.transaction());
        assertThat(r.out).containsPattern(quality("rows", inWarehouse.size()));
        assertThat(r.out)
                .containsPattern(quality(
                        "cancellation rows \\(InvoiceNo C...\\)",
                        inWarehouse.stream()
                                .filter(t -> t.invoiceNo().startsWith("C"))
                                .count()));
        assertThat(r.out)
                .containsPattern(quality(
                        "rows without CustomerID",
                        inWarehouse.stream().filter(t -> t.customerId() == null).count()));
        assertThat(r.out)
                .containsPattern(quality(
                        "non-product stock codes \\(rows\\)",
                        inWarehouse.stream()
                                .filter(t -> !t.stockCode().matches("[0-9]{5}.*"))
                                .count()));
        assertThat(r.out)
                .containsPattern(quality(
                        "zero UnitPrice",
                        inWarehouse.stream()
                                .filter(t -> t.unitPrice().signum() == 0)
                                .count()));
        assertThat(r.out)
                .containsPattern(quality(
                        "negative Quantity",
                        inWarehouse.stream().filter(t -> t.quantity() < 0).count()));
        long distinct = inWarehouse.stream()
                .map(t -> List.of(
                        t.invoiceNo(),
                        t.stockCode(),
                        t.description(),
                        t.quantity(),
                        t.invoiceDate(),
                        t.unitPrice().stripTrailingZeros(),
                        String.valueOf(t.customerId()),
                        t.country()))
                .distinct()
                .count();
        assertThat(r.out)
                .containsPattern(quality("repeated identical rows \\(extra copies\\)", inWarehouse.size() - distinct));

        // Fix both sinks: everything reconciles. DynamoDB is written whole pieces: the missing row's whole request.
        dynamoSink.write(TestStores.batch(replayed.stream()
                .filter(e -> e.ingest().idempotencyKey().equals(missing.ingest().idempotencyKey()))
                .toList()));
        try (Connection c = stores.dataSource().getConnection();
                PreparedStatement st = c.prepareStatement("DELETE FROM firehose_transactions WHERE event_id = ?")) {
            st.setString(1, extra.eventId());
            assertThat(st.executeUpdate()).isEqualTo(1);
        }
        Run fixed = reconcile(stores, record);
        assertThat(fixed.code).as(fixed.toString()).isZero();
        assertThat(fixed.out).containsPattern(row(file.toString(), 600, 600, 600, 600));
        assertThat(fixed.out).contains("reconciled: every sink holds exactly the expected events");
    }

    @Test
    void anUnreachableWarehouseIsOneLineAndExitCodeTwo() throws Exception {
        TestStores stores = new TestStores();
        List<String> args = new ArrayList<>(
                List.of("reconcile", "--record", dir.resolve("none.jsonl").toString()));
        args.addAll(stores.settings());
        args.addAll(List.of("--set", "spring.datasource.url=jdbc:postgresql://127.0.0.1:9/warehouse"));
        Run r = execute(args);
        assertThat(r.code).as(r.toString()).isEqualTo(2);
        assertThat(r.err.lines().toList()).hasSize(1);
        assertThat(r.err).startsWith("pipeline reconcile: the warehouse is unreachable");
    }

    private static Pattern row(String label, long rows, long archive, long dynamo, long warehouse) {
        return Pattern.compile(Pattern.quote(label) + "\\s+" + n(rows) + "\\s+" + n(archive) + "\\s+" + n(dynamo)
                + "\\s+" + n(warehouse) + "\\n");
    }

    private static String quality(String label, long n) {
        return "\\n  " + label + "\\s+" + Pattern.quote(n(n)) + "(\\s|\\n)";
    }

    private static String n(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    record Run(int code, String out, String err) {}

    private Run reconcile(TestStores stores, Path record) {
        List<String> args = new ArrayList<>(List.of("reconcile", "--record", record.toString()));
        args.addAll(stores.settings());
        return execute(args);
    }

    private static Run execute(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = PipelineCommand.execute(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
        System.out.println(out);
        System.err.println(err);
        return new Run(code, out.toString(), err.toString());
    }

    private static void createImportsTable(DynamoDbClient dynamo, String table) {
        dynamo.createTable(r -> r.tableName(table)
                .keySchema(KeySchemaElement.builder()
                        .attributeName("fileKey")
                        .keyType(KeyType.HASH)
                        .build())
                .attributeDefinitions(AttributeDefinition.builder()
                        .attributeName("fileKey")
                        .attributeType("S")
                        .build())
                .billingMode(BillingMode.PAY_PER_REQUEST));
        // dynalite, like DynamoDB, creates a table asynchronously (CREATING, then ACTIVE).
        dynamo.waiter().waitUntilTableExists(r -> r.tableName(table));
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

    private static String sha256(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }
}
