package com.ecommerce.pipeline.archiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.ecommerce.pipeline.consumer.ConsumerMetrics;
import com.ecommerce.pipeline.consumer.KinesisConsumer;
import com.ecommerce.pipeline.localcloud.LocalCloud;
import com.ecommerce.pipeline.schema.input.CsvRowReader;
import com.ecommerce.pipeline.schema.input.RowResult;
import com.ecommerce.pipeline.schema.input.TransactionCsv;
import com.ecommerce.pipeline.schema.kinesis.PackedRecord;
import com.ecommerce.pipeline.schema.kinesis.PackingLimits;
import com.ecommerce.pipeline.schema.kinesis.RecordPacker;
import com.ecommerce.pipeline.schema.kinesis.ShardMap;
import com.ecommerce.pipeline.schema.model.IngestMetadata;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * The service's drain of a standing backlog, profiled: a new 4-shard stream is filled with the first N
 * rows of the dataset packed as ingest-service packs them (requests of 500 rows, {@link RecordPacker}),
 * then the app starts on it with a new lease table and drains it into the real bucket ("cold": the JIT
 * warms up during the drain, as in the benchmark); then the consumer is stopped, the same rows are put
 * again under new keys and it drains them once more ("warm"). Prints, for each drain, rows/s and the
 * process's CPU-seconds per row, and writes a Flight Recording of it to {@code
 * target/drain-s3-archiver-PHASE.jfr}. Asserts only that every row arrived. Not part of the default run:
 * {@code mvn -pl s3-archiver -am verify -Dtest=none -Dit.test=DrainProfileIT -Ddrain.profile=true
 * [-Ddrain.rows=150000] -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@DirtiesContext
class DrainProfileIT {

    private static final Path FULL = Path.of("..", "..", "shared", "data", "online_retail.csv.gz");
    private static final Path SAMPLE = Path.of("..", "data", "online_retail_sample.csv");
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String STREAM = "drain-" + RUN;
    private static final String APP = "s3-archiver";
    private static int rows;

    @DynamicPropertySource
    static void localCloud(DynamicPropertyRegistry registry) throws Exception {
        LocalCloud.shared().endpoints().springProperties().forEach((k, v) -> registry.add(k, () -> v));
        if (Boolean.getBoolean("drain.profile")) {
            rows = fill(Integer.getInteger("drain.rows", 150_000));
            registry.add("pipeline.kinesis.stream", () -> STREAM);
            registry.add("pipeline.consumer.application-name", () -> APP + "-drain-" + RUN);
        }
    }

    @Autowired
    ConsumerMetrics metrics;

    @Autowired
    KinesisConsumer consumer;

    @Test
    void drainsTheBacklog() throws Exception {
        assumeTrue(Boolean.getBoolean("drain.profile"), "set -Ddrain.profile=true to run");
        drain("cold", rows); // as the benchmark measures it: a new JVM, the JIT warming up during the drain
        consumer.stop();
        int more = put(Integer.getInteger("drain.rows", 150_000), "warm");
        consumer.start();
        drain("warm", rows + more); // the same again, compiled
    }

    private void drain(String phase, int total) throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double before = metrics.rows();
        while (metrics.rows() <= before) {
            Thread.sleep(20);
        }
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        double rows0 = metrics.rows();
        Recording recording = new Recording(Configuration.getConfiguration("profile"));
        recording.start();
        long deadline = t0 + 600_000_000_000L;
        while (metrics.rows() < total && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        long t1 = System.nanoTime();
        long cpu1 = os.getProcessCpuTime();
        double rows1 = metrics.rows();
        recording.stop();
        Path jfr = Path.of("target", "drain-" + APP + "-" + phase + ".jfr");
        recording.dump(jfr);
        recording.close();
        double drained = rows1 - rows0;
        System.out.printf(
                Locale.ROOT,
                "DRAIN %s %s: %,.0f rows after the first flush in %.2f s = %,.0f rows/s; process CPU %.2f s"
                        + " = %.1f µs a row (%.2f cores); load average %.1f; recording %s%n",
                APP,
                phase,
                drained,
                (t1 - t0) / 1e9,
                drained / ((t1 - t0) / 1e9),
                (cpu1 - cpu0) / 1e9,
                (cpu1 - cpu0) / 1e3 / drained,
                (double) (cpu1 - cpu0) / (t1 - t0),
                os.getSystemLoadAverage(),
                jfr.toAbsolutePath());
        assertThat(rows1).isGreaterThanOrEqualTo(total);
    }

    /** Creates the stream and puts the first {@code limit} rows on it. */
    private static int fill(int limit) throws Exception {
        KinesisClient kinesis = LocalCloud.shared().kinesisClient();
        kinesis.createStream(r -> r.streamName(STREAM).shardCount(4));
        while (kinesis.describeStreamSummary(r -> r.streamName(STREAM))
                        .streamDescriptionSummary()
                        .streamStatus()
                != StreamStatus.ACTIVE) {
            Thread.sleep(100);
        }
        return put(limit, "cold");
    }

    /** Puts the first {@code limit} rows, packed per 500-row request under new keys (so new events). */
    private static int put(int limit, String phase) throws Exception {
        KinesisClient kinesis = LocalCloud.shared().kinesisClient();
        ShardMap shards = ShardMap.uniform(4);
        Instant received = Instant.now();
        List<TransactionEvent> request = new ArrayList<>();
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        int count = 0;
        int requests = 0;
        try (CsvRowReader reader = TransactionCsv.open(Files.exists(FULL) ? FULL : SAMPLE, StandardCharsets.UTF_8)) {
            for (RowResult row : reader) {
                if (count >= limit) {
                    break;
                }
                if (row instanceof RowResult.Valid valid) {
                    String key = "drain-" + RUN + "-" + phase + "-" + requests;
                    request.add(TransactionEvent.of(
                            valid.transaction(), new IngestMetadata(key, request.size(), received, "test")));
                    count++;
                    if (request.size() == 500) {
                        pack(request, shards, entries);
                        request.clear();
                        requests++;
                    }
                }
            }
        }
        pack(request, shards, entries);
        for (int i = 0; i < entries.size(); i += 400) {
            List<PutRecordsRequestEntry> chunk = entries.subList(i, Math.min(i + 400, entries.size()));
            var response = kinesis.putRecords(r -> r.streamName(STREAM).records(chunk));
            assertThat(response.failedRecordCount()).isZero();
        }
        System.out.printf(
                Locale.ROOT, "DRAIN %s put on %s: %,d rows in %,d records%n", phase, STREAM, count, entries.size());
        return count;
    }

    private static void pack(List<TransactionEvent> request, ShardMap shards, List<PutRecordsRequestEntry> out) {
        if (request.isEmpty()) {
            return;
        }
        for (PackedRecord r : RecordPacker.pack(request, shards, PackingLimits.defaults())) {
            out.add(PutRecordsRequestEntry.builder()
                    .partitionKey(r.partitionKey())
                    .explicitHashKey(r.explicitHashKey())
                    .data(SdkBytes.fromByteArray(r.data()))
                    .build());
        }
    }
}
