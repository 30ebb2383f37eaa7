package com.ecommerce.pipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ecommerce.pipeline.e2e.SampleRows.Batch;
import com.ecommerce.pipeline.e2e.SampleRows.Row;
import com.ecommerce.pipeline.e2e.Sinks.StreamedEvent;
import java.nio.file.Files;
import java.sql.Connection;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The pipeline end to end, as in production: ingest-service, s3-archiver, dynamo-writer and warehouse-loader
 * run as separate processes from their exec jars on one cloud ({@link E2eCloud}: the local cloud by default), started once for the class (a new KCL
 * lease table takes 40–75 s to hand out its leases) and shared by the ordered tests. Rows of the committed
 * sample go in through HTTP; the stream and the three sinks are read back independently (AWS SDK; DynamoDB through
 * dynamo-store's reader, the one place that knows the items' layout; JDBC) and compared with what the CSV and the
 * chosen idempotency keys say, never with the services' own output.
 */
@Order(1)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineEndToEndIT {

    /** The largest consumer buffer max-age (s3-archiver's 15 s) plus a margin. */
    private static final Duration BUFFERS_AGED = Duration.ofSeconds(20);

    private static final Duration DELIVERED = Stack.DELIVERED;
    private static final Duration HEALTHY = Stack.HEALTHY;

    private static final String KEY_PREFIX = "e2e-sample";
    private static final int FIRST_ROWS = 2000;
    private static final int SECOND_ROWS = 2000;

    private final Map<String, String> timings = new LinkedHashMap<>();

    private Stack stack;
    private ServiceProcess warehouseLoader;
    private List<ServiceProcess> consumers;
    private KinesisClient kinesis;
    private DynamoDbClient dynamo;
    private S3Client s3;
    private Connection db;
    private int shards;

    private List<Row> firstRows;
    private List<Row> allRows;
    private List<Batch> firstBatches;
    private List<Batch> secondBatches;
    private Map<String, Map<String, String>> archiveBeforeRepost;
    private Map<String, Map<String, String>> archiveAfterRepost;

    @BeforeAll
    void startTheStack() throws Exception {
        stack = Stack.get();
        List<Row> rows = SampleRows.read(stack.root.resolve("data/online_retail_sample.csv"), FIRST_ROWS + SECOND_ROWS);
        allRows = rows;
        firstRows = rows.subList(0, FIRST_ROWS);
        firstBatches = SampleRows.batches(KEY_PREFIX, firstRows, 250);
        secondBatches = SampleRows.batches(KEY_PREFIX, rows.subList(FIRST_ROWS, FIRST_ROWS + SECOND_ROWS), 125);
        assertThat(stack.ledger.size())
                .as("rows sent before this class (it runs first: junit-platform.properties orders the classes)")
                .isZero();
        kinesis = stack.cloud.kinesis();
        dynamo = stack.cloud.dynamo();
        s3 = stack.cloud.s3();
        db = stack.db();
        shards = stack.shards;
        warehouseLoader = stack.warehouseLoader;
        consumers = stack.consumers();
        timings.putAll(stack.timings);
    }

    /** The stack stays up for the next test classes (it stops at JVM exit); only the timings are written. */
    @AfterAll
    void writeTimings() throws Exception {
        StringBuilder report = new StringBuilder("end-to-end timings:\n");
        timings.forEach((k, v) -> report.append(String.format("  %-45s %s%n", k, v)));
        System.out.print(report);
        if (stack != null) {
            Files.createDirectories(stack.workDir.resolve("e2e-logs"));
            Files.writeString(stack.workDir.resolve("e2e-logs/timings.txt"), report);
        }
    }

    @Test
    @Order(1)
    void twoThousandRealRowsArriveExactlyOnceInEverySink() throws Exception {
        long start = System.nanoTime();
        Set<String> expected = SampleRows.eventIds(firstBatches);
        assertThat(expected).hasSize(FIRST_ROWS);

        for (Batch batch : firstBatches) {
            post(batch);
        }
        timings.put("1: posted 2,000 rows", seconds(start));

        // The stream carries exactly these event ids, once each.
        Map<String, Integer> onStream = Sinks.countStream(Sinks.stream(kinesis));
        assertThat(onStream.keySet()).isEqualTo(expected);
        assertThat(onStream.values()).allMatch(n -> n == 1);

        Set<String> invoices = SampleRows.invoiceNos(firstRows);
        await("all three sinks hold the 2,000 event ids")
                .atMost(DELIVERED)
                .pollInterval(Duration.ofSeconds(3))
                .untilAsserted(() -> {
                    assertThat(Sinks.warehouseRows(db).keySet()).containsAll(expected);
                    assertThat(Sinks.invoiceEventCounts(Sinks.invoiceLines(dynamo, invoices))
                                    .keySet())
                            .containsAll(expected);
                    assertThat(Sinks.archiveCounts(s3).keySet()).containsAll(expected);
                });
        timings.put("1: posted → in every sink", seconds(start));

        // No more, no fewer, each exactly once.
        Map<String, Integer> archive = Sinks.archiveCounts(s3);
        assertThat(archive.keySet()).as("archive event ids").isEqualTo(expected);
        assertThat(duplicates(archive))
                .as("archive event ids found more than once")
                .isEmpty();
        Map<String, Integer> lines = Sinks.invoiceEventCounts(Sinks.invoiceLines(dynamo, invoices));
        assertThat(lines.keySet()).as("DynamoDB invoices event ids").isEqualTo(expected);
        assertThat(duplicates(lines))
                .as("DynamoDB event ids under two invoices")
                .isEmpty();
        assertThat(Sinks.warehouseRows(db).keySet()).as("warehouse event ids").isEqualTo(expected);
        assertThat(Sinks.warehouseRowCount(db)).isEqualTo(FIRST_ROWS);

        // The customer summaries follow their lines: equal to what the CSV says.
        await("DynamoDB customer summaries")
                .atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> assertSummaries(firstRows));
        timings.put("1: total", seconds(start));
        System.out.printf(
                "test 1: %,d event ids on the stream; archive %,d lines in %d objects; DynamoDB %,d invoice lines;"
                        + " warehouse %,d rows%n",
                onStream.size(), sum(archive), Sinks.archiveObjectCount(s3), lines.size(), Sinks.warehouseRowCount(db));
    }

    @Test
    @Order(2)
    void postingTheSameBatchesAgainChangesNothingInDynamoDbOrTheWarehouse() throws Exception {
        long start = System.nanoTime();
        Set<String> invoices = SampleRows.invoiceNos(firstRows);
        Set<String> customers = SampleRows.customerIds(firstRows);
        awaitCaughtUp(Sinks.stream(kinesis).size());
        Map<String, Map<String, String>> linesBefore = Sinks.invoiceLines(dynamo, invoices);
        Map<String, Map<String, String>> summariesBefore = Sinks.asFields(Sinks.customerInvoices(dynamo, customers));
        Map<String, Map<String, String>> warehouseBefore = Sinks.warehouseRows(db);
        archiveBeforeRepost = Sinks.archiveObjects(s3);
        assertThat(linesBefore).hasSize(FIRST_ROWS);
        assertThat(warehouseBefore).hasSize(FIRST_ROWS);

        for (Batch batch : firstBatches) {
            post(batch);
        }
        List<StreamedEvent> stream = Sinks.stream(kinesis);
        int republished = stream.size() - FIRST_ROWS;
        System.out.printf(
                "test 2: the repost put %,d rows on the stream again (0 once ingest answers a repeated key"
                        + " without re-publishing)%n",
                republished);
        timings.put("2: reposted (" + republished + " rows re-published)", seconds(start));

        awaitCaughtUp(stream.size());
        Thread.sleep(BUFFERS_AGED.toMillis());
        awaitCaughtUp(stream.size());
        timings.put("2: consumers caught up", seconds(start));

        List<String> linesDiff = Sinks.diff(linesBefore, Sinks.invoiceLines(dynamo, invoices), 20);
        List<String> summariesDiff =
                Sinks.diff(summariesBefore, Sinks.asFields(Sinks.customerInvoices(dynamo, customers)), 20);
        List<String> warehouseDiff = Sinks.diff(warehouseBefore, Sinks.warehouseRows(db), 20);
        archiveAfterRepost = Sinks.archiveObjects(s3);
        assertThat(linesDiff).as("DynamoDB invoice lines changed by the repost").isEmpty();
        assertThat(summariesDiff)
                .as("DynamoDB customer summaries changed by the repost")
                .isEmpty();
        assertThat(warehouseDiff).as("warehouse rows changed by the repost").isEmpty();
        timings.put("2: total", seconds(start));
    }

    @Test
    @Order(3)
    void postingTheSameBatchesAgainLeavesEachEventOnceInTheArchive() throws Exception {
        Set<String> expected = SampleRows.eventIds(firstBatches);
        Map<String, Integer> archive = Sinks.archiveCounts(s3);
        assertThat(archive.keySet()).as("archive event ids").isEqualTo(expected);
        assertThat(duplicates(archive))
                .as("archive event ids found more than once after the repost (ingest re-published them)")
                .isEmpty();
        assertThat(archiveAfterRepost)
                .as("archive snapshots taken by the previous test")
                .isNotNull();
        assertThat(archiveBeforeRepost).as("archive objects before the repost").isNotEmpty();
        assertThat(Sinks.diff(archiveBeforeRepost, archiveAfterRepost, 20))
                .as("archive objects (key, ETag, size) added or rewritten by the repost")
                .isEmpty();
    }

    @Test
    @Order(4)
    void aHardKilledWarehouseLoaderResumesAndEverySinkHoldsEachEventOnce() throws Exception {
        long start = System.nanoTime();
        Set<String> firstIds = SampleRows.eventIds(firstBatches);
        Set<String> secondIds = SampleRows.eventIds(secondBatches);
        Set<String> allIds = new HashSet<>(firstIds);
        allIds.addAll(secondIds);
        assertThat(allIds).hasSize(FIRST_ROWS + SECOND_ROWS);
        int warehouseBefore = Sinks.warehouseRowCount(db);
        assertThat(warehouseBefore).isEqualTo(FIRST_ROWS);

        // A load spread over ~20 s (longer than warehouse-loader's 10 s buffer age), so the kill below lands
        // after its first flush of the new rows and before the load ends.
        AtomicInteger posted = new AtomicInteger();
        CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
            try {
                for (Batch batch : secondBatches) {
                    post(batch);
                    posted.incrementAndGet();
                    Thread.sleep(1200);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        int durableAtKill;
        while (true) {
            durableAtKill = Sinks.warehouseRowCount(db) - warehouseBefore;
            if (durableAtKill > 0) {
                break;
            }
            assertThat(System.nanoTime())
                    .as("new rows in the warehouse within 2 min")
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
        long killedAt = System.nanoTime();
        warehouseLoader.kill();
        int postedAtKill = posted.get();
        String atKill = String.format(
                "killed (SIGKILL) with %,d of %,d new rows durable in the warehouse, %d of %d batches posted",
                durableAtKill, SECOND_ROWS, postedAtKill, secondBatches.size());
        System.out.println("test 3: warehouse-loader " + atKill);
        timings.put("3: " + atKill, seconds(start));
        assertThat(durableAtKill).as("a kill in the middle of the load").isLessThan(SECOND_ROWS);

        load.get(5, TimeUnit.MINUTES);
        timings.put("3: load posted", seconds(start));

        warehouseLoader.start();
        warehouseLoader.awaitHealthy(HEALTHY);
        timings.put("3: warehouse-loader restarted, healthy", seconds(killedAt) + " after the kill");

        Set<String> invoices = SampleRows.invoiceNos(allRows);
        await("all three sinks hold the 4,000 event ids")
                .atMost(DELIVERED)
                .pollInterval(Duration.ofSeconds(3))
                .untilAsserted(() -> {
                    assertThat(Sinks.warehouseRows(db).keySet()).containsAll(allIds);
                    assertThat(Sinks.invoiceEventCounts(Sinks.invoiceLines(dynamo, invoices))
                                    .keySet())
                            .containsAll(allIds);
                    assertThat(Sinks.archiveCounts(s3).keySet()).containsAll(allIds);
                });
        timings.put("3: every sink complete", seconds(killedAt) + " after the kill");

        // Exactly once everywhere: nothing lost, nothing doubled by the redelivery after the kill.
        Map<String, Integer> onStream = Sinks.countStream(Sinks.stream(kinesis));
        assertThat(onStream.keySet()).as("event ids on the stream").isEqualTo(allIds);
        Map<String, Map<String, String>> warehouse = Sinks.warehouseRows(db);
        assertThat(warehouse.keySet()).as("warehouse event ids").isEqualTo(allIds);
        Map<String, Integer> lines = Sinks.invoiceEventCounts(Sinks.invoiceLines(dynamo, invoices));
        assertThat(lines.keySet()).as("DynamoDB invoices event ids").isEqualTo(allIds);
        assertThat(duplicates(lines))
                .as("DynamoDB event ids under two invoices")
                .isEmpty();
        Map<String, Integer> archive = Sinks.archiveCounts(s3);
        assertThat(archive.keySet()).as("archive event ids").isEqualTo(allIds);
        Map<String, Integer> secondInArchive = new TreeMap<>(archive);
        secondInArchive.keySet().retainAll(secondIds);
        assertThat(duplicates(secondInArchive))
                .as("archive copies of the second load's event ids")
                .isEmpty();
        // every event id as often in the archive as on the stream (once each, unless ingest re-published)
        assertThat(archive).as("archive copies per event id = stream copies").isEqualTo(onStream);
        assertSummaries(allRows);
        // Whether the kill fell between a batch's pending checkpoint and its commit (timing decides; reported,
        // not asserted): the restarted loader then forms exactly that batch again first.
        List<String> reformed = warehouseLoader.linesOfLastRunContaining("was recorded but not committed");
        System.out.println("test 3: after the restart, " + reformed.size()
                + " shard(s) formed a recorded but uncommitted batch again first");
        reformed.forEach(l -> System.out.println("  " + l.substring(l.indexOf("shardId-"))));
        timings.put("3: shards re-forming a pending batch after the restart: " + reformed.size(), "");
        timings.put("3: total", seconds(start));
        System.out.printf(
                "test 3: stream %,d events (%,d distinct); archive %,d lines; DynamoDB %,d invoice lines;"
                        + " warehouse %,d rows%n",
                sum(onStream), onStream.size(), sum(archive), lines.size(), warehouse.size());
    }

    /** The customers table holds exactly the summaries the CSV rows give, for every customer of the rows. */
    private void assertSummaries(List<Row> rows) {
        assertThat(Reconciliation.wrongSummaries(dynamo, rows))
                .as("customer summaries that differ from the CSV")
                .isEmpty();
    }

    /**
     * Every consumer has read to the end of every shard ({@code millisBehindLatest} 0 on all its leases, all
     * shards leased) and its sink has written at least as many rows as the stream holds.
     */
    private void awaitCaughtUp(int streamRows) {
        Map<ServiceProcess, Double> rows = new java.util.HashMap<>();
        consumers.forEach(c -> rows.put(c, (double) streamRows));
        stack.awaitCaughtUp(consumers, rows);
    }

    private void post(Batch batch) throws Exception {
        stack.post(batch);
    }

    private static Map<String, Integer> duplicates(Map<String, Integer> counts) {
        Map<String, Integer> d = new TreeMap<>();
        counts.forEach((k, v) -> {
            if (v != 1) {
                d.put(k, v);
            }
        });
        return d;
    }

    private static long sum(Map<String, Integer> counts) {
        return counts.values().stream().mapToLong(Integer::longValue).sum();
    }

    private static String seconds(long since) {
        return Stack.seconds(since);
    }
}
