package com.ecommerce.pipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.ecommerce.pipeline.client.PipelineCommand;
import com.ecommerce.pipeline.localcloud.LocalCloud;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay client's requests in flight against ingest-service alone (its own process, on a 4-shard stream of its
 * own, no consumers): the first N rows of the dataset replayed with {@code --concurrency} 4 and 8 in turn, each run
 * on new keys (its file drops one more leading row, so its hash differs). Prints each run's rows/s and the client's
 * summary (retries, in-flight limit); asserts only that every run exits 0. Not part of the default run: {@code mvn
 * -pl e2e-tests -am verify -Dtest=none -Dit.test=ReplayConcurrencyIT -Dreplay.concurrency=true
 * [-Dreplay.rows=100000] [-Dreplay.levels=4,8,4,8] -Dsurefire.failIfNoSpecifiedTests=false
 * -Dfailsafe.failIfNoSpecifiedTests=false}.
 */
@Order(90)
class ReplayConcurrencyIT {

    private static final Path FULL = Path.of("..", "..", "shared", "data", "online_retail.csv.gz");
    private static final String STREAM =
            "replay-concurrency-" + UUID.randomUUID().toString().substring(0, 8);

    private static ServiceProcess ingest;

    @BeforeAll
    static void startIngest() throws InterruptedException {
        if (!Boolean.getBoolean("replay.concurrency")) {
            return;
        }
        ingest = ServiceProcess.ingestOn(STREAM, 4, 90); // 4 shards, as the local cloud's APIData
    }

    @AfterAll
    static void stopIngest() {
        if (ingest != null) {
            ingest.stop();
        }
    }

    @TempDir
    Path dir;

    @Test
    void concurrencyLevels() throws Exception {
        assumeTrue(Boolean.getBoolean("replay.concurrency"), "set -Dreplay.concurrency=true to run");
        assumeTrue(Files.exists(FULL), "needs the full dataset beside the repository");
        int rows = Integer.getInteger("replay.rows", 100_000);
        String[] levels = System.getProperty("replay.levels", "4,8,4,8").split(",");
        List<String> lines = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(new GZIPInputStream(Files.newInputStream(FULL)), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null && lines.size() <= rows + levels.length; ) {
                lines.add(line);
            }
        }
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (int run = 0; run < levels.length; run++) {
            Path file = dir.resolve("run-" + run + ".csv");
            List<String> content = new ArrayList<>(List.of(lines.get(0)));
            content.addAll(lines.subList(1 + run, 1 + run + rows));
            Files.write(file, content, StandardCharsets.UTF_8);
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            int code = PipelineCommand.execute(
                    new PrintWriter(out),
                    new PrintWriter(err),
                    "replay",
                    file.toString(),
                    "--url",
                    ingest.uri("").toString(),
                    "--token",
                    LocalCloud.shared().tokens().forRoles("ingest"),
                    "--progress",
                    "none",
                    "--concurrency",
                    levels[run].trim(),
                    "--record",
                    dir.resolve("replays.jsonl").toString());
            long t1 = System.nanoTime();
            long cpu1 = os.getProcessCpuTime();
            String summary = (out.toString() + err).strip();
            System.out.printf(
                    Locale.ROOT,
                    "REPLAY concurrency %s: %,d rows in %.2f s = %,.0f rows/s (wall, whole command); client JVM CPU"
                            + " %.1f µs a row (%.2f cores); load average %.1f; client: %s%n",
                    levels[run].trim(),
                    rows,
                    (t1 - t0) / 1e9,
                    rows / ((t1 - t0) / 1e9),
                    (cpu1 - cpu0) / 1e3 / rows,
                    (double) (cpu1 - cpu0) / (t1 - t0),
                    os.getSystemLoadAverage(),
                    summary.replace('\n', '|'));
            assertThat(code).as(summary).isZero();
        }
    }
}
