package com.ecommerce.pipeline.client.rebuild;

import com.ecommerce.pipeline.client.cloud.Archive;
import com.ecommerce.pipeline.client.cloud.Archive.ArchiveObject;
import com.ecommerce.pipeline.consumer.PoisonEventsException;
import com.ecommerce.pipeline.consumer.Sink;
import com.ecommerce.pipeline.schema.kinesis.InvoicePieces;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
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
 * order, one consumer batch per write: the archiver's objects of one batch (one per InvoiceDate month of
 * its rows, same shard and first sequence number) together, in key order. A batch is whole Kinesis
 * records, so its events are whole {@link InvoicePieces pieces} (an invoice's rows of one request), which
 * the DynamoDB store writes as one item each: a piece is handed on whole, its rows in order, or not at
 * all. A piece whose event ids were all written before (the archive holds a re-posted request twice) is
 * skipped; the rest of the batch keeps its order. Corrections and deletions (change events) are handed on
 * in their place, once per row and version; the sinks keep each row's highest version, so the order in which
 * shards and days are read does not change what they end with (docs/corrections.md).
 */
final class ArchiveReplay {

    /**
     * @param events distinct events written (a row's insert and each of its changes count once each)
     * @param copies lines skipped: pieces whose event ids had all been written already, changes written already
     */
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
        AtomicLong copies = new AtomicLong();
        AtomicLong objects = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(8, byShard.size())));
        try {
            List<Future<?>> shards = new ArrayList<>();
            for (List<ArchiveObject> shard : byShard.values()) {
                shard.sort(ArchiveObject.STREAM_ORDER);
                shards.add(pool.submit(() -> {
                    for (int from = 0; from < shard.size(); ) {
                        ArchiveObject first = shard.get(from);
                        List<TransactionEvent> read = new ArrayList<>();
                        int to = from;
                        for (;
                                to < shard.size()
                                        && shard.get(to).firstSequence().equals(first.firstSequence());
                                to++) {
                            read.addAll(archive.read(shard.get(to).key()));
                        }
                        Set<TransactionEvent> skipped = Collections.newSetFromMap(new IdentityHashMap<>());
                        long fresh = 0;
                        // Inserts travel as whole pieces; a change (a correction or a deletion) is an event of
                        // its own, told apart from its row's insert and other changes by its version.
                        List<TransactionEvent> inserts = new ArrayList<>(read.size());
                        for (TransactionEvent e : read) {
                            if (e.change().isInsert()) {
                                inserts.add(e);
                            } else if (seen.add(key(e))) {
                                fresh++;
                            } else {
                                skipped.add(e);
                            }
                        }
                        for (InvoicePieces.Piece piece : InvoicePieces.of(inserts)) {
                            int ids = 0;
                            for (TransactionEvent e : piece.events()) {
                                if (seen.add(key(e))) {
                                    ids++;
                                }
                            }
                            if (ids == 0) {
                                skipped.addAll(piece.events());
                            }
                            fresh += ids;
                        }
                        List<TransactionEvent> batch = new ArrayList<>(read.size() - skipped.size());
                        for (TransactionEvent e : read) {
                            if (!skipped.contains(e)) {
                                batch.add(e);
                            }
                        }
                        write(first, batch);
                        lines.addAndGet(read.size());
                        events.addAndGet(fresh);
                        copies.addAndGet(skipped.size());
                        objects.addAndGet(to - from);
                        from = to;
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
        return new Result(objects.get(), lines.get(), events.get(), copies.get(), (System.nanoTime() - t0) / 1e9);
    }

    /** An event's identity in the archive: its row and version (a row's insert is version 0). */
    private static String key(TransactionEvent e) {
        return e.eventId() + "/" + e.version();
    }

    private void write(ArchiveObject o, List<TransactionEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        try {
            sink.write(o.batch(events));
        } catch (PoisonEventsException e) {
            throw new WriteFailedException("the sink refused " + e.getMessage() + " of s3 object " + o.key(), e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new WriteFailedException("writing the events of " + o.key() + " failed: " + e.getMessage(), e);
        }
    }
}
