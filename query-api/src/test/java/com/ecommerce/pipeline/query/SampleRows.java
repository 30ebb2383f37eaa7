package com.ecommerce.pipeline.query;

import com.ecommerce.pipeline.schema.model.EventIds;
import com.ecommerce.pipeline.schema.model.IngestMetadata;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.io.BufferedReader;
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
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * The first rows of the dataset sample, read with commons-csv straight from the file (independently of
 * the service and of the schema module's parser).
 */
public final class SampleRows {

    public static final Path SAMPLE = Path.of("..", "data", "online_retail_sample.csv");
    private static final DateTimeFormatter DATASET_DATE = DateTimeFormatter.ofPattern("M/d/yyyy H:mm");
    /** How DynamoDB items and responses write a date: ISO-8601 with seconds. */
    public static final DateTimeFormatter ISO_SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

    /**
     * The rows are posted as the replay client posts a file: requests of this many consecutive rows,
     * each under its own idempotency key (zero-padded, so posting order, by key and then row, is file
     * order). An invoice on a request boundary is kept in two requests.
     */
    public static final int REQUEST_ROWS = 500;

    private static final String KEY_PREFIX = "query-api-it-";

    /** One CSV row as written, with its 0-based position in the file. */
    public record Row(
            int index,
            String invoiceNo,
            String stockCode,
            String description,
            long quantity,
            LocalDateTime invoiceDate,
            BigDecimal unitPrice,
            String customerId,
            String country) {

        public BigDecimal lineTotal() {
            return unitPrice.multiply(BigDecimal.valueOf(quantity));
        }

        /** scope=sales of the contract: not a cancellation, quantity and price positive, customer present. */
        public boolean sales() {
            return !invoiceNo.startsWith("C") && quantity > 0 && unitPrice.signum() > 0 && customerId != null;
        }

        /** The idempotency key of the request this row is posted in. */
        public String requestKey() {
            return String.format("%s%06d", KEY_PREFIX, index / REQUEST_ROWS);
        }

        /** The row's position in its request. */
        public int requestRow() {
            return index % REQUEST_ROWS;
        }

        /** The event id the ingest service gives this row (see {@link EventIds}; a service with security off). */
        public String eventId() {
            return EventIds.of(EventIds.ANONYMOUS, requestKey(), requestRow(), transaction());
        }

        /** The event the ingest service would make of this row. */
        TransactionEvent event() {
            return new TransactionEvent(
                    eventId(),
                    transaction(),
                    new IngestMetadata(requestKey(), requestRow(), Instant.parse("2024-01-01T00:00:00Z"), "test"));
        }

        private Transaction transaction() {
            return new Transaction(
                    invoiceNo,
                    stockCode,
                    description,
                    Math.toIntExact(quantity),
                    invoiceDate,
                    unitPrice,
                    customerId,
                    country);
        }
    }

    public static List<Row> read(int limit) throws IOException {
        return read(SAMPLE, limit);
    }

    /** The first {@code limit} rows of a dataset CSV (UTF-8, plain or gzip). */
    public static List<Row> read(Path file, int limit) throws IOException {
        List<Row> rows = new ArrayList<>();
        InputStream raw = Files.newInputStream(file);
        if (file.toString().endsWith(".gz")) {
            raw = new GZIPInputStream(raw, 1 << 16);
        }
        try (Reader in = new BufferedReader(new InputStreamReader(raw, StandardCharsets.UTF_8), 1 << 16)) {
            int i = 0;
            for (CSVRecord r : CSVFormat.RFC4180
                    .builder()
                    .setHeader()
                    .setSkipHeaderRecord(true)
                    .get()
                    .parse(in)) {
                if (i == limit) {
                    break;
                }
                String customer = r.get("CustomerID");
                rows.add(new Row(
                        i++,
                        r.get("InvoiceNo"),
                        r.get("StockCode"),
                        r.get("Description"),
                        Long.parseLong(r.get("Quantity")),
                        LocalDateTime.parse(r.get("InvoiceDate"), DATASET_DATE),
                        new BigDecimal(r.get("UnitPrice")),
                        customer.isEmpty() ? null : customer,
                        r.get("Country")));
            }
        }
        return rows;
    }

    private SampleRows() {}
}
