package com.ecommerce.pipeline.warehouse.loader;

import com.ecommerce.pipeline.warehouse.sink.WarehouseSink;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.context.SmartLifecycle;

/**
 * The service's BI folders, a thread per fold group ({@code bi_fold_group}, V5: the groups write disjoint summary
 * tables, so they fold side by side): each folds its group's pending deltas as long as there are any (each fold
 * takes at most the function's limit of delta rows), then looks again every {@code
 * pipeline.warehouse.bi-fold-interval}. The shards' threads only load rows; the BI views trail the table by what is
 * pending.
 *
 * <p>While the shards drain a backlog (they hand over full batches, {@link WarehouseSink#draining}) the folders
 * wait, up to {@code pipeline.warehouse.bi-fold-max-wait} at a time: a fold costs PostgreSQL several times what
 * loading the same rows does, and on shared cores it would slow the load by that much. They fold what is pending
 * once the backlog is in (every shard's last batch partial, or its full one older than {@link #FULL_BATCH_FORGOTTEN})
 * or when the wait is up, so the BI views are exact once the loader has caught up, and never trail by more than
 * that wait plus the folds.
 */
class BiFoldSchedule implements SmartLifecycle {

    private static final long RECHECK_MILLIS = 100;
    /** A shard whose full batch is older than this is not waited for (its next one would have come long ago). */
    static final Duration FULL_BATCH_FORGOTTEN = Duration.ofSeconds(10);

    private final WarehouseSink sink;
    private final Duration interval;
    private final Duration maxWait;
    private ScheduledExecutorService executor;

    BiFoldSchedule(WarehouseSink sink, WarehouseProperties properties) {
        this.sink = sink;
        this.interval = properties.biFoldInterval();
        this.maxWait = properties.biFoldMaxWait();
    }

    @Override
    public synchronized void start() {
        executor = Executors.newScheduledThreadPool(WarehouseSink.BI_FOLD_GROUPS, r -> {
            Thread thread = new Thread(r, "bi-fold");
            thread.setDaemon(true);
            return thread;
        });
        long millis = interval.toMillis();
        for (int group = 1; group <= WarehouseSink.BI_FOLD_GROUPS; group++) {
            int g = group;
            // foldBi() never throws: a failed fold is logged and the next round retries.
            executor.scheduleWithFixedDelay(() -> foldWhilePending(g), millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    private void foldWhilePending(int group) {
        try {
            awaitBacklogLoaded();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        while (!Thread.currentThread().isInterrupted() && sink.foldBi(group) > 0) {
            // another fold at once: more may be pending
        }
    }

    /** Waits while the shards drain a backlog, at most {@code maxWait}. */
    void awaitBacklogLoaded() throws InterruptedException {
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (sink.draining(FULL_BATCH_FORGOTTEN) && System.nanoTime() < deadline) {
            Thread.sleep(RECHECK_MILLIS);
        }
    }

    @Override
    public synchronized void stop() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return executor != null;
    }
}
