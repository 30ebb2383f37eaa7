package com.ecommerce.pipeline.dynamo.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.ecommerce.pipeline.consumer.PoisonEventsException;
import com.ecommerce.pipeline.dynamo.sink.SampleRows.Expected;
import com.ecommerce.pipeline.dynamo.sink.SampleRows.Row;
import com.ecommerce.pipeline.localcloud.LocalCloud;
import com.ecommerce.pipeline.schema.IngestMetadata;
import com.ecommerce.pipeline.schema.Transaction;
import com.ecommerce.pipeline.schema.TransactionEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The sink against the real DynamoDB Local (the local cloud's tables), fed with real rows of the
 * dataset sample; every expectation is computed from the CSV, not from the service.
 */
class DynamoSinkIT {

    private static final String KEY = "dynamo-sink-it";

    private static DynamoDbClient dynamo;
    private static Tables tables;
    private static List<Row> sample;

    private DynamoSink sink;

    @BeforeAll
    static void localCloud() throws Exception {
        dynamo = LocalCloud.shared().dynamoClient();
        tables = new Tables(dynamo);
        sample = SampleRows.read();
        assertThat(sample).hasSize(5000);
    }

    @BeforeEach
    void emptyTables() {
        tables.empty();
        sink = new DynamoSink(
                dynamo,
                new DynamoWriterProperties(Tables.INVOICES, Tables.CUSTOMERS, Duration.ofMinutes(1)),
                new SimpleMeterRegistry());
    }

    @Test
    void writesEveryLineOfTheSampleAndExactSummariesOfEveryCustomerInvoice() throws Exception {
        writeInBatches(SampleRows.events(sample, KEY), 500);

        assertLinesMatch(sample);
        assertSummariesMatch(sample);
    }

    @Test
    void aCustomersInvoicesComeBackNewestFirstFromOneQuery() throws Exception {
        List<Row> rows = sample.subList(0, 2000);
        writeInBatches(SampleRows.events(rows, KEY), 500);
        // The customer with the most invoices among these rows.
        String customer = rows.stream()
                .filter(r -> !r.customerId().isEmpty())
                .collect(Collectors.groupingBy(Row::customerId, Collectors.mapping(Row::invoiceNo, Collectors.toSet())))
                .entrySet()
                .stream()
                .max(Map.Entry.comparingByValue((a, b) -> Integer.compare(a.size(), b.size())))
                .orElseThrow()
                .getKey();
        List<String> expectedNewestFirst = SampleRows.expectedSummaries(rows).values().stream()
                .filter(e -> e.customerId().equals(customer))
                // The sort key: date, then invoice number; newest first reverses both.
                .sorted(Comparator.comparing(Expected::firstDate)
                        .thenComparing(Expected::invoiceNo)
                        .reversed())
                .map(Expected::invoiceNo)
                .toList();
        assertThat(expectedNewestFirst).hasSizeGreaterThan(1);

        List<String> newestFirst = dynamo
                .query(r -> r.tableName(Tables.CUSTOMERS)
                        .keyConditionExpression("customerId = :c")
                        .expressionAttributeValues(Map.of(":c", AttributeValue.fromS(customer)))
                        .scanIndexForward(false))
                .items()
                .stream()
                .map(i -> i.get(CustomerInvoices.INVOICE_NO).s())
                .toList();

        assertThat(newestFirst).isEqualTo(expectedNewestFirst);
    }

    @Test
    void replayingBatchesAndOverlappingReorderedRebatchesChangeNoItemAndNoSummary() throws Exception {
        List<TransactionEvent> events = SampleRows.events(sample.subList(0, 2000), KEY);
        List<List<TransactionEvent>> batches = SampleRows.batches(events, 250);
        for (List<TransactionEvent> batch : batches) {
            sink.write(batch);
        }
        var invoicesBefore = tables.invoices();
        var customersBefore = tables.customers();

        // The same batches again (redelivery) ...
        for (List<TransactionEvent> batch : batches) {
            sink.write(batch);
        }
        // ... then the same events shuffled into overlapping batches, newest batch first (a replay
        // from an older checkpoint racing a lease move).
        List<TransactionEvent> shuffled = new ArrayList<>(events);
        Collections.shuffle(shuffled, new Random(42));
        List<List<TransactionEvent>> overlapping = new ArrayList<>();
        for (int from = 0; from < shuffled.size(); from += 300) {
            overlapping.add(shuffled.subList(Math.max(0, from - 100), Math.min(from + 300, shuffled.size())));
        }
        Collections.reverse(overlapping);
        for (List<TransactionEvent> batch : overlapping) {
            sink.write(batch);
        }

        assertThat(tables.invoices()).isEqualTo(invoicesBefore);
        assertThat(tables.customers()).isEqualTo(customersBefore);
        assertLinesMatch(sample.subList(0, 2000));
        assertSummariesMatch(sample.subList(0, 2000));
    }

    @Test
    void repeatedIdenticalSourceRowsAreDistinctEventsAndBothCount() throws Exception {
        // Invoice 536409 holds rows that repeat exactly in the source.
        List<Row> invoice = rowsOf("536409");
        long distinctRows = invoice.stream().map(Row::columns).distinct().count();
        assertThat(distinctRows).isLessThan(invoice.size());

        sink.write(SampleRows.events(invoice, KEY));

        assertThat(linesOf("536409")).hasSize(invoice.size());
        Map<String, AttributeValue> summary = summaryOf("17908", "536409");
        assertThat(summary.get(CustomerInvoices.LINE_COUNT).n()).isEqualTo(Integer.toString(invoice.size()));
        assertThat(new BigDecimal(summary.get(CustomerInvoices.TOTAL_VALUE).n()))
                .isEqualByComparingTo(invoice.stream().map(Row::lineTotal).reduce(BigDecimal.ZERO, BigDecimal::add));
    }

    @Test
    void anInvoiceSplitOverTwoBatchesIsSummedOverBoth() throws Exception {
        // The largest invoice of the sample that has a customer.
        List<Row> invoice = sample.stream()
                .filter(r -> !r.customerId().isEmpty())
                .collect(Collectors.groupingBy(Row::invoiceNo))
                .values()
                .stream()
                .max((a, b) -> Integer.compare(a.size(), b.size()))
                .orElseThrow();
        Row first = invoice.get(0);
        List<Row> firstHalf = invoice.subList(0, invoice.size() / 2);
        List<Row> secondHalf = invoice.subList(invoice.size() / 2, invoice.size());

        sink.write(SampleRows.events(firstHalf, KEY));
        assertSummary(summaryOf(first.customerId(), first.invoiceNo()), firstHalf);

        sink.write(SampleRows.events(secondHalf, KEY));
        assertSummary(summaryOf(first.customerId(), first.invoiceNo()), invoice);
        assertThat(tables.customers()).hasSize(1);
    }

    @Test
    void rowsWithoutCustomerGoToInvoicesOnly() throws Exception {
        // Invoice 536544: 527 rows, none with a CustomerID.
        List<Row> invoice = rowsOf("536544");
        assertThat(invoice).hasSize(527).allMatch(r -> r.customerId().isEmpty());

        writeInBatches(SampleRows.events(invoice, KEY), 200);

        assertThat(linesOf("536544")).hasSize(527).allMatch(line -> !line.containsKey(InvoiceLines.CUSTOMER_ID));
        assertThat(tables.customers()).isEmpty();
    }

    @Test
    void anInvoiceSpanningTwoMinutesHasOneSummaryUnderItsEarliestDateWhateverTheArrivalOrder() throws Exception {
        // Invoice 536591's rows carry two different InvoiceDates; write the later-dated ones first.
        List<Row> invoice = rowsOf("536591");
        Set<LocalDateTime> dates = invoice.stream().map(Row::date).collect(Collectors.toSet());
        assertThat(dates).hasSize(2);
        LocalDateTime earliest = Collections.min(dates);
        List<Row> later =
                invoice.stream().filter(r -> !r.date().equals(earliest)).toList();
        List<Row> earlier =
                invoice.stream().filter(r -> r.date().equals(earliest)).toList();

        sink.write(SampleRows.events(later, KEY));
        sink.write(SampleRows.events(earlier, KEY));

        var customers = tables.customers();
        assertThat(customers).hasSize(1);
        Map<String, AttributeValue> summary = customers.values().iterator().next();
        assertThat(summary.get(CustomerInvoices.INVOICE_KEY).s())
                .isEqualTo(iso(earliest) + "#536591")
                .isEqualTo(summary.get(CustomerInvoices.INVOICE_DATE).s() + "#536591");
        assertSummary(summary, invoice);
    }

    @Test
    void eventsDynamoDbCanNeverStoreArePoisonWithAReasonAndTheRestOfTheBatchIsWritten() throws Exception {
        List<Row> invoice = rowsOf("536365");
        List<TransactionEvent> batch = new ArrayList<>(SampleRows.events(invoice, KEY));
        Transaction good = batch.get(0).transaction();
        TransactionEvent emptyInvoiceNo = event("poison-1", withInvoiceNo(good, ""));
        TransactionEvent hugeDescription = event("poison-2", withDescription(good, "x".repeat(401 * 1024)));
        TransactionEvent absurdPrice = event("poison-3", withPrice(good, new BigDecimal("1E+30")));
        batch.add(2, emptyInvoiceNo);
        batch.add(4, hugeDescription);
        batch.add(absurdPrice);

        PoisonEventsException poison = catchThrowableOfType(PoisonEventsException.class, () -> sink.write(batch));

        assertThat(poison.reasons()).containsOnlyKeys(emptyInvoiceNo, hugeDescription, absurdPrice);
        assertThat(poison.reasons().get(emptyInvoiceNo)).contains("InvoiceNo is empty");
        assertThat(poison.reasons().get(hugeDescription)).contains("item limit");
        assertThat(poison.reasons().get(absurdPrice)).contains("DynamoDB number");
        assertThat(linesOf("536365")).hasSize(invoice.size());
        assertSummary(summaryOf("17850", "536365"), invoice);
    }

    @Test
    void theSameEventTwiceInOneBatchIsOneLine() throws Exception {
        List<TransactionEvent> invoice = SampleRows.events(rowsOf("536365"), KEY);
        List<TransactionEvent> batch = new ArrayList<>(invoice);
        batch.addAll(invoice);

        sink.write(batch);

        assertThat(linesOf("536365")).hasSize(invoice.size());
        assertSummary(summaryOf("17850", "536365"), rowsOf("536365"));
    }

    @Test
    void aSummaryFromFewerLinesNeverOverwritesOneFromMoreLines() throws Exception {
        List<Row> invoice = rowsOf("536365");
        sink.write(SampleRows.events(invoice, KEY));
        var before = tables.customers();
        CustomerInvoices summaries = new CustomerInvoices(
                dynamo,
                Tables.INVOICES,
                Tables.CUSTOMERS,
                new SimpleMeterRegistry().counter("w"),
                new SimpleMeterRegistry().counter("s"),
                new SimpleMeterRegistry().counter("c"),
                Runnable::run);
        // What a stale worker that had read only the first two lines would put.
        List<Map<String, AttributeValue>> twoLines = linesOf("536365").subList(0, 2);

        boolean written = summaries.put(CustomerInvoices.Summary.of("17850", "536365", twoLines));

        assertThat(written).isFalse();
        assertThat(tables.customers()).isEqualTo(before);
    }

    @Test
    void summariesGoInTransactionsAndOneStaleSummaryInAChunkCostsOnlyItself() throws Exception {
        List<Row> rows = sample;
        writeInBatches(SampleRows.events(rows, KEY), 5000);
        var before = tables.customers();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        CustomerInvoices summaries = new CustomerInvoices(
                dynamo,
                Tables.INVOICES,
                Tables.CUSTOMERS,
                meters.counter("written"),
                meters.counter("superseded"),
                meters.counter("cancelled"),
                Runnable::run);
        // Every summary recomputed from all its lines (as a redelivery would), except that invoice
        // 536365's is what a stale worker that had read only two of its lines would put.
        List<CustomerInvoices.Summary> recomputed = new ArrayList<>();
        for (String invoiceNo : rows.stream()
                .filter(r -> !r.customerId().isEmpty())
                .map(Row::invoiceNo)
                .distinct()
                .toList()) {
            recomputed.add(
                    CustomerInvoices.Summary.of(rowsOf(invoiceNo).get(0).customerId(), invoiceNo, linesOf(invoiceNo)));
        }
        assertThat(recomputed.size()).isGreaterThan(CustomerInvoices.MAX_ACTIONS_PER_TRANSACTION);
        assertThat(recomputed.get(0).invoiceNo()).isEqualTo("536365");
        recomputed.set(
                0,
                CustomerInvoices.Summary.of("17850", "536365", linesOf("536365").subList(0, 2)));

        summaries.putAll(recomputed);

        assertThat(tables.customers()).isEqualTo(before);
        assertThat(meters.counter("superseded").count()).isEqualTo(1);
        assertThat(meters.counter("written").count()).isEqualTo(recomputed.size() - 1);
        // Only the chunk holding the stale summary fell back to one put at a time.
        assertThat(meters.counter("cancelled").count()).isEqualTo(1);
    }

    @Test
    void batchWriterPutsEveryValidItemAcrossChunksAndNamesTheOneDynamoDbRefuses() throws Exception {
        BatchWriter writer = new BatchWriter(dynamo, Duration.ofMinutes(1), new SimpleMeterRegistry().counter("u"));
        List<BatchWriter.Put> puts = new ArrayList<>();
        for (TransactionEvent e : SampleRows.events(sample.subList(0, 60), KEY)) {
            puts.add(new BatchWriter.Put(e, InvoiceLines.item(e)));
        }
        // An empty sort key: DynamoDB refuses the whole BatchWriteItem call it is in.
        TransactionEvent bad = event("", puts.get(0).event().transaction());
        puts.add(30, new BatchWriter.Put(bad, InvoiceLines.item(bad)));

        Map<TransactionEvent, String> rejected = writer.putAll(Tables.INVOICES, puts);

        assertThat(rejected).containsOnlyKeys(bad);
        assertThat(rejected.get(bad)).startsWith("DynamoDB refuses the item");
        assertThat(tables.invoices()).hasSize(60);
    }

    @Test
    void aFailingDynamoDbIsATransientFailureNotPoison() {
        DynamoSink toMissingTables = new DynamoSink(
                dynamo,
                new DynamoWriterProperties("no-such-invoices", "no-such-customers", Duration.ofSeconds(5)),
                new SimpleMeterRegistry());

        assertThatThrownBy(() -> toMissingTables.write(SampleRows.events(rowsOf("536365"), KEY)))
                .isNotInstanceOf(PoisonEventsException.class);
    }

    // --- helpers -------------------------------------------------------------------------------

    private void writeInBatches(List<TransactionEvent> events, int size) throws Exception {
        for (List<TransactionEvent> batch : SampleRows.batches(events, size)) {
            sink.write(batch);
        }
    }

    /** Every CSV row is exactly one item in invoices, attribute by attribute. */
    private void assertLinesMatch(List<Row> rows) {
        var lines = tables.invoices();
        assertThat(lines).hasSize(rows.size());
        for (Row row : rows) {
            Map<String, AttributeValue> line = lines.get(List.of(row.invoiceNo(), KEY + "-" + row.index()));
            assertThat(line).as("line of row %d", row.index()).isNotNull();
            assertThat(line.get(InvoiceLines.STOCK_CODE).s()).isEqualTo(row.stockCode());
            assertThat(line.get(InvoiceLines.DESCRIPTION).s()).isEqualTo(row.description());
            assertThat(line.get(InvoiceLines.QUANTITY).n()).isEqualTo(row.quantity());
            assertThat(new BigDecimal(line.get(InvoiceLines.UNIT_PRICE).n())).isEqualByComparingTo(row.unitPrice());
            assertThat(new BigDecimal(line.get(InvoiceLines.LINE_TOTAL).n())).isEqualByComparingTo(row.lineTotal());
            assertThat(line.get(InvoiceLines.INVOICE_DATE).s()).isEqualTo(iso(row.date()));
            if (row.customerId().isEmpty()) {
                assertThat(line).doesNotContainKey(InvoiceLines.CUSTOMER_ID);
            } else {
                assertThat(line.get(InvoiceLines.CUSTOMER_ID).s()).isEqualTo(row.customerId());
            }
            assertThat(line.get(InvoiceLines.COUNTRY).s()).isEqualTo(row.country());
            assertThat(line.get(InvoiceLines.CANCELLED).bool())
                    .isEqualTo(row.invoiceNo().startsWith("C"));
            assertThat(line.get(InvoiceLines.INGEST_KEY).s()).isEqualTo(KEY);
            assertThat(line.get(InvoiceLines.INGEST_ROW).n()).isEqualTo(Integer.toString(row.index()));
        }
    }

    /** One customers item per (customer, invoice) in the rows, no other, each with the CSV's totals. */
    private void assertSummariesMatch(List<Row> rows) {
        Map<List<String>, Expected> expected = SampleRows.expectedSummaries(rows);
        var customers = tables.customers();
        assertThat(customers.keySet())
                .containsExactlyInAnyOrderElementsOf(expected.values().stream()
                        .map(e -> List.of(e.customerId(), iso(e.firstDate()) + "#" + e.invoiceNo()))
                        .toList());
        for (Expected e : expected.values()) {
            Map<String, AttributeValue> item =
                    customers.get(List.of(e.customerId(), iso(e.firstDate()) + "#" + e.invoiceNo()));
            assertThat(item.get(CustomerInvoices.INVOICE_NO).s()).isEqualTo(e.invoiceNo());
            assertThat(item.get(CustomerInvoices.INVOICE_DATE).s()).isEqualTo(iso(e.firstDate()));
            assertThat(item.get(CustomerInvoices.COUNTRY).s()).isEqualTo(e.country());
            assertThat(item.get(CustomerInvoices.LINE_COUNT).n()).isEqualTo(Integer.toString(e.lineCount()));
            assertThat(item.get(CustomerInvoices.TOTAL_QUANTITY).n()).isEqualTo(Long.toString(e.totalQuantity()));
            BigDecimal totalValue =
                    new BigDecimal(item.get(CustomerInvoices.TOTAL_VALUE).n());
            assertThat(totalValue).as("total of %s", e.invoiceNo()).isEqualByComparingTo(e.totalValue());
            assertThat(totalValue.setScale(2, RoundingMode.HALF_UP)).isEqualTo(e.totalValueRounded());
            assertThat(item.get(CustomerInvoices.CANCELLED).bool())
                    .isEqualTo(e.invoiceNo().startsWith("C"));
        }
        // Per customer: exactly the set of invoices the CSV gives them.
        Map<String, Set<String>> invoicesByCustomer = rows.stream()
                .filter(r -> !r.customerId().isEmpty())
                .collect(
                        Collectors.groupingBy(Row::customerId, Collectors.mapping(Row::invoiceNo, Collectors.toSet())));
        Map<String, Set<String>> stored = customers.values().stream()
                .collect(Collectors.groupingBy(
                        i -> i.get(CustomerInvoices.CUSTOMER_ID).s(),
                        Collectors.mapping(
                                i -> i.get(CustomerInvoices.INVOICE_NO).s(), Collectors.toSet())));
        assertThat(stored).isEqualTo(invoicesByCustomer);
    }

    private static void assertSummary(Map<String, AttributeValue> summary, List<Row> rows) {
        assertThat(summary.get(CustomerInvoices.LINE_COUNT).n()).isEqualTo(Integer.toString(rows.size()));
        assertThat(summary.get(CustomerInvoices.TOTAL_QUANTITY).n())
                .isEqualTo(Long.toString(rows.stream()
                        .mapToLong(r -> Long.parseLong(r.quantity()))
                        .sum()));
        assertThat(new BigDecimal(summary.get(CustomerInvoices.TOTAL_VALUE).n()))
                .isEqualByComparingTo(rows.stream().map(Row::lineTotal).reduce(BigDecimal.ZERO, BigDecimal::add));
    }

    private static List<Row> rowsOf(String invoiceNo) {
        return sample.stream().filter(r -> r.invoiceNo().equals(invoiceNo)).toList();
    }

    private static List<Map<String, AttributeValue>> linesOf(String invoiceNo) {
        return dynamo.query(r -> r.tableName(Tables.INVOICES)
                        .keyConditionExpression("invoiceNo = :i")
                        .expressionAttributeValues(Map.of(":i", AttributeValue.fromS(invoiceNo)))
                        .consistentRead(true))
                .items();
    }

    private static Map<String, AttributeValue> summaryOf(String customerId, String invoiceNo) {
        List<Map<String, AttributeValue>> items = tables.customers().values().stream()
                .filter(i -> i.get(CustomerInvoices.CUSTOMER_ID).s().equals(customerId)
                        && i.get(CustomerInvoices.INVOICE_NO).s().equals(invoiceNo))
                .toList();
        assertThat(items).as("summaries of %s/%s", customerId, invoiceNo).hasSize(1);
        return items.get(0);
    }

    private static String iso(LocalDateTime date) {
        return date.format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss"));
    }

    private static TransactionEvent event(String eventId, Transaction t) {
        return new TransactionEvent(eventId, t, new IngestMetadata(KEY, 9999, Instant.EPOCH, "test"));
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
