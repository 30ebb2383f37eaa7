package com.ecommerce.pipeline.client.reconcile;

import com.ecommerce.pipeline.client.rebuild.TestStores;
import com.ecommerce.pipeline.schema.input.CsvRowReader;
import com.ecommerce.pipeline.schema.input.RowResult;
import com.ecommerce.pipeline.schema.input.TransactionCsv;
import com.ecommerce.pipeline.schema.model.Transaction;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * The sample's first rows as a file replayed by {@code caller} in batches of {@code batch} (each batch taking the
 * rest of its last invoice, as the replay does), its events keyed as ingest-service keys them, and the replay's
 * record in {@code replays.jsonl}: what reconcile derives again.
 */
record ReplayedSample(Path file, Path record, String sha256, List<Transaction> rows, List<TransactionEvent> events) {

    private static final Path SAMPLE = Path.of("../data/online_retail_sample.csv");

    static ReplayedSample write(Path dir, int rows, int batch, String caller) throws Exception {
        List<String> lines = Files.readAllLines(SAMPLE, StandardCharsets.UTF_8);
        Path file = dir.resolve("replayed.csv");
        byte[] csv = (String.join("\n", lines.subList(0, rows + 1)) + "\n").getBytes(StandardCharsets.UTF_8);
        Files.write(file, csv);
        String sha = sha256(csv);
        List<Transaction> parsed = parse(file);
        List<TransactionEvent> events = new ArrayList<>();
        for (int first = 0; first < parsed.size(); ) {
            int last = Math.min(first + batch, parsed.size()) - 1;
            while (last + 1 < parsed.size()
                    && parsed.get(last + 1).invoiceNo().equals(parsed.get(last).invoiceNo())) {
                last++;
            }
            events.addAll(TestStores.events(
                    caller, sha.substring(0, 16) + ":" + first + "-" + last, parsed.subList(first, last + 1)));
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
                                        batch,
                                        "charset",
                                        "UTF-8",
                                        "url",
                                        "http://localhost:8081/transactions",
                                        "status",
                                        "completed",
                                        "rowsAccepted",
                                        rows,
                                        "caller",
                                        caller))
                        + "\n");
        return new ReplayedSample(file, record, sha, parsed, events);
    }

    static List<Transaction> parse(Path file) throws Exception {
        List<Transaction> rows = new ArrayList<>();
        try (CsvRowReader reader = TransactionCsv.open(file, StandardCharsets.UTF_8)) {
            for (RowResult r = reader.read(); r != null; r = reader.read()) {
                rows.add(((RowResult.Valid) r).transaction());
            }
        }
        return rows;
    }

    static String sha256(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }
}
