package com.ecommerce.pipeline.dynamostore;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.localcloud.LocalCloud;
import com.ecommerce.pipeline.schema.input.CsvRowReader;
import com.ecommerce.pipeline.schema.input.RowResult;
import com.ecommerce.pipeline.schema.input.TransactionCsv;
import com.ecommerce.pipeline.schema.kinesis.PackedRecord;
import com.ecommerce.pipeline.schema.kinesis.PackingLimits;
import com.ecommerce.pipeline.schema.kinesis.RecordPacker;
import com.ecommerce.pipeline.schema.kinesis.ShardMap;
import com.ecommerce.pipeline.schema.model.IngestMetadata;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The store on the real emulator (the local cloud's dynalite): what {@link InvoiceWriter} puts,
 * {@link InvoiceReader} reads back exactly, whatever the redelivery; expectations come from the
 * parsed CSV rows, not from the store.
 */
class InvoiceStoreIT {

    private static final Path SAMPLE = Path.of("..", "data", "online_retail_sample.csv");
    private static final Instant AT = Instant.parse("2026-12-02T06:00:00Z");

    private static DynamoDbClient dynamo;
    private static InvoiceWriter writer;
    private static InvoiceReader reader;
    private static final AtomicInteger unprocessed = new AtomicInteger();

    @BeforeAll
    static void store() {
        dynamo = LocalCloud.shared().dynamoClient();
        writer = new InvoiceWriter(dynamo, StoreTables.defaults(), Duration.ofSeconds(30), unprocessed::addAndGet);
        reader = new InvoiceReader(dynamo, StoreTables.defaults());
    }

    @AfterAll
    static void close() {
        dynamo.close();
    }

    @Test
    void theSampleReadsBackExactlyHoweverItIsRedelivered() throws Exception {
        List<Transaction> rows = sample();
        // As the replay client posts it: requests of 500 rows, each packed into Kinesis records.
        List<TransactionEvent> stream = new ArrayList<>();
        List<List<TransactionEvent>> records = new ArrayList<>();
        for (int from = 0; from < rows.size(); from += 500) {
            List<TransactionEvent> request =
                    events("sample-" + from, rows.subList(from, Math.min(from + 500, rows.size())));
            for (PackedRecord r : RecordPacker.pack(request, ShardMap.uniform(4), PackingLimits.defaults())) {
                records.add(r.events());
            }
            stream.addAll(request);
        }
        // A consumer writes whole records, three at a time.
        for (int from = 0; from < records.size(); from += 3) {
            assertThat(writer.write(flatten(records.subList(from, Math.min(from + 3, records.size())))))
                    .isEmpty();
        }
        Map<List<String>, Map<String, AttributeValue>> written = scan("invoices");
        Map<List<String>, Map<String, AttributeValue>> summaries = scan("customers");

        // Redelivered from a later record (a checkpoint in the middle), then all again in one batch.
        assertThat(writer.write(flatten(records.subList(records.size() / 2, records.size()))))
                .isEmpty();
        assertThat(writer.write(stream)).isEmpty();
        assertThat(scan("invoices")).isEqualTo(written);
        assertThat(scan("customers")).isEqualTo(summaries);

        Map<String, List<TransactionEvent>> byInvoice = new LinkedHashMap<>();
        stream.forEach(e -> byInvoice
                .computeIfAbsent(e.transaction().invoiceNo(), k -> new ArrayList<>())
                .add(e));
        for (Map.Entry<String, List<TransactionEvent>> invoice : byInvoice.entrySet()) {
            StoredInvoice stored = reader.invoice(invoice.getKey()).orElseThrow();
            // Posting order, as documented: request key, then row.
            List<TransactionEvent> expected = invoice.getValue().stream()
                    .sorted(java.util.Comparator.comparing(
                                    (TransactionEvent e) -> e.ingest().idempotencyKey())
                            .thenComparingInt(e -> e.ingest().row()))
                    .toList();
            assertThat(stored.lines())
                    .extracting(StoredLine::eventId)
                    .containsExactlyElementsOf(
                            expected.stream().map(TransactionEvent::eventId).toList());
            assertThat(stored.lines())
                    .extracting(StoredLine::quantity)
                    .containsExactlyElementsOf(expected.stream()
                            .map(e -> (long) e.transaction().quantity())
                            .toList());
            assertThat(stored.totalValue())
                    .isEqualByComparingTo(expected.stream()
                            .map(e -> e.transaction()
                                    .unitPrice()
                                    .multiply(BigDecimal.valueOf(e.transaction().quantity())))
                            .reduce(BigDecimal.ZERO, BigDecimal::add));
        }
        // One item per invoice and request, and one more per further 128 rows of it.
        Map<List<String>, Integer> rowsPerRequest = new LinkedHashMap<>();
        stream.forEach(e -> rowsPerRequest.merge(
                List.of(e.transaction().invoiceNo(), e.ingest().idempotencyKey()), 1, Integer::sum));
        int pieces =
                rowsPerRequest.values().stream().mapToInt(n -> (n + 127) / 128).sum();
        // (The table also holds the other tests' invoices.)
        assertThat(written.values())
                .filteredOn(item -> item.get(InvoiceItems.INGEST_KEY).s().startsWith("sample-"))
                .hasSize(pieces);
        assertThat(pieces).isLessThan(byInvoice.size() * 11 / 10);

        // A customer's history: every invoice of theirs once, newest first, with exact totals.
        String customer = stream.stream()
                .map(e -> e.transaction().customerId())
                .filter(c -> c != null)
                .findFirst()
                .orElseThrow();
        Map<String, BigDecimal> expectedTotals = new LinkedHashMap<>();
        stream.stream()
                .filter(e -> customer.equals(e.transaction().customerId()))
                .forEach(e -> expectedTotals.merge(
                        e.transaction().invoiceNo(),
                        e.transaction()
                                .unitPrice()
                                .multiply(BigDecimal.valueOf(e.transaction().quantity())),
                        BigDecimal::add));
        List<InvoiceSummary> history = reader.customerInvoices(customer);
        assertThat(history)
                .extracting(InvoiceSummary::invoiceNo)
                .containsExactlyInAnyOrderElementsOf(expectedTotals.keySet());
        for (InvoiceSummary s : history) {
            assertThat(s.totalValue()).as(s.invoiceNo()).isEqualByComparingTo(expectedTotals.get(s.invoiceNo()));
        }
        for (int i = 1; i < history.size(); i++) {
            assertThat(history.get(i - 1).invoiceDate())
                    .isGreaterThanOrEqualTo(history.get(i).invoiceDate());
        }
    }

    @Test
    void theLargestInvoiceIsAFewItemsAndReadsBackWholeInOrder() throws Exception {
        List<Transaction> rows = new ArrayList<>();
        for (int i = 0; i < 1_100; i++) {
            rows.add(tx("T573585", "S" + i, i + 1, "0.85", "14096"));
        }
        List<TransactionEvent> request = events("largest", rows);
        List<PackedRecord> records = RecordPacker.pack(request, ShardMap.uniform(4), PackingLimits.defaults());
        assertThat(records).hasSize(2);
        for (PackedRecord r : records) { // each record in its own batch
            assertThat(writer.write(r.events())).isEmpty();
        }
        assertThat(scan("invoices").keySet())
                .filteredOn(k -> k.get(0).equals("T573585"))
                .hasSize(9);
        StoredInvoice stored = reader.invoice("T573585", true).orElseThrow();
        assertThat(stored.lines()).extracting(StoredLine::row).containsExactlyElementsOf(range(1_100));
        assertThat(stored.totalQuantity()).isEqualTo(1_100L * 1_101 / 2);
        List<InvoiceSummary> history = reader.customerInvoices("14096");
        assertThat(history).singleElement().satisfies(s -> {
            assertThat(s.lineCount()).isEqualTo(1_100);
            assertThat(s.totalValue())
                    .isEqualByComparingTo(new BigDecimal("0.85").multiply(BigDecimal.valueOf(1_100L * 1_101 / 2)));
        });
    }

    @Test
    void anInvoicePostedInTwoRequestsIsOneInvoiceToItsReaders() throws Exception {
        List<TransactionEvent> first = events("split-a", List.of(tx("T900001", "A", 2, "1.50", "12345")));
        List<TransactionEvent> second = events(
                "split-b", List.of(tx("T900001", "B", 3, "2.00", "12345"), tx("T900002", "C", 1, "9.99", "12345")));
        assertThat(writer.write(first)).isEmpty();
        assertThat(writer.write(second)).isEmpty();
        assertThat(reader.invoice("T900001").orElseThrow().lines())
                .extracting(StoredLine::stockCode)
                .containsExactly("A", "B");
        assertThat(reader.customerInvoices("12345"))
                .satisfiesExactly(newest -> assertThat(newest.invoiceNo()).isEqualTo("T900002"), older -> {
                    assertThat(older.invoiceNo()).isEqualTo("T900001");
                    assertThat(older.lineCount()).isEqualTo(2);
                    assertThat(older.totalQuantity()).isEqualTo(5);
                    assertThat(older.totalValue()).isEqualByComparingTo("9.00");
                });
        assertThat(reader.invoice("T-none")).isEmpty();
        assertThat(reader.customerInvoices("nobody")).isEmpty();
    }

    @Test
    void aRowDynamoDbCanNeverHoldIsPoisonAndTheRestIsWritten() throws Exception {
        String tooLong = "X".repeat(3_000);
        List<TransactionEvent> request = events(
                "poison", List.of(tx("T910001", "OK", 1, "1.00", "22222"), tx("T910001", "OK2", 1, "1.00", tooLong)));
        Map<TransactionEvent, String> poison = writer.write(request);
        assertThat(poison).containsOnlyKeys(request.get(1));
        assertThat(poison.get(request.get(1))).contains("CustomerID").contains("2048");
        assertThat(reader.invoice("T910001").orElseThrow().lines())
                .extracting(StoredLine::stockCode)
                .containsExactly("OK");
    }

    private static List<Integer> range(int n) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(i);
        }
        return out;
    }

    private static Transaction tx(String invoiceNo, String stockCode, int quantity, String price, String customer) {
        return new Transaction(
                invoiceNo,
                stockCode,
                "ITEM " + stockCode,
                quantity,
                LocalDateTime.of(2011, 12, 9, 9, invoiceNo.endsWith("2") ? 30 : 15),
                new BigDecimal(price),
                customer,
                "United Kingdom");
    }

    private static List<TransactionEvent> events(String key, List<Transaction> rows) {
        List<TransactionEvent> events = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            events.add(TransactionEvent.of(rows.get(i), new IngestMetadata(key, i, AT, "api")));
        }
        return events;
    }

    private static List<TransactionEvent> flatten(List<List<TransactionEvent>> records) {
        return records.stream().flatMap(List::stream).toList();
    }

    private static List<Transaction> sample() throws Exception {
        List<Transaction> rows = new ArrayList<>();
        try (CsvRowReader csv = TransactionCsv.open(SAMPLE, StandardCharsets.UTF_8)) {
            for (RowResult r : csv) {
                if (r instanceof RowResult.Valid valid) {
                    rows.add(valid.transaction());
                }
            }
        }
        assertThat(rows).hasSize(5_000);
        return rows;
    }

    /** Every item of a table by its key (a Scan: fine in a test, never in the product). */
    private static Map<List<String>, Map<String, AttributeValue>> scan(String table) {
        String[] key = table.equals("invoices")
                ? new String[] {InvoiceItems.INVOICE_NO, InvoiceItems.PIECE_ID}
                : new String[] {CustomerItems.CUSTOMER_ID, CustomerItems.INVOICE_KEY};
        Map<List<String>, Map<String, AttributeValue>> items = new LinkedHashMap<>();
        for (Map<String, AttributeValue> item : dynamo.scanPaginator(
                        r -> r.tableName(table).consistentRead(true))
                .items()) {
            items.put(List.of(item.get(key[0]).s(), item.get(key[1]).s()), item);
        }
        return items;
    }
}
