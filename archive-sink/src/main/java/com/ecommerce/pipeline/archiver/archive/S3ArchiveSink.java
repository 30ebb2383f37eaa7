package com.ecommerce.pipeline.archiver.archive;

import com.ecommerce.pipeline.consumer.Batch;
import com.ecommerce.pipeline.consumer.Sink;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The raw archive: each batch as {@link ArchiveObjects} in S3. The objects of a batch (one per month) are
 * serialised, compressed and put concurrently, on a pool shared by the shards ({@code
 * pipeline.archive.concurrency} threads); the batch is durable once every put has returned. If one put
 * fails the batch fails (transient) and is written again whole: a redelivered batch (same records,
 * same flush boundaries) overwrites its objects with identical ones. Every row is archivable, so this
 * sink never reports poison.
 */
public class S3ArchiveSink implements Sink, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(S3ArchiveSink.class);

    private final S3Client s3;
    private final ArchiveProperties properties;
    private final ExecutorService puts;

    public S3ArchiveSink(S3Client s3, ArchiveProperties properties) {
        this.s3 = s3;
        this.properties = properties;
        AtomicInteger threads = new AtomicInteger();
        this.puts = Executors.newFixedThreadPool(properties.concurrency(), r -> {
            Thread thread = new Thread(r, "archive-put-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public void write(Batch batch) {
        List<ArchiveObjects.ArchiveObject> objects = ArchiveObjects.of(batch, properties.prefix());
        if (objects.size() == 1) {
            put(batch, objects.get(0)); // nothing to overlap
            return;
        }
        List<Future<?>> done = new ArrayList<>(objects.size());
        for (ArchiveObjects.ArchiveObject object : objects) {
            done.add(puts.submit(() -> put(batch, object)));
        }
        RuntimeException failure = null;
        for (Future<?> f : done) {
            try {
                f.get(); // wait for every put, even after a failure: none may still run when we return
            } catch (ExecutionException e) {
                RuntimeException cause = e.getCause() instanceof RuntimeException r
                        ? r
                        : new IllegalStateException("archive put failed", e.getCause());
                if (failure == null) {
                    failure = cause;
                } else {
                    failure.addSuppressed(cause);
                }
            } catch (InterruptedException e) {
                done.forEach(d -> d.cancel(true));
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while archiving " + batch, e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void put(Batch batch, ArchiveObjects.ArchiveObject object) {
        s3.putObject(
                r -> r.bucket(properties.bucket())
                        .key(object.key())
                        .contentType("application/gzip")
                        .metadata(Map.of(
                                "shard-id", batch.shardId(),
                                "first-sequence-number", batch.first().id(),
                                "last-sequence-number", batch.last().id(),
                                "rows", Integer.toString(object.rows()))),
                RequestBody.fromBytes(object.gzippedNdjson()));
        log.debug("archived {} rows at s3://{}/{}", object.rows(), properties.bucket(), object.key());
    }

    /** Stops the put pool (the service's context calls it on shutdown). */
    @Override
    public void close() {
        puts.shutdownNow();
    }
}
