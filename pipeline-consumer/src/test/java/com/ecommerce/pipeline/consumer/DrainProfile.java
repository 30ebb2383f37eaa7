package com.ecommerce.pipeline.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.ecommerce.pipeline.localcloud.Emulator;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * A consumer service's drain of a standing backlog, profiled (one implementation for every consumer; each service
 * has a {@code DrainProfileIT} that extends this with its name): a new 4-shard stream is filled with the first N
 * rows of the dataset packed as ingest-service packs them (requests of 500 rows, {@link RecordPacker}), then the
 * app starts on it with a new lease table and drains it into its real sink ("cold": the JIT warms up during the
 * drain, as in the benchmark); then the consumer is stopped, the same rows are put again under new keys and it
 * drains them once more ("warm"). Prints, for each drain, rows/s, the process's CPU-seconds per row and each local
 * cloud emulator's (PostgreSQL with its backends, the Kinesis emulator, ...) over the same interval, and writes a
 * Flight Recording of it to {@code target/drain-<app>-<phase>.jfr}. Asserts only that every row arrived. Not part
 * of the default run: {@code mvn -pl <app> -am verify -Dtest=none -Dit.test=DrainProfileIT -Ddrain.profile=true
 * [-Ddrain.rows=150000] -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false}.
 */
public abstract class DrainProfile {

    private static final Path FULL = Path.of("..", "..", "shared", "data", "online_retail.csv.gz");
    private static final Path SAMPLE = Path.of("..", "data", "online_retail_sample.csv");
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String STREAM = "drain-" + RUN;
    private static int rows;

    @DynamicPropertySource
    static void localCloud(DynamicPropertyRegistry registry) throws Exception {
        LocalCloud.shared().endpoints().springProperties().forEach((k, v) -> registry.add(k, () -> v));
        if (Boolean.getBoolean("drain.profile")) {
            rows = fill(Integer.getInteger("drain.rows", 150_000));
            registry.add("pipeline.kinesis.stream", () -> STREAM);
            registry.add("pipeline.consumer.application-name", () -> "drain-" + RUN);
        }
    }

    private final String app;

    @Autowired
    ConsumerMetrics metrics;

    @Autowired
    KinesisConsumer consumer;

    /** @param app the service's name, for the printed lines and the recordings' names */
    protected DrainProfile(String app) {
        this.app = app;
    }

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
        Map<String, Double> emulators0 = emulatorCpu();
        Map<String, long[]> threads0 = threadTimes();
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
        Map<String, Double> emulators1 = emulatorCpu();
        Map<String, long[]> threads1 = threadTimes();
        double rows1 = metrics.rows();
        recording.stop();
        Path jfr = Path.of("target", "drain-" + app + "-" + phase + ".jfr");
        recording.dump(jfr);
        recording.close();
        double drained = rows1 - rows0;
        System.out.printf(
                Locale.ROOT,
                "DRAIN %s %s: %,.0f rows after the first flush in %.2f s = %,.0f rows/s; process CPU %.2f s"
                        + " = %.1f µs a row (%.2f cores); load average %.1f; recording %s%n",
                app,
                phase,
                drained,
                (t1 - t0) / 1e9,
                drained / ((t1 - t0) / 1e9),
                (cpu1 - cpu0) / 1e9,
                (cpu1 - cpu0) / 1e3 / drained,
                (double) (cpu1 - cpu0) / (t1 - t0),
                os.getSystemLoadAverage(),
                jfr.toAbsolutePath());
        System.out.printf(
                Locale.ROOT, "DRAIN %s %s: local cloud CPU %s%n", app, phase, perRow(emulators0, emulators1, drained));
        System.out.printf(
                Locale.ROOT, "DRAIN %s %s: threads %s%n", app, phase, threadSplit(threads0, threads1, t1 - t0));
        assertThat(rows1).isGreaterThanOrEqualTo(total);
        afterDrain(phase, drained);
    }

    /**
     * Called after each drain, with the rows it counted: a service whose sink works on after the rows are in (the
     * warehouse's BI fold) measures that here.
     */
    protected void afterDrain(String phase, double rows) throws Exception {}

    /**
     * CPU seconds so far of each local cloud emulator: its processes, their live descendants (PostgreSQL's backends)
     * and their exited, reaped children (from /proc; empty where there is none).
     */
    protected static Map<String, Double> emulatorCpu() {
        Map<String, Double> cpu = new LinkedHashMap<>();
        for (Emulator e : LocalCloud.shared().emulators()) {
            double seconds = 0;
            for (long pid : e.pids()) {
                seconds += cpuSeconds(pid, true);
                for (ProcessHandle child : ProcessHandle.of(pid).stream()
                        .flatMap(ProcessHandle::descendants)
                        .toList()) {
                    seconds += cpuSeconds(child.pid(), false);
                }
            }
            cpu.put(e.name(), seconds);
        }
        return cpu;
    }

    /** "name 1.23 s = 4.5 µs a row, ..." for each emulator that used CPU between the two readings. */
    protected static String perRow(Map<String, Double> before, Map<String, Double> after, double rows) {
        StringBuilder out = new StringBuilder();
        after.forEach((name, seconds) -> {
            double used = seconds - before.getOrDefault(name, 0.0);
            if (used > 0) {
                out.append(out.isEmpty() ? "" : "; ")
                        .append(String.format(Locale.ROOT, "%s %.2f s = %.1f µs a row", name, used, used * 1e6 / rows));
            }
        });
        return out.isEmpty() ? "none measured" : out.toString();
    }

    /**
     * This process's threads by name (digits dropped, so a pool is one entry): CPU and run-queue wait in ns, from
     * /proc/self/task/<tid>/schedstat (threads that ended are not counted).
     */
    private static Map<String, long[]> threadTimes() {
        Map<String, long[]> times = new java.util.TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String name = Files.readString(task.resolve("comm")).trim().replaceAll("[0-9]+", "#");
                    String[] f =
                            Files.readString(task.resolve("schedstat")).trim().split(" ");
                    long[] t = times.computeIfAbsent(name, n -> new long[2]);
                    t[0] += Long.parseLong(f[0]);
                    t[1] += Long.parseLong(f[1]);
                } catch (java.io.IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (java.io.IOException e) {
            return times;
        }
        return times;
    }

    /**
     * "ran X s, waited for a core Y s" over all threads, then the busiest groups: how much of the drain the process
     * computed, and how much of it its ready threads were kept off the cores by other processes.
     */
    private static String threadSplit(Map<String, long[]> before, Map<String, long[]> after, long wallNanos) {
        long ran = 0;
        long queued = 0;
        List<Map.Entry<String, long[]>> groups = new ArrayList<>();
        for (var e : after.entrySet()) {
            long[] b = before.getOrDefault(e.getKey(), new long[2]);
            long[] d = {Math.max(0, e.getValue()[0] - b[0]), Math.max(0, e.getValue()[1] - b[1])};
            ran += d[0];
            queued += d[1];
            groups.add(Map.entry(e.getKey(), d));
        }
        groups.sort((x, y) -> Long.compare(y.getValue()[0] + y.getValue()[1], x.getValue()[0] + x.getValue()[1]));
        StringBuilder out = new StringBuilder(String.format(
                Locale.ROOT,
                "ran %.2f s, ready but waiting for a core %.2f s (wall %.2f s);",
                ran / 1e9,
                queued / 1e9,
                wallNanos / 1e9));
        for (var g : groups.subList(0, Math.min(8, groups.size()))) {
            out.append(String.format(
                    Locale.ROOT, " %s %.2f+%.2f s", g.getKey(), g.getValue()[0] / 1e9, g.getValue()[1] / 1e9));
        }
        return out.toString();
    }

    /** utime + stime (+ cutime + cstime) of /proc/<pid>/stat in seconds; 0 if the process is gone. */
    private static double cpuSeconds(long pid, boolean withReapedChildren) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            if (withReapedChildren) {
                ticks += Long.parseLong(f[13]) + Long.parseLong(f[14]);
            }
            return ticks / 100.0;
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
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
