package com.ecommerce.pipeline.client.rebuild;

import com.ecommerce.pipeline.client.cloud.Archive;
import com.ecommerce.pipeline.client.cloud.Archive.ArchiveObject;
import com.ecommerce.pipeline.consumer.PoisonEventsException;
import com.ecommerce.pipeline.consumer.Sink;
import com.ecommerce.pipeline.schema.TransactionEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The archive written again through a sink, the way the consumer wrote it: shard by shard (all rows of
 * an invoice are on one shard, so no two threads ever touch one invoice), each shard's objects in stream
 * order, one object's events per write, each event id once (the archive may hold a re-posted event twice).
 */
final class ArchiveReplay {

    record Result(long objects, long lines, long events, long copies, double seconds) {}

    /** The sink refused a batch (poison or a store error). */
    static final class WriteFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        WriteFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Archive archive;
    private final Sink sink;

    ArchiveReplay(Archive archive, Sink sink) {
        this.archive = archive;
        this.sink = sink;
    }

    Result run() throws InterruptedException {
        long t0 = System.nanoTime();
        Map<String, List<ArchiveObject>> byShard = new TreeMap<>();
        for (ArchiveObject o : archive.objects()) {
            byShard.computeIfAbsent(o.shardId(), s -> new ArrayList<>()).add(o);
        }
        Set<String> seen = ConcurrentHashMap.newKeySet();
        AtomicLong lines = new AtomicLong();
        AtomicLong events = new AtomicLong();
        AtomicLong objects = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(8, byShard.size())));
        try {
            List<Future<?>> shards = new ArrayList<>();
            for (List<ArchiveObject> shard : byShard.values()) {
                shard.sort(ArchiveObject.STREAM_ORDER);
                shards.add(pool.submit(() -> {
                    for (ArchiveObject o : shard) {
                        List<TransactionEvent> read = archive.read(o.key());
                        List<TransactionEvent> fresh = new ArrayList<>(read.size());
                        for (TransactionEvent e : read) {
                            if (seen.add(e.eventId())) {
                                fresh.add(e);
                            }
                        }
                        write(o, fresh);
                        lines.addAndGet(read.size());
                        events.addAndGet(fresh.size());
                        objects.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : shards) {
                f.get();
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new WriteFailedException(e.getCause().getMessage(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return new Result(
                objects.get(), lines.get(), events.get(), lines.get() - events.get(), (System.nanoTime() - t0) / 1e9);
    }

    private void write(ArchiveObject o, List<TransactionEvent> batch) {
        if (batch.isEmpty()) {
            return;
        }
        try {
            sink.write(batch);
        } catch (PoisonEventsException e) {
            throw new WriteFailedException("the sink refused " + e.getMessage() + " of s3 object " + o.key(), e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new WriteFailedException("writing the events of " + o.key() + " failed: " + e.getMessage(), e);
        }
    }
}
