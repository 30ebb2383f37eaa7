package com.ecommerce.pipeline.dynamo.sink;

import com.ecommerce.pipeline.consumer.Batch;
import com.ecommerce.pipeline.schema.model.IngestMetadata;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * The dataset sample read with commons-csv, straight from the file and independently of the service
 * and of the schema module's parser; plus the expected summaries computed from the raw columns.
 */
final class SampleRows {

    static final Path SAMPLE = Path.of("..", "data", "online_retail_sample.csv");
    private static final DateTimeFormatter DATASET_DATE = DateTimeFormatter.ofPattern("M/d/yyyy H:mm");

    /** One CSV row as written, with its 0-based position in the file. */
    record Row(
            int index,
            String invoiceNo,
            String stockCode,
            String description,
            String quantity,
            String invoiceDate,
            String unitPrice,
            String customerId,
            String country) {

        /** The row's columns without its position: equal for repeated identical source rows. */
        List<String> columns() {
            return List.of(invoiceNo, stockCode, description, quantity, invoiceDate, unitPrice, customerId, country);
        }

        LocalDateTime date() {
            return LocalDateTime.parse(invoiceDate, DATASET_DATE);
        }

        BigDecimal lineTotal() {
            return new BigDecimal(unitPrice).multiply(new BigDecimal(quantity));
        }

        /** The event the ingest service would make of this row, posted under {@code key}. */
        TransactionEvent event(String key) {
            Transaction t = new Transaction(
                    invoiceNo,
                    stockCode,
                    description,
                    Integer.parseInt(quantity),
                    date(),
                    new BigDecimal(unitPrice),
                    customerId.isEmpty() ? null : customerId,
                    country);
            return new TransactionEvent(
                    key + "-" + index,
                    t,
                    new IngestMetadata(key, index, Instant.parse("2024-01-01T00:00:00Z"), "test"));
        }
    }

    /** What a customer's invoice summary must say, computed from the CSV columns. */
    record Expected(
            String customerId,
            String invoiceNo,
            LocalDateTime firstDate,
            String country,
            int lineCount,
            long totalQuantity,
            BigDecimal totalValue) {

        BigDecimal totalValueRounded() {
            return totalValue.setScale(2, RoundingMode.HALF_UP);
        }
    }

    static List<Row> read() throws IOException {
        List<Row> rows = new ArrayList<>();
        try (Reader in = Files.newBufferedReader(SAMPLE, StandardCharsets.UTF_8)) {
            int i = 0;
            for (CSVRecord r : CSVFormat.RFC4180
                    .builder()
                    .setHeader()
                    .setSkipHeaderRecord(true)
                    .get()
                    .parse(in)) {
                rows.add(new Row(
                        i++,
                        r.get("InvoiceNo"),
                        r.get("StockCode"),
                        r.get("Description"),
                        r.get("Quantity"),
                        r.get("InvoiceDate"),
                        r.get("UnitPrice"),
                        r.get("CustomerID"),
                        r.get("Country")));
            }
        }
        return rows;
    }

    /** Per (customer, invoice): line count, quantity and exact value; rows without customer left out. */
    static Map<List<String>, Expected> expectedSummaries(List<Row> rows) {
        Map<List<String>, Expected> expected =
                new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
        for (Row row : rows) {
            if (row.customerId().isEmpty()) {
                continue;
            }
            expected.merge(
                    List.of(row.customerId(), row.invoiceNo()),
                    new Expected(
                            row.customerId(),
                            row.invoiceNo(),
                            row.date(),
                            row.country(),
                            1,
                            Long.parseLong(row.quantity()),
                            row.lineTotal()),
                    (a, b) -> new Expected(
                            a.customerId(),
                            a.invoiceNo(),
                            a.firstDate().isBefore(b.firstDate()) ? a.firstDate() : b.firstDate(),
                            a.country(),
                            a.lineCount() + b.lineCount(),
                            a.totalQuantity() + b.totalQuantity(),
                            a.totalValue().add(b.totalValue())));
        }
        return expected;
    }

    static List<TransactionEvent> events(List<Row> rows, String key) {
        return rows.stream().map(r -> r.event(key)).toList();
    }

    /** The events as one consumer batch (the DynamoDB sink ignores the stream position). */
    static Batch batch(List<TransactionEvent> events) {
        return Batch.of("shardId-000000000000", "1", "1", events);
    }

    static <T> List<List<T>> batches(List<T> items, int size) {
        List<List<T>> batches = new ArrayList<>();
        for (int i = 0; i < items.size(); i += size) {
            batches.add(items.subList(i, Math.min(i + size, items.size())));
        }
        return batches;
    }

    private SampleRows() {}
}
