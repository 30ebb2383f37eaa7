package com.ecommerce.pipeline.archiver.archive;

import com.ecommerce.pipeline.consumer.Batch;
import com.ecommerce.pipeline.schema.kinesis.EventJson;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;

/**
 * How a batch becomes archive objects: one object per InvoiceDate month of its rows, at {@code
 * <prefix>year=YYYY/month=MM/<shardId>_<firstSequenceNumber>_<lastSequenceNumber>.json.gz}, holding
 * those rows as gzip-compressed newline-delimited event JSON in stream order. The name depends only on
 * the batch's place on the stream and the content only on its events, so writing the same batch again
 * produces the same objects, byte for byte.
 *
 * <p>Months, not days: a batch of a replayed backlog spans weeks of InvoiceDates, and one object per day
 * made ~10× more, smaller objects; S3Mock's cost per put grows with the objects in the bucket (see
 * reports/soak.md), and any reader pays per object too.
 */
final class ArchiveObjects {

    /**
     * One object to put: its key and its events; the bytes are made by {@link #gzippedNdjson()} when
     * asked, so that each object's serialisation and compression can run on the thread that puts it.
     */
    record ArchiveObject(String key, YearMonth month, List<TransactionEvent> events) {

        int rows() {
            return events.size();
        }

        byte[] gzippedNdjson() {
            return ArchiveObjects.gzippedNdjson(events);
        }
    }

    private ArchiveObjects() {}

    static List<ArchiveObject> of(Batch batch, String prefix) {
        Map<YearMonth, List<TransactionEvent>> byMonth = new TreeMap<>();
        for (TransactionEvent e : batch.events()) {
            byMonth.computeIfAbsent(YearMonth.from(e.transaction().invoiceDate()), m -> new ArrayList<>())
                    .add(e);
        }
        List<ArchiveObject> objects = new ArrayList<>(byMonth.size());
        byMonth.forEach((month, events) -> objects.add(new ArchiveObject(key(prefix, month, batch), month, events)));
        return objects;
    }

    static String key(String prefix, YearMonth month, Batch batch) {
        return prefix
                + String.format("year=%04d/month=%02d/", month.getYear(), month.getMonthValue())
                + batch.shardId() + "_" + batch.first().id() + "_"
                + batch.last().id() + ".json.gz";
    }

    static byte[] gzippedNdjson(List<TransactionEvent> events) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(events.size() * 80 + 64);
        // java.util.zip writes no timestamp or file name into the gzip header: same events, same bytes.
        try (GZIPOutputStream gzip = new GZIPOutputStream(out, 1 << 16)) {
            for (TransactionEvent e : events) {
                gzip.write(EventJson.write(e));
                gzip.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing to memory
        }
        return out.toByteArray();
    }
}
