package com.ecommerce.pipeline.e2e;

import com.ecommerce.pipeline.schema.model.EventIds;
import com.ecommerce.pipeline.schema.model.Transaction;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The expected side, computed from the CSV itself (commons-csv, not the project's parser) and the
 * idempotency keys this test chooses: what was posted, which event ids it must have, and what a
 * customer's invoice summary must say.
 */
final class SampleRows {

    static final DateTimeFormatter DATASET_DATE = DateTimeFormatter.ofPattern("M/d/yyyy H:mm");
    static final DateTimeFormatter ISO_SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    /** A data row of the file (0-based, header not counted) with its raw column values. */
    record Row(int index, Map<String, String> columns) {
        String invoiceNo() {
            return columns.get("InvoiceNo");
        }

        String customerId() {
            String id = columns.get("CustomerID");
            return id == null || id.isEmpty() ? null : id;
        }

        int quantity() {
            return Integer.parseInt(columns.get("Quantity"));
        }

        BigDecimal unitPrice() {
            return new BigDecimal(columns.get("UnitPrice"));
        }

        LocalDateTime invoiceDate() {
            return LocalDateTime.parse(columns.get("InvoiceDate"), DATASET_DATE);
        }

        /** The row as a transaction, from its raw columns (empty CustomerID: none). */
        Transaction transaction() {
            return new Transaction(
                    invoiceNo(),
                    columns.get("StockCode"),
                    columns.get("Description"),
                    quantity(),
                    invoiceDate(),
                    unitPrice(),
                    customerId(),
                    columns.get("Country"));
        }

        ObjectNode json() {
            ObjectNode o = ServiceProcess.JSON.createObjectNode();
            o.put("InvoiceNo", invoiceNo());
            o.put("StockCode", columns.get("StockCode"));
            o.put("Description", columns.get("Description"));
            o.put("Quantity", quantity());
            o.put("InvoiceDate", columns.get("InvoiceDate"));
            o.put("UnitPrice", unitPrice());
            if (customerId() == null) {
                o.putNull("CustomerID");
            } else {
                o.put("CustomerID", customerId());
            }
            o.put("Country", columns.get("Country"));
            return o;
        }
    }

    /**
     * Who the stack's requests come from, as ingest-service names the caller in its event ids: the subject of the
     * local issuer's {@code ingest} tokens, which {@link Stack#post} sends (security is on).
     */
    static final String CALLER = EventIds.subject("local-ingest");

    /** One POST: its Idempotency-Key and rows; row i of the request gets the event id {@code EventIds.of(CALLER, key, i, row)}. */
    record Batch(String key, List<Row> rows) {
        List<String> eventIds() {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) {
                ids.add(EventIds.of(CALLER, key, i, rows.get(i).transaction()));
            }
            return ids;
        }

        byte[] body() {
            ArrayNode array = ServiceProcess.JSON.createArrayNode();
            rows.forEach(r -> array.add(r.json()));
            return ServiceProcess.JSON.writeValueAsBytes(array);
        }
    }

    /** The expected summary of one (customer, invoice), as the store's reader returns it. */
    record Summary(
            String customerId,
            String invoiceNo,
            String invoiceDate,
            String country,
            long lineCount,
            long totalQuantity,
            BigDecimal totalValue,
            boolean cancelled) {}

    private SampleRows() {}

    static List<Row> read(Path csv, int limit) throws IOException {
        List<Row> rows = new ArrayList<>();
        CSVFormat format = CSVFormat.DEFAULT
                .builder()
                .setHeader()
                .setSkipHeaderRecord(true)
                .get();
        try (Reader reader = Files.newBufferedReader(csv, StandardCharsets.UTF_8);
                CSVParser parser = CSVParser.parse(reader, format)) {
            for (CSVRecord record : parser) {
                if (rows.size() == limit) {
                    break;
                }
                rows.add(new Row(rows.size(), record.toMap()));
            }
        }
        if (rows.size() < limit) {
            throw new IllegalStateException(csv + " has only " + rows.size() + " data rows, " + limit + " needed");
        }
        return rows;
    }

    /** Consecutive batches of at most {@code size} rows, keyed {@code <prefix>:<first row>-<last row>}. */
    static List<Batch> batches(String prefix, List<Row> rows, int size) {
        List<Batch> batches = new ArrayList<>();
        for (int from = 0; from < rows.size(); from += size) {
            List<Row> part = rows.subList(from, Math.min(rows.size(), from + size));
            String key = prefix + ":" + part.get(0).index() + "-"
                    + part.get(part.size() - 1).index();
            batches.add(new Batch(key, List.copyOf(part)));
        }
        return batches;
    }

    /**
     * The batches the streaming client forms from a file's rows (its documented rule, computed here independently):
     * {@code size} rows, then the rest of the invoice in progress (at most 10,000 rows), keyed {@code
     * <prefix>:<first row>-<last row>}.
     */
    static List<Batch> clientBatches(String prefix, List<Row> rows, int size) {
        List<Batch> batches = new ArrayList<>();
        for (int from = 0; from < rows.size(); ) {
            int to = Math.min(rows.size(), from + size);
            while (to < rows.size()
                    && to - from < 10_000
                    && rows.get(to).invoiceNo().equals(rows.get(to - 1).invoiceNo())) {
                to++;
            }
            List<Row> part = rows.subList(from, to);
            batches.add(new Batch(
                    prefix + ":" + part.get(0).index() + "-"
                            + part.get(part.size() - 1).index(),
                    List.copyOf(part)));
            from = to;
        }
        return batches;
    }

    static Set<String> eventIds(List<Batch> batches) {
        Set<String> ids = new LinkedHashSet<>();
        batches.forEach(b -> ids.addAll(b.eventIds()));
        return ids;
    }

    static Set<String> invoiceNos(List<Row> rows) {
        Set<String> s = new LinkedHashSet<>();
        rows.forEach(r -> s.add(r.invoiceNo()));
        return s;
    }

    static Set<String> customerIds(List<Row> rows) {
        Set<String> s = new LinkedHashSet<>();
        rows.stream().filter(r -> r.customerId() != null).forEach(r -> s.add(r.customerId()));
        return s;
    }

    /** The summaries dynamo-writer must hold, keyed "customerId|invoiceNo", computed from the rows alone. */
    static Map<String, Summary> summaries(List<Row> rows) {
        Map<String, List<Row>> byCustomerInvoice = new TreeMap<>();
        for (Row r : rows) {
            if (r.customerId() != null) {
                byCustomerInvoice
                        .computeIfAbsent(r.customerId() + "|" + r.invoiceNo(), k -> new ArrayList<>())
                        .add(r);
            }
        }
        Map<String, Summary> summaries = new TreeMap<>();
        byCustomerInvoice.values().forEach(lines -> {
            Row first = lines.get(0);
            LocalDateTime earliest = lines.stream()
                    .map(Row::invoiceDate)
                    .min(LocalDateTime::compareTo)
                    .orElseThrow();
            String date = earliest.format(ISO_SECONDS);
            BigDecimal total = lines.stream()
                    .map(l -> l.unitPrice().multiply(BigDecimal.valueOf(l.quantity())))
                    .reduce(BigDecimal.ZERO, BigDecimal::add);
            long quantity = lines.stream().mapToLong(Row::quantity).sum();
            summaries.put(
                    first.customerId() + "|" + first.invoiceNo(),
                    new Summary(
                            first.customerId(),
                            first.invoiceNo(),
                            date,
                            first.columns().get("Country"),
                            lines.size(),
                            quantity,
                            total,
                            first.invoiceNo().startsWith("C")));
        });
        return summaries;
    }
}
