package com.ecommerce.pipeline.warehouse.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.schema.model.TransactionEvent;
import com.ecommerce.pipeline.warehouse.SourceRows;
import com.ecommerce.pipeline.warehouse.TestWarehouse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The BI summaries folded per group ({@code bi_fold_group}, V5), side by side and beside the loads, end exact: each
 * delta is folded once by each group, and leaves the log only when every group has folded it.
 */
class BiFoldGroupsIT {

    DataSource dataSource;
    JdbcClient jdbc;

    @BeforeEach
    void emptyWarehouse() {
        dataSource = TestWarehouse.shared();
        TestWarehouse.reset(dataSource);
        jdbc = JdbcClient.create(dataSource);
    }

    @Test
    void aDeltaLeavesTheLogOnlyWhenEveryGroupHasFoldedIt() throws Exception {
        WarehouseSink sink = new WarehouseSink(dataSource, new SimpleMeterRegistry(), false);
        List<TransactionEvent> events = SourceRows.events(SourceRows.sample().subList(0, 500), "groups", Instant.now());
        sink.write(SourceRows.batch(events));
        long pending = TestWarehouse.pendingBi(dataSource);
        assertThat(pending).isPositive();
        for (int group = 1; group <= 3; group++) {
            assertThat(sink.foldBi(group)).isEqualTo(500);
            assertThat(sink.foldBi(group)).isZero(); // folded once
        }
        assertThat(TestWarehouse.pendingBi(dataSource)).isEqualTo(pending);
        assertThat(sink.foldBi(4)).isEqualTo(500);
        assertThat(TestWarehouse.pendingBi(dataSource)).isZero();
        String[] incrementalAndRebuilt = TestWarehouse.aggregatesAndRebuilt(dataSource);
        assertThat(incrementalAndRebuilt[0]).isEqualTo(incrementalAndRebuilt[1]);
    }

    @Test
    void groupsFoldingSideBySideWithLoadsChangesAndDeletesEndExact() throws Exception {
        WarehouseSink sink = new WarehouseSink(dataSource, new SimpleMeterRegistry(), false);
        List<TransactionEvent> events = SourceRows.events(SourceRows.sample(), "groups", Instant.now());
        AtomicBoolean loading = new AtomicBoolean(true);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> folders = new ArrayList<>();
            for (int group = 1; group <= WarehouseSink.BI_FOLD_GROUPS; group++) {
                int g = group;
                folders.add(threads.submit(() -> {
                    while (loading.get()) {
                        if (sink.foldBi(g) <= 0) {
                            Thread.sleep(5);
                        }
                    }
                    return null;
                }));
            }
            List<Future<?>> writers = new ArrayList<>();
            for (List<TransactionEvent> shard : SourceRows.byShard(events, 4)) {
                writers.add(threads.submit(() -> {
                    for (int i = 0; i < shard.size(); i += 250) {
                        sink.write(SourceRows.batch(shard.subList(i, Math.min(i + 250, shard.size()))));
                    }
                    return null;
                }));
            }
            for (Future<?> f : writers) {
                f.get();
            }
            // Changes and deletes by other writers (removals in the deltas) while the groups fold.
            for (int i = 0; i < 10; i++) {
                jdbc.sql("UPDATE firehose_transactions SET quantity = quantity + 1, customer_id = NULL"
                                + " WHERE event_id IN (SELECT event_id FROM firehose_transactions"
                                + " ORDER BY event_id OFFSET :from LIMIT 40)")
                        .param("from", i * 300)
                        .update();
                jdbc.sql("DELETE FROM firehose_transactions WHERE event_id IN (SELECT event_id FROM"
                                + " firehose_transactions ORDER BY event_id DESC OFFSET :from LIMIT 20)")
                        .param("from", i * 200)
                        .update();
            }
            loading.set(false);
            for (Future<?> f : folders) {
                f.get();
            }
        } finally {
            loading.set(false);
            threads.shutdownNow();
        }
        TestWarehouse.foldBi(dataSource);
        assertThat(TestWarehouse.rows(dataSource)).isEqualTo(events.size() - 200);
        String[] incrementalAndRebuilt = TestWarehouse.aggregatesAndRebuilt(dataSource);
        assertThat(incrementalAndRebuilt[0]).isEqualTo(incrementalAndRebuilt[1]);
    }
}
