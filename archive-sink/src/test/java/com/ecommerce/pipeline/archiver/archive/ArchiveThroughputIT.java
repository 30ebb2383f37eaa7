package com.ecommerce.pipeline.archiver.archive;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.ecommerce.pipeline.consumer.Batch;
import com.ecommerce.pipeline.consumer.StreamPosition;
import com.ecommerce.pipeline.localcloud.LocalCloud;
import com.ecommerce.pipeline.schema.input.CsvRowReader;
import com.ecommerce.pipeline.schema.input.RowResult;
import com.ecommerce.pipeline.schema.input.TransactionCsv;
import com.ecommerce.pipeline.schema.model.IngestMetadata;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The sink's write path against plain PutObject of the same objects' bytes on the local cloud's S3Mock,
 * alternating a few times: prints rows/s, asserts nothing about speed (the machine is shared). Not
 * part of the default run: {@code mvn -pl archive-sink -am verify -Dsurefire.failIfNoSpecifiedTests=false
 * -Dfailsafe.failIfNoSpecifiedTests=false -Dtest=none -Dit.test=ArchiveThroughputIT
 * -Darchive.throughput=true [-Darchive.throughput.rows=160000] [-Darchive.throughput.runs=3]}.
 *
 * <p>Rows: the first N of {@code ../../shared/data/online_retail.csv.gz} when present, else the sample;
 * 4 shards (each invoice on one) in batches of 20,000, the service's {@code max-rows}, written from 4
 * threads as the shard processors do: with one put at a time per batch (concurrency 1, the former
 * behaviour) and with the default concurrency; the ceiling puts the objects those batches make,
 * already serialised, from 4 threads.
 */
class ArchiveThroughputIT {

    private static final Path FULL = Path.of("..", "..", "shared", "data", "online_retail.csv.gz");
    private static final Path SAMPLE = Path.of("..", "data", "online_retail_sample.csv");
    private static final int SHARDS = 4;
    private static final int BATCH = 20_000;

    @Test
    void sinkAgainstPutObjectCeiling() throws Exception {
        assumeTrue(Boolean.getBoolean("archive.throughput"), "set -Darchive.throughput=true to run");
        int limit = Integer.getInteger("archive.throughput.rows", 160_000);
        int runs = Integer.getInteger("archive.throughput.runs", 3);
        List<TransactionEvent> events = events(Files.exists(FULL) ? FULL : SAMPLE, limit);
        List<Batch> batches = batches(events);
        S3Client s3 = LocalCloud.shared().s3Client();
        String bucket = "ecommerce-raw";
        List<List<Batch>> perShard = new ArrayList<>();
        for (int s = 0; s < SHARDS; s++) {
            perShard.add(new ArrayList<>());
        }
        batches.forEach(
                b -> perShard.get(Integer.parseInt(b.shardId().substring(8))).add(b));
        List<ArchiveObjects.ArchiveObject> objects = new ArrayList<>();
        batches.forEach(b -> objects.addAll(ArchiveObjects.of(b, "throughput-ceiling/")));
        List<byte[]> bytes = objects.stream()
                .map(ArchiveObjects.ArchiveObject::gzippedNdjson)
                .toList();
        S3ArchiveSink sequential = new S3ArchiveSink(s3, new ArchiveProperties(bucket, "throughput-1/", 1));
        S3ArchiveSink concurrent = new S3ArchiveSink(s3, new ArchiveProperties(bucket, "throughput-n/"));
        try {
            for (int run = 1; run <= runs; run++) {
                double ceiling = timed(
                        events.size(),
                        SHARDS,
                        objects.size(),
                        i -> s3.putObject(
                                r -> r.bucket(bucket).key(objects.get(i).key()).contentType("application/gzip"),
                                RequestBody.fromBytes(bytes.get(i))));
                double one = timed(events.size(), perShard, sequential::write);
                double many = timed(events.size(), perShard, concurrent::write);
                System.out.printf(
                        Locale.ROOT,
                        "THROUGHPUT run %d: %,d rows, %d batches, %d objects; PutObject ceiling %,.0f rows/s;"
                                + " sink one put at a time %,.0f rows/s = %.0f %%; sink concurrent %,.0f rows/s = %.0f %%%n",
                        run,
                        events.size(),
                        batches.size(),
                        objects.size(),
                        ceiling,
                        one,
                        100 * one / ceiling,
                        many,
                        100 * many / ceiling);
            }
        } finally {
            sequential.close();
            concurrent.close();
        }
    }

    private static List<TransactionEvent> events(Path file, int limit) throws Exception {
        List<TransactionEvent> events = new ArrayList<>();
        Instant received = Instant.parse("2026-01-02T03:04:05Z");
        try (CsvRowReader reader = TransactionCsv.open(file, StandardCharsets.UTF_8)) {
            for (RowResult row : reader) {
                if (events.size() >= limit) {
                    break;
                }
                if (row instanceof RowResult.Valid valid) {
                    events.add(TransactionEvent.of(
                            valid.transaction(), new IngestMetadata("throughput", row.row(), received, "test")));
                }
            }
        }
        return events;
    }

    /** Each invoice's rows on one shard, cut into batches with made-up but distinct stream positions. */
    private static List<Batch> batches(List<TransactionEvent> events) {
        List<List<TransactionEvent>> shards = new ArrayList<>();
        for (int s = 0; s < SHARDS; s++) {
            shards.add(new ArrayList<>());
        }
        events.forEach(e -> shards.get(Math.floorMod(e.transaction().invoiceNo().hashCode(), SHARDS))
                .add(e));
        List<Batch> batches = new ArrayList<>();
        for (int s = 0; s < SHARDS; s++) {
            List<TransactionEvent> shard = shards.get(s);
            for (int i = 0; i < shard.size(); i += BATCH) {
                int end = Math.min(i + BATCH, shard.size());
                batches.add(new Batch(
                        "shardId-" + s,
                        new StreamPosition(String.format("%020d", i), 0, false),
                        new StreamPosition(String.format("%020d", end - 1), 0, false),
                        shard.subList(i, end)));
            }
        }
        return batches;
    }

    private interface Work<T> {
        void run(T item) throws Exception;
    }

    private static double timed(int rows, int threads, int items, Work<Integer> work) throws Exception {
        List<List<Integer>> perThread = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            perThread.add(new ArrayList<>());
        }
        for (int i = 0; i < items; i++) {
            perThread.get(i % threads).add(i);
        }
        return timed(rows, perThread, work);
    }

    private static <T> double timed(int rows, List<List<T>> perThread, Work<T> work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(perThread.size());
        try {
            long start = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (List<T> items : perThread) {
                done.add(pool.submit(() -> {
                    for (T item : items) {
                        work.run(item);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            return rows / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }
}
