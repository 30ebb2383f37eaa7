package com.ecommerce.pipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecommerce.pipeline.e2e.SampleRows.Batch;
import com.ecommerce.pipeline.e2e.SampleRows.Row;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The moves the fault cases share: a paced load, waiting for a consumer's progress, its checkpoints, an outage. */
final class Faults {

    static final Duration OUTAGE = Duration.ofSeconds(Long.getLong("e2e.outage.seconds", 30));
    static final Duration RECONCILED = Duration.ofMinutes(5);

    private Faults() {}

    /** Batches posted in the background, one every {@code pause}, so a fault can land in the middle. */
    static final class Load {
        private final List<Batch> batches;
        private final AtomicInteger posted = new AtomicInteger();
        private final CompletableFuture<Void> done;

        private Load(Stack stack, List<Batch> batches, Duration pause) {
            this.batches = batches;
            this.done = CompletableFuture.runAsync(() -> {
                try {
                    for (Batch batch : batches) {
                        stack.post(batch);
                        posted.incrementAndGet();
                        Thread.sleep(pause.toMillis());
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }

        int posted() {
            return posted.get();
        }

        int batches() {
            return batches.size();
        }

        int rows() {
            return batches.stream().mapToInt(b -> b.rows().size()).sum();
        }

        void await() throws Exception {
            done.get(5, TimeUnit.MINUTES);
        }
    }

    static Load load(Stack stack, String keyPrefix, List<Row> rows, int batchSize, Duration pause) {
        return new Load(stack, SampleRows.batches(keyPrefix, rows, batchSize), pause);
    }

    /** Waits until the consumer's sink has written more than {@code before} rows (since the process started). */
    static double awaitRowsWritten(ServiceProcess consumer, double before, Duration bound) throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) {
            double now = Stack.rowsWritten(consumer);
            if (now > before) {
                return now;
            }
            assertThat(System.nanoTime())
                    .as(consumer.name() + " writes new rows within " + bound)
                    .isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    /** The KCL checkpoint of every shard in the consumer's lease table, read directly (shard id → sequence). */
    static Map<String, String> checkpoints(Stack stack, String application) {
        Map<String, String> checkpoints = new TreeMap<>();
        for (Map<String, AttributeValue> item : stack.cloud
                .dynamo()
                .scanPaginator(r -> r.tableName(application).consistentRead(true))
                .items()) {
            AttributeValue key = item.get("leaseKey");
            AttributeValue checkpoint = item.get("checkpoint");
            if (key != null && checkpoint != null) {
                checkpoints.put(key.s(), checkpoint.s());
            }
        }
        return checkpoints;
    }

    /**
     * The sink of {@code consumer} unavailable for {@link #OUTAGE} in the middle of a load of {@code rows}: while it
     * is away the consumer retries (its retry counter goes up) and checkpoints nothing; afterwards it catches up.
     * Ends with the reconciliation, which the caller asserts and reports.
     */
    static Outcome outage(Stack stack, TcpProxy proxy, ServiceProcess consumer, String keyPrefix, List<Row> rows)
            throws Exception {
        String application = consumer.name();
        // A consumer still taking its leases (a case run alone starts the stack cold: KCL needs ~40 s on a new lease
        // table) would see its first rows only after the paced load had all been posted, so none during the outage.
        stack.awaitCaughtUp(List.of(consumer), Map.of());
        double written = Stack.rowsWritten(consumer);
        double retries = Stack.metric(consumer, "pipeline_consumer_retries_total", "");
        Load load = load(stack, keyPrefix, rows, 100, Duration.ofMillis(1500));
        awaitRowsWritten(consumer, written, Duration.ofMinutes(2));
        int postedAtCut = load.posted();
        assertThat(proxy.accepted())
                .as(application + " reaches its sink through the proxy")
                .isPositive();

        proxy.cut();
        long cutAt = System.nanoTime();
        Thread.sleep(5000); // a checkpoint already on its way when the sink went away may still land
        Map<String, String> early = checkpoints(stack, application);
        double writtenEarly = Stack.rowsWritten(consumer);
        Thread.sleep(Math.max(0, OUTAGE.toMillis() - 6000));
        Map<String, String> late = checkpoints(stack, application);
        double writtenLate = Stack.rowsWritten(consumer);
        double retriesDuring = Stack.metric(consumer, "pipeline_consumer_retries_total", "") - retries;
        int postedDuring = load.posted() - postedAtCut;
        long remaining = OUTAGE.toNanos() - (System.nanoTime() - cutAt);
        if (remaining > 0) {
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(remaining));
        }
        proxy.restore();
        long restoredAt = System.nanoTime();

        load.await();
        Reconciliation r = Reconciliation.awaitAndRun(stack, RECONCILED);
        double caughtUp = (System.nanoTime() - restoredAt) / 1e9;
        stack.awaitCaughtUp(stack.consumers(), Map.of());
        String notes = String.format(
                "%s: %d of %d batches posted during the outage; %.0f retries, rows written %.0f → %.0f and"
                        + " checkpoints %s during it; every sink complete %.1f s after it ended",
                application,
                postedDuring,
                load.batches(),
                retriesDuring,
                writtenEarly,
                writtenLate,
                early.equals(late) ? "unchanged" : "MOVED",
                caughtUp);
        return new Outcome(r, notes, early.equals(late), retriesDuring, writtenEarly == writtenLate, postedDuring);
    }

    /** What an outage case saw: the reconciliation and whether the consumer held still while the sink was away. */
    record Outcome(
            Reconciliation reconciliation,
            String notes,
            boolean checkpointsHeld,
            double retriesDuring,
            boolean nothingWrittenDuring,
            int batchesPostedDuring) {

        /** The assertions every outage case makes, after it was reported. */
        void assertSurvived(String application) {
            assertThat(batchesPostedDuring)
                    .as("batches posted while the sink was away")
                    .isPositive();
            assertThat(retriesDuring)
                    .as(application + " retries while its sink was away")
                    .isPositive();
            assertThat(nothingWrittenDuring)
                    .as(application + " wrote no rows while its sink was away")
                    .isTrue();
            assertThat(checkpointsHeld)
                    .as(application + " checkpoints while its sink was away")
                    .isTrue();
            assertThat(reconciliation.exact())
                    .as("every sent row exactly once in every sink: " + reconciliation.summary())
                    .isTrue();
        }
    }

    /** How often each event id is on {@code stream} (every shard from TRIM_HORIZON; undecodable records skipped). */
    static Map<String, Integer> streamCounts(
            software.amazon.awssdk.services.kinesis.KinesisClient kinesis, String stream) {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        for (var shard : kinesis.listShards(r -> r.streamName(stream)).shards()) {
            String iterator = kinesis.getShardIterator(r -> r.streamName(stream)
                            .shardId(shard.shardId())
                            .shardIteratorType(
                                    software.amazon.awssdk.services.kinesis.model.ShardIteratorType.TRIM_HORIZON))
                    .shardIterator();
            int emptyReads = 0;
            while (iterator != null && emptyReads < 2) {
                String it = iterator;
                var response = kinesis.getRecords(r -> r.shardIterator(it).limit(10_000));
                if (response.records().isEmpty()) {
                    emptyReads++;
                }
                for (var record : response.records()) {
                    try {
                        for (var e : com.ecommerce.pipeline.schema.kinesis.RecordCodec.decode(
                                record.data().asByteArray())) {
                            counts.merge(e.eventId(), 1, Integer::sum);
                        }
                    } catch (com.ecommerce.pipeline.schema.kinesis.MalformedRecordException e) {
                        // not an event record
                    }
                }
                iterator = response.nextShardIterator();
            }
        }
        return counts;
    }
}
