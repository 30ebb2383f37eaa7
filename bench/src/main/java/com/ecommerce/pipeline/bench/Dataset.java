package com.ecommerce.pipeline.bench;

import com.ecommerce.pipeline.schema.input.CsvRowReader;
import com.ecommerce.pipeline.schema.input.RowResult;
import com.ecommerce.pipeline.schema.input.TransactionCsv;
import com.ecommerce.pipeline.schema.model.IngestMetadata;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.zip.GZIPInputStream;

/** The first rows of the dataset file, read once with the schema module as the client reads them. */
final class Dataset {

    final Path file;
    /** Valid rows in file order. */
    final List<Transaction> rows;
    /** Data rows read (valid or not). */
    final int rowsRead;

    private Dataset(Path file, List<Transaction> rows, int rowsRead) {
        this.file = file;
        this.rows = rows;
        this.rowsRead = rowsRead;
    }

    /** Reads up to {@code limit} data rows (all when {@code limit} is 0). */
    static Dataset load(Path file, int limit) throws IOException {
        List<Transaction> rows = new ArrayList<>();
        int read = 0;
        try (CsvRowReader reader = TransactionCsv.open(file, StandardCharsets.UTF_8)) {
            for (RowResult r; (limit == 0 || read < limit) && (r = reader.read()) != null; read++) {
                if (r instanceof RowResult.Valid v) {
                    rows.add(v.transaction());
                }
            }
        }
        return new Dataset(file, rows, read);
    }

    /**
     * Cuts rows into requests the way the replay client does: {@code batch} rows, then the rest of the
     * invoice in progress; each becomes events keyed {@code prefix:first-last}, as ingest-service makes them.
     */
    static List<List<TransactionEvent>> requests(List<Transaction> rows, int batch, String prefix) {
        List<List<TransactionEvent>> out = new ArrayList<>();
        Instant now = Instant.now();
        int i = 0;
        while (i < rows.size()) {
            int end = Math.min(rows.size(), i + batch);
            while (end < rows.size()
                    && rows.get(end).invoiceNo().equals(rows.get(end - 1).invoiceNo())
                    && end - i < 10_000) {
                end++;
            }
            String key = prefix + ":" + i + "-" + (end - 1);
            List<TransactionEvent> events = new ArrayList<>(end - i);
            for (int r = i; r < end; r++) {
                events.add(TransactionEvent.of(rows.get(r), new IngestMetadata(key, r - i, now, "api")));
            }
            out.add(events);
            i = end;
        }
        return out;
    }

    /** Invoice numbers and customer ids that exist in these rows, for the query load. */
    List<String> invoiceNos() {
        return List.copyOf(
                new LinkedHashSet<>(rows.stream().map(Transaction::invoiceNo).toList()));
    }

    List<String> customerIds() {
        return List.copyOf(new LinkedHashSet<>(rows.stream()
                .map(Transaction::customerId)
                .filter(c -> c != null)
                .toList()));
    }

    /**
     * Copies the header and the first {@code rows} lines of the file (the dataset has no line breaks inside
     * fields) to a plain CSV: the slice is then a file of its own, with its own idempotency keys.
     */
    static Path writeSlice(Path file, int rows, Path out) throws IOException {
        return writeSlice(file, rows, out, UnaryOperator.identity());
    }

    /** As {@link #writeSlice(Path, int, Path)}, each data line (not the header) passed through {@code line}. */
    static Path writeSlice(Path file, int rows, Path out, UnaryOperator<String> dataLine) throws IOException {
        Files.createDirectories(out.getParent());
        try (InputStream raw = Files.newInputStream(file);
                InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                BufferedWriter writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            String line;
            for (int i = 0; i <= rows && (line = reader.readLine()) != null; i++) {
                writer.write(i == 0 ? line : dataLine.apply(line));
                writer.write('\n');
            }
        }
        return out;
    }
}
