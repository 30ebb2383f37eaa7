package com.ecommerce.pipeline.dynamo.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.ecommerce.pipeline.consumer.PoisonEventsException;
import com.ecommerce.pipeline.dynamo.sink.SampleRows.Expected;
import com.ecommerce.pipeline.dynamo.sink.SampleRows.Row;
import com.ecommerce.pipeline.dynamostore.InvoiceItems;
import com.ecommerce.pipeline.dynamostore.InvoiceReader;
import com.ecommerce.pipeline.dynamostore.InvoiceSummary;
import com.ecommerce.pipeline.dynamostore.StoreTables;
import com.ecommerce.pipeline.dynamostore.StoredInvoice;
import com.ecommerce.pipeline.dynamostore.StoredLine;
import com.ecommerce.pipeline.localcloud.LocalCloud;
import com.ecommerce.pipeline.schema.kinesis.InvoicePieces;
import com.ecommerce.pipeline.schema.kinesis.PackedRecord;
import com.ecommerce.pipeline.schema.kinesis.PackingLimits;
import com.ecommerce.pipeline.schema.kinesis.RecordPacker;
import com.ecommerce.pipeline.schema.kinesis.ShardMap;
import com.ecommerce.pipeline.schema.model.IngestMetadata;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The sink against the local cloud's real DynamoDB emulator and tables, fed with the dataset sample
 * packed into Kinesis records as the ingest service packs them, in batches of whole records as the
 * consumer machinery hands them over; read back through the store's own {@link InvoiceReader}. Every
 * expectation is computed from the CSV columns (SampleRows), not from the store's code.
 */
class DynamoSinkIT {

    private static final String KEY = "dynamo-sink-it";

    /**
     * Smaller records than ingest's default (1,000 rows), so each shard has several records and the
     * sample's two invoices over 200 rows travel in several records (split between their pieces).
     */
    private static final PackingLimits RECORDS = new PackingLimits(200, 900_000);

    private static final ShardMap SHARDS = ShardMap.uniform(4);

    /** Rows of whole records per batch, at most (the machinery flushes at 5,000). */
    private static final int BATCH_ROWS = 500;

    private static DynamoDbClient dynamo;
    private static Tables tables;
    private static InvoiceReader reader;
    private static List<Row> sample;

    private SimpleMeterRegistry meters;
    private DynamoSink sink;

    @BeforeAll
    static void localCloud() throws Exception {
        dynamo = LocalCloud.shared().dynamoClient();
        tables = new Tables(dynamo);
        reader = new InvoiceReader(dynamo, new StoreTables(Tables.INVOICES, Tables.CUSTOMERS));
        sample = SampleRows.read();
        assertThat(sample).hasSize(5000);
    }

    @BeforeEach
    void emptyTables() {
        tables.empty();
        meters = new SimpleMeterRegistry();
        sink = new DynamoSink(
                dynamo, new DynamoWriterProperties(Tables.INVOICES, Tables.CUSTOMERS, Duration.ofMinutes(1)), meters);
    }

    @Test
    void theSampleWrittenThroughTheSinkIsReadBackExactly() throws Exception {
        write(batches(shards(SampleRows.events(sample, KEY))));

        assertReadBackExactly(sample);
        assertThat(meters.counter(DynamoSink.UNPROCESSED_ITEMS).count()).isZero();
    }

    @Test
    void writingTheSameBatchesAgainAndRedeliveringFromALaterRecordChangeNoItem() throws Exception {
        Map<String, List<PackedRecord>> shards = shards(SampleRows.events(sample, KEY));
        List<List<TransactionEvent>> batches = batches(shards);
        write(batches);
        var invoicesBefore = tables.invoices();
        var customersBefore = tables.customers();

        // The same batches again (a worker that died before checkpointing) ...
        write(batches);
        // ... then, per shard, batches that start at later records than the first writes' did: every
        // two records from the second one on, and everything from the middle record on in one batch
        // (a replay from a later checkpoint, cut differently).
        for (List<PackedRecord> records : shards.values()) {
            assertThat(records).hasSizeGreaterThan(2);
            for (int from = 1; from < records.size(); from += 2) {
                sink.write(SampleRows.batch(events(records.subList(from, Math.min(from + 2, records.size())))));
            }
            sink.write(SampleRows.batch(events(records.subList(records.size() / 2, records.size()))));
        }

        assertThat(tables.invoices()).isEqualTo(invoicesBefore);
        assertThat(tables.customers()).isEqualTo(customersBefore);
        assertReadBackExactly(sample);
    }

    @Test
    void theLargestInvoiceOfTheSampleIsReadFromFewPieceItems() throws Exception {
        List<Row> largest = sample.stream().collect(Collectors.groupingBy(Row::invoiceNo)).values().stream()
                .max(Comparator.comparingInt(List::size))
                .orElseThrow();
        String invoiceNo = largest.get(0).invoiceNo();
        assertThat(largest).hasSize(592); // 536592
        Map<String, List<PackedRecord>> shards = shards(SampleRows.events(sample, KEY));
        long recordsCarryingIt = shards.values().stream()
                .flatMap(List::stream)
                .filter(r -> r.events().stream()
                        .anyMatch(e -> e.transaction().invoiceNo().equals(invoiceNo)))
                .count();
        assertThat(recordsCarryingIt).as("records carrying %s", invoiceNo).isGreaterThan(1);

        write(batches(shards));

        // 592 rows in pieces of at most 128: 4 × 128 + 80, five items for a whole invoice.
        List<Map<String, AttributeValue>> pieces = pieceItems(invoiceNo);
        assertThat(pieces).hasSize((largest.size() + InvoicePieces.MAX_ROWS - 1) / InvoicePieces.MAX_ROWS);
        assertThat(pieces).extracting(DynamoSinkIT::lineCount).containsExactlyInAnyOrder(128, 128, 128, 128, 80);
        StoredInvoice stored = reader.invoice(invoiceNo, true).orElseThrow();
        assertThat(stored.lines()).hasSize(592);
        assertInvoice(stored, largest);
    }

    @Test
    void aCustomersInvoiceKeptInSeveralPiecesIsOneSummaryOfAllItsLines() throws Exception {
        // The sample's largest invoice (no customer in the CSV) as if customer IT-1 had placed it.
        List<Row> invoice = rowsOf("536592").stream()
                .map(r -> new Row(
                        r.index(),
                        r.invoiceNo(),
                        r.stockCode(),
                        r.description(),
                        r.quantity(),
                        r.invoiceDate(),
                        r.unitPrice(),
                        "IT-1",
                        r.country()))
                .toList();

        write(batches(shards(SampleRows.events(invoice, KEY))));

        assertThat(tables.customers().keySet()).hasSize(5).allMatch(k -> k.get(0)
                .equals("IT-1"));
        List<InvoiceSummary> summaries = reader.customerInvoices("IT-1");
        assertThat(summaries).hasSize(1);
        assertSummary(summaries.get(0), onlySummary(invoice));
        assertInvoice(reader.invoice("536592", true).orElseThrow(), invoice);
    }

    @Test
    void poisonRowsArePoisonWithTheirReasonAndTheRestOfTheBatchIsWritten() throws Exception {
        List<Row> invoice = rowsOf("536365");
        List<Transaction> rows = new ArrayList<>(
                invoice.stream().map(r -> r.event(KEY).transaction()).toList());
        Transaction good = rows.get(0);
        rows.add(2, withInvoiceNo(good, ""));
        rows.add(4, withDescription(good, "x".repeat(4_000)));
        rows.add(withPrice(good, new BigDecimal("1E+30")));
        // One request, as ingest numbers it: poison and good rows side by side in one piece.
        List<TransactionEvent> request = new ArrayList<>();
        for (int row = 0; row < rows.size(); row++) {
            request.add(new TransactionEvent(
                    "poison-it-" + row, rows.get(row), new IngestMetadata("poison-it", row, Instant.EPOCH, "test")));
        }
        TransactionEvent emptyInvoiceNo = request.get(2);
        TransactionEvent hugeDescription = request.get(4);
        TransactionEvent absurdPrice = request.get(request.size() - 1);

        PoisonEventsException poison =
                catchThrowableOfType(PoisonEventsException.class, () -> sink.write(SampleRows.batch(request)));

        assertThat(poison).isNotNull();
        assertThat(poison.reasons()).containsOnlyKeys(emptyInvoiceNo, hugeDescription, absurdPrice);
        assertThat(poison.reasons().get(emptyInvoiceNo)).contains("InvoiceNo is empty");
        assertThat(poison.reasons().get(hugeDescription)).contains("item limit");
        assertThat(poison.reasons().get(absurdPrice)).contains("DynamoDB number");
        StoredInvoice stored = reader.invoice("536365", true).orElseThrow();
        assertThat(stored.lines()).hasSize(invoice.size());
        assertThat(stored.lines())
                .extracting(StoredLine::eventId)
                .doesNotContain(emptyInvoiceNo.eventId(), hugeDescription.eventId(), absurdPrice.eventId());
        assertThat(stored.totalValue())
                .isEqualByComparingTo(invoice.stream().map(Row::lineTotal).reduce(BigDecimal.ZERO, BigDecimal::add));
        assertThat(reader.customerInvoices("17850"))
                .singleElement()
                .satisfies(s -> assertSummary(s, onlySummary(invoice)));
    }

    @Test
    void theSameRecordTwiceInOneBatchIsWrittenOnce() throws Exception {
        List<TransactionEvent> invoice = SampleRows.events(rowsOf("536365"), KEY);
        List<TransactionEvent> batch = new ArrayList<>(invoice);
        batch.addAll(invoice);

        sink.write(SampleRows.batch(batch));

        assertThat(tables.invoices()).hasSize(1);
        assertInvoice(reader.invoice("536365", true).orElseThrow(), rowsOf("536365"));
        assertThat(tables.customers()).hasSize(1);
    }

    @Test
    void rowsWithoutCustomerGoToInvoicesOnly() throws Exception {
        // Invoice 536544: 527 rows, none with a CustomerID.
        List<Row> invoice = rowsOf("536544");
        assertThat(invoice).hasSize(527).allMatch(r -> r.customerId().isEmpty());

        write(batches(shards(SampleRows.events(invoice, KEY))));

        StoredInvoice stored = reader.invoice("536544", true).orElseThrow();
        assertInvoice(stored, invoice);
        assertThat(stored.customerIds()).containsExactly((String) null);
        assertThat(tables.customers()).isEmpty();
    }

    @Test
    void aFailingDynamoDbIsATransientFailureNotPoison() {
        DynamoSink toMissingTables = new DynamoSink(
                dynamo,
                new DynamoWriterProperties("no-such-invoices", "no-such-customers", Duration.ofSeconds(5)),
                new SimpleMeterRegistry());

        assertThatThrownBy(() -> toMissingTables.write(SampleRows.batch(SampleRows.events(rowsOf("536365"), KEY))))
                .isNotInstanceOf(PoisonEventsException.class);
    }

    // --- helpers -------------------------------------------------------------------------------

    /** The events packed into records as ingest packs them, per shard, in stream order. */
    private static Map<String, List<PackedRecord>> shards(List<TransactionEvent> events) {
        Map<String, List<PackedRecord>> byShard = new LinkedHashMap<>();
        for (PackedRecord record : RecordPacker.pack(events, SHARDS, RECORDS)) {
            byShard.computeIfAbsent(SHARDS.shardFor(record.partitionKey()), s -> new ArrayList<>())
                    .add(record);
        }
        return byShard;
    }

    /** Each shard's records in consecutive batches of whole records, up to BATCH_ROWS rows each. */
    private static List<List<TransactionEvent>> batches(Map<String, List<PackedRecord>> shards) {
        List<List<TransactionEvent>> batches = new ArrayList<>();
        for (List<PackedRecord> records : shards.values()) {
            List<TransactionEvent> batch = new ArrayList<>();
            for (PackedRecord record : records) {
                if (!batch.isEmpty() && batch.size() + record.events().size() > BATCH_ROWS) {
                    batches.add(batch);
                    batch = new ArrayList<>();
                }
                batch.addAll(record.events());
            }
            if (!batch.isEmpty()) {
                batches.add(batch);
            }
        }
        return batches;
    }

    private static List<TransactionEvent> events(List<PackedRecord> records) {
        return records.stream().flatMap(r -> r.events().stream()).toList();
    }

    private void write(List<List<TransactionEvent>> batches) throws Exception {
        for (List<TransactionEvent> batch : batches) {
            sink.write(SampleRows.batch(batch));
        }
    }

    /**
     * Every invoice of the rows reads back with each of its rows once, as the CSV has it, and totals
     * summed from the CSV; every customer's invoices read back, newest first, with the CSV's totals;
     * and the tables hold nothing else.
     */
    /** The lines a stored piece item holds (its {@code lines} JSON array). */
    private static int lineCount(Map<String, AttributeValue> item) {
        return com.ecommerce.pipeline.schema.input.TransactionJson.mapper()
                .readTree(item.get(InvoiceItems.LINES).s())
                .size();
    }

    private void assertReadBackExactly(List<Row> rows) {
        Map<String, List<Row>> byInvoice =
                rows.stream().collect(Collectors.groupingBy(Row::invoiceNo, LinkedHashMap::new, Collectors.toList()));
        for (Map.Entry<String, List<Row>> invoice : byInvoice.entrySet()) {
            StoredInvoice stored = reader.invoice(invoice.getKey(), true).orElse(null);
            assertThat(stored).as("invoice %s", invoice.getKey()).isNotNull();
            assertInvoice(stored, invoice.getValue());
        }
        var items = tables.invoices();
        assertThat(items.keySet().stream().map(k -> k.get(0)).collect(Collectors.toSet()))
                .isEqualTo(byInvoice.keySet());
        assertThat(items.values().stream().mapToInt(DynamoSinkIT::lineCount).sum())
                .isEqualTo(rows.size());

        Map<String, List<Expected>> byCustomer = SampleRows.expectedSummaries(rows).values().stream()
                .collect(Collectors.groupingBy(Expected::customerId));
        for (Map.Entry<String, List<Expected>> customer : byCustomer.entrySet()) {
            List<Expected> newestFirst = customer.getValue().stream()
                    .sorted(Comparator.comparing(Expected::firstDate)
                            .thenComparing(Expected::invoiceNo)
                            .reversed())
                    .toList();
            List<InvoiceSummary> stored = reader.customerInvoices(customer.getKey());
            assertThat(stored)
                    .as("invoices of customer %s", customer.getKey())
                    .extracting(InvoiceSummary::invoiceNo)
                    .containsExactlyElementsOf(
                            newestFirst.stream().map(Expected::invoiceNo).toList());
            for (int i = 0; i < stored.size(); i++) {
                assertSummary(stored.get(i), newestFirst.get(i));
            }
        }
        assertThat(tables.customers().keySet().stream().map(k -> k.get(0)).collect(Collectors.toSet()))
                .isEqualTo(byCustomer.keySet());
    }

    /** The stored invoice holds exactly these CSV rows, in posting order, each once, column by column. */
    private static void assertInvoice(StoredInvoice stored, List<Row> rows) {
        assertThat(stored.lines())
                .as("lines of %s", stored.invoiceNo())
                .extracting(StoredLine::eventId)
                .containsExactlyElementsOf(
                        rows.stream().map(r -> KEY + "-" + r.index()).toList());
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            StoredLine line = stored.lines().get(i);
            assertThat(line.ingestKey()).isEqualTo(KEY);
            assertThat(line.row()).isEqualTo(row.index());
            assertThat(line.stockCode()).isEqualTo(row.stockCode());
            assertThat(line.description()).isEqualTo(row.description());
            assertThat(line.quantity()).isEqualTo(Long.parseLong(row.quantity()));
            assertThat(line.unitPrice()).isEqualByComparingTo(row.unitPrice());
            assertThat(line.lineTotal()).isEqualByComparingTo(row.lineTotal());
            assertThat(line.invoiceDate()).isEqualTo(iso(row.date()));
            assertThat(line.customerId()).isEqualTo(row.customerId().isEmpty() ? null : row.customerId());
            assertThat(line.country()).isEqualTo(row.country());
        }
        assertThat(stored.totalQuantity())
                .isEqualTo(rows.stream()
                        .mapToLong(r -> Long.parseLong(r.quantity()))
                        .sum());
        assertThat(stored.totalValue())
                .isEqualByComparingTo(rows.stream().map(Row::lineTotal).reduce(BigDecimal.ZERO, BigDecimal::add));
        assertThat(stored.invoiceDate())
                .isEqualTo(iso(rows.stream()
                        .map(Row::date)
                        .min(Comparator.naturalOrder())
                        .orElseThrow()));
    }

    private static void assertSummary(InvoiceSummary stored, Expected expected) {
        assertThat(stored.invoiceNo()).isEqualTo(expected.invoiceNo());
        assertThat(stored.invoiceDate()).isEqualTo(iso(expected.firstDate()));
        assertThat(stored.country()).isEqualTo(expected.country());
        assertThat(stored.lineCount()).isEqualTo(expected.lineCount());
        assertThat(stored.totalQuantity()).isEqualTo(expected.totalQuantity());
        assertThat(stored.totalValue())
                .as("total of %s", expected.invoiceNo())
                .isEqualByComparingTo(expected.totalValue());
        assertThat(stored.totalValue().setScale(2, RoundingMode.HALF_UP)).isEqualTo(expected.totalValueRounded());
        assertThat(stored.cancelled()).isEqualTo(expected.invoiceNo().startsWith("C"));
    }

    /** The one (customer, invoice) summary the CSV gives these rows. */
    private static Expected onlySummary(List<Row> rows) {
        Map<List<String>, Expected> expected = SampleRows.expectedSummaries(rows);
        assertThat(expected).hasSize(1);
        return expected.values().iterator().next();
    }

    private static List<Row> rowsOf(String invoiceNo) {
        return sample.stream().filter(r -> r.invoiceNo().equals(invoiceNo)).toList();
    }

    private static List<Map<String, AttributeValue>> pieceItems(String invoiceNo) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        dynamo.queryPaginator(r -> r.tableName(Tables.INVOICES)
                        .keyConditionExpression("invoiceNo = :i")
                        .expressionAttributeValues(Map.of(":i", AttributeValue.fromS(invoiceNo)))
                        .consistentRead(true))
                .items()
                .forEach(items::add);
        return items;
    }

    private static String iso(LocalDateTime date) {
        return date.format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss"));
    }

    private static Transaction withInvoiceNo(Transaction t, String invoiceNo) {
        return new Transaction(
                invoiceNo,
                t.stockCode(),
                t.description(),
                t.quantity(),
                t.invoiceDate(),
                t.unitPrice(),
                t.customerId(),
                t.country());
    }

    private static Transaction withDescription(Transaction t, String description) {
        return new Transaction(
                t.invoiceNo(),
                t.stockCode(),
                description,
                t.quantity(),
                t.invoiceDate(),
                t.unitPrice(),
                t.customerId(),
                t.country());
    }

    private static Transaction withPrice(Transaction t, BigDecimal price) {
        return new Transaction(
                t.invoiceNo(),
                t.stockCode(),
                t.description(),
                t.quantity(),
                t.invoiceDate(),
                price,
                t.customerId(),
                t.country());
    }
}
