package com.ecommerce.pipeline.warehouse;

import com.ecommerce.pipeline.consumer.Batch;
import com.ecommerce.pipeline.schema.model.IngestMetadata;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * The dataset as the tests read it: raw CSV through commons-csv, independently of the service's own
 * parser (pipeline-schema is used only to build the events the sink takes).
 */
public final class SourceRows {

    public static final Path SAMPLE = Path.of("..", "data", "online_retail_sample.csv");
    public static final Path FULL = Path.of("..", "..", "shared", "data", "online_retail.csv.gz");

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("M/d/yyyy H:mm");

    /** One CSV data row; {@code index} is its 0-based position among the data rows. */
    public record Row(
            int index,
            String invoiceNo,
            String stockCode,
            String description,
            int quantity,
            LocalDateTime invoiceDate,
            BigDecimal unitPrice,
            String customerId,
            String country) {

        public BigDecimal lineTotal() {
            return unitPrice.multiply(BigDecimal.valueOf(quantity));
        }

        /** The eight dataset columns, for finding repeated rows. */
        public List<Object> dataColumns() {
            return Arrays.asList(
                    invoiceNo, stockCode, description, quantity, invoiceDate, unitPrice, customerId, country);
        }

        /** scope=sales of CONTRACT.md. */
        public boolean sales() {
            return !invoiceNo.startsWith("C") && quantity > 0 && unitPrice.signum() > 0 && customerId != null;
        }

        public Transaction transaction() {
            return new Transaction(
                    invoiceNo, stockCode, description, quantity, invoiceDate, unitPrice, customerId, country);
        }

        /** The event the ingest service would make of this row, posted with the given key. */
        public TransactionEvent event(String idempotencyKey, Instant receivedAt) {
            return TransactionEvent.of(transaction(), new IngestMetadata(idempotencyKey, index, receivedAt, "test"));
        }
    }

    private SourceRows() {}

    public static List<Row> sample() {
        return read(SAMPLE, Integer.MAX_VALUE);
    }

    public static List<Row> read(Path file, int limit) {
        List<Row> rows = new ArrayList<>();
        try (InputStream in = open(file);
                Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            CSVFormat format = CSVFormat.RFC4180
                    .builder()
                    .setHeader()
                    .setSkipHeaderRecord(true)
                    .get();
            for (CSVRecord r : format.parse(reader)) {
                if (rows.size() >= limit) {
                    break;
                }
                String customer = r.get("CustomerID");
                rows.add(new Row(
                        rows.size(),
                        r.get("InvoiceNo"),
                        r.get("StockCode"),
                        r.get("Description"),
                        Integer.parseInt(r.get("Quantity")),
                        LocalDateTime.parse(r.get("InvoiceDate"), DATE),
                        new BigDecimal(r.get("UnitPrice")),
                        customer.isEmpty() ? null : customer,
                        r.get("Country")));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
        return rows;
    }

    private static InputStream open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        return file.toString().endsWith(".gz") ? new GZIPInputStream(in, 1 << 16) : in;
    }

    public static List<TransactionEvent> events(List<Row> rows, String idempotencyKey, Instant receivedAt) {
        return rows.stream().map(r -> r.event(idempotencyKey, receivedAt)).toList();
    }

    /** The events as one consumer batch (the warehouse sink ignores the stream position). */
    public static Batch batch(List<TransactionEvent> events) {
        return Batch.of("shardId-000000000000", "1", "1", events);
    }

    /** The events split as Kinesis routes them: each invoice's events on one of {@code shards} writers. */
    public static List<List<TransactionEvent>> byShard(List<TransactionEvent> events, int shards) {
        List<List<TransactionEvent>> perShard = new ArrayList<>();
        for (int s = 0; s < shards; s++) {
            perShard.add(new ArrayList<>());
        }
        events.forEach(
                e -> perShard.get(Math.floorMod(e.transaction().invoiceNo().hashCode(), shards))
                        .add(e));
        return perShard;
    }
}
