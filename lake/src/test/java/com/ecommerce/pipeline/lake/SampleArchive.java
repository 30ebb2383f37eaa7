package com.ecommerce.pipeline.lake;

import com.ecommerce.pipeline.schema.input.CsvRowReader;
import com.ecommerce.pipeline.schema.input.RowResult;
import com.ecommerce.pipeline.schema.input.TransactionCsv;
import com.ecommerce.pipeline.schema.kinesis.EventJson;
import com.ecommerce.pipeline.schema.model.IngestMetadata;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The sample as the stream's events (pipeline-schema's event ids and JSON), put into the raw archive in
 * s3-archiver's layout: per batch of a shard and per InvoiceDate month one object at {@code
 * raw/year=YYYY/month=MM/<shardId>_<first>_<last>.json.gz}, gzip NDJSON in stream order
 * (s3-archiver/README.md).
 */
final class SampleArchive {

    static final int REQUEST_ROWS = 500;
    static final int BATCH_ROWS = 700;

    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private long sequence = 49_000_000_000L;
    private int objects;

    SampleArchive(S3Client s3, String bucket) {
        this(s3, bucket, "raw/");
    }

    /** An archive under {@code prefix} (ending with a slash) instead of {@code raw/}. */
    SampleArchive(S3Client s3, String bucket, String prefix) {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix;
    }

    /** The sample's rows as events, 500 rows per request (one idempotency key each), as the replay client posts. */
    static List<TransactionEvent> events(Path csv) throws IOException {
        List<TransactionEvent> events = new ArrayList<>();
        try (CsvRowReader rows = TransactionCsv.open(csv, StandardCharsets.UTF_8)) {
            int i = 0;
            for (RowResult row : rows) {
                if (!(row instanceof RowResult.Valid valid)) {
                    throw new IllegalStateException("sample row " + i + " is invalid: " + row);
                }
                int request = i / REQUEST_ROWS;
                IngestMetadata ingest = new IngestMetadata(
                        "lake-it-" + request,
                        i % REQUEST_ROWS,
                        Instant.parse("2026-01-01T00:00:00Z").plusSeconds(request),
                        "replay");
                events.add(TransactionEvent.of(valid.transaction(), ingest));
                i++;
            }
        }
        return events;
    }

    /** Archives the events as consecutive batches of one shard; returns how many objects were written. */
    int put(List<TransactionEvent> events) {
        int before = objects;
        for (int from = 0; from < events.size(); from += BATCH_ROWS) {
            batch(events.subList(from, Math.min(from + BATCH_ROWS, events.size())));
        }
        return objects - before;
    }

    private void batch(List<TransactionEvent> batch) {
        long first = sequence;
        long last = sequence + batch.size() - 1;
        sequence = last + 1;
        Map<YearMonth, List<TransactionEvent>> byMonth = new TreeMap<>();
        for (TransactionEvent e : batch) {
            byMonth.computeIfAbsent(YearMonth.from(e.transaction().invoiceDate()), m -> new ArrayList<>())
                    .add(e);
        }
        byMonth.forEach((month, events) -> {
            String key = String.format(
                    "%syear=%04d/month=%02d/shardId-000000000001_%d_%d.json.gz",
                    prefix, month.getYear(), month.getMonthValue(), first, last);
            s3.putObject(
                    r -> r.bucket(bucket).key(key).contentType("application/gzip"),
                    RequestBody.fromBytes(gzip(events)));
            objects++;
        });
    }

    private static byte[] gzip(List<TransactionEvent> events) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            for (TransactionEvent e : events) {
                gz.write(EventJson.write(e));
                gz.write('\n');
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }
}
