package com.ecommerce.pipeline.warehouse.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ecommerce.pipeline.schema.model.TransactionEvent;
import com.ecommerce.pipeline.warehouse.SourceRows;
import com.ecommerce.pipeline.warehouse.TestWarehouse;
import com.ecommerce.pipeline.warehouse.sink.WarehouseSink;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The BI folders put folding off while the shards drain a backlog (full batches), at most {@code bi-fold-max-wait}
 * at a time, and then fold everything pending (the local cloud's PostgreSQL).
 */
class BiFoldScheduleIT {

    @Test
    void foldersWaitWhileFullBatchesArriveAtMostTheMaxWaitThenFoldEverything() throws Exception {
        DataSource dataSource = TestWarehouse.shared();
        TestWarehouse.reset(dataSource);
        List<TransactionEvent> events =
                SourceRows.events(SourceRows.sample().subList(0, 30), "fold-schedule", Instant.now());
        WarehouseSink sink = new WarehouseSink(dataSource, new SimpleMeterRegistry(), false, 10);

        sink.write(SourceRows.batch(events.subList(0, 10))); // full: a backlog is being drained
        BiFoldSchedule waiting =
                new BiFoldSchedule(sink, new WarehouseProperties(Duration.ofMillis(200), Duration.ofSeconds(30)));
        CompletableFuture<Void> caughtUp = CompletableFuture.runAsync(() -> {
            try {
                Thread.sleep(1500);
                sink.write(SourceRows.batch(events.subList(10, 15))); // not full: the shard has caught up
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long t0 = System.nanoTime();
        waiting.awaitBacklogLoaded();
        double waited = (System.nanoTime() - t0) / 1e9;
        caughtUp.join();
        assertThat(waited).as("waited until the shard's partial batch").isBetween(1.3, 9.0);

        sink.write(SourceRows.batch(events.subList(15, 25)));
        BiFoldSchedule bounded =
                new BiFoldSchedule(sink, new WarehouseProperties(Duration.ofMillis(200), Duration.ofMillis(300)));
        t0 = System.nanoTime();
        bounded.awaitBacklogLoaded();
        assertThat((System.nanoTime() - t0) / 1e9)
                .as("never longer than the max wait")
                .isBetween(0.25, 9.0);

        sink.write(SourceRows.batch(events.subList(25, 30))); // not full: the shard has caught up
        assertThat(TestWarehouse.pendingBi(dataSource)).isPositive();
        BiFoldSchedule folding =
                new BiFoldSchedule(sink, new WarehouseProperties(Duration.ofMillis(200), Duration.ofSeconds(30)));
        folding.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> TestWarehouse.pendingBi(dataSource) == 0);
        } finally {
            folding.stop();
        }
        String[] incrementalAndRebuilt = TestWarehouse.aggregatesAndRebuilt(dataSource);
        assertThat(incrementalAndRebuilt[0]).isEqualTo(incrementalAndRebuilt[1]);
    }
}
