package com.ecommerce.pipeline.warehouse.loader;

import com.ecommerce.pipeline.warehouse.sink.WarehouseSink;
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
 */
class BiFoldSchedule implements SmartLifecycle {

    private final WarehouseSink sink;
    private final long intervalMillis;
    private ScheduledExecutorService executor;

    BiFoldSchedule(WarehouseSink sink, WarehouseProperties properties) {
        this.sink = sink;
        this.intervalMillis = properties.biFoldInterval().toMillis();
    }

    @Override
    public synchronized void start() {
        executor = Executors.newScheduledThreadPool(WarehouseSink.BI_FOLD_GROUPS, r -> {
            Thread thread = new Thread(r, "bi-fold");
            thread.setDaemon(true);
            return thread;
        });
        for (int group = 1; group <= WarehouseSink.BI_FOLD_GROUPS; group++) {
            int g = group;
            // foldBi() never throws: a failed fold is logged and the next round retries.
            executor.scheduleWithFixedDelay(
                    () -> foldWhilePending(g), intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void foldWhilePending(int group) {
        while (!Thread.currentThread().isInterrupted() && sink.foldBi(group) > 0) {
            // another fold at once: more may be pending
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
