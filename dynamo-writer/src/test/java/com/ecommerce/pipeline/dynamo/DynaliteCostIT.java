package com.ecommerce.pipeline.dynamo;

import static org.assertj.core.api.Assumptions.assumeThat;

import com.ecommerce.pipeline.dynamostore.InvoiceWriter;
import com.ecommerce.pipeline.dynamostore.StoreTables;
import com.ecommerce.pipeline.localcloud.LocalCloudHome;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * What dynalite's CPU a row is when it runs as {@code ./pipeline up} runs it (LevelDB on disk, {@code --path}), for
 * the same rows written two ways: as dynamo-writer's sink writes them ({@link InvoiceWriter}, batches of 5,000 rows,
 * one per thread as one per shard, 4 threads) and as the benchmark's sink ceiling does (the same items, plain
 * BatchWriteItem, 25 a call, 4 threads). Prints the node process's CPU a row in all and on its main (JavaScript)
 * thread alone, since the ceiling's rate is bound by that one thread while the drain's cost is counted over the whole
 * process (LevelDB's compaction threads included). Not part of the default run: {@code mvn -pl dynamo-writer -am
 * verify -Dtest=none -Dit.test=DynaliteCostIT -Ddynalite.cost=true [-Ddrain.rows=150000]
 * -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false}.
 */
class DynaliteCostIT {

    @Test
    void sinkAndCeilingCostTheEmulatorAlike() throws Exception {
        assumeThat(Boolean.getBoolean("dynalite.cost"))
                .as("set -Ddynalite.cost=true to run")
                .isTrue();
        int rows = Integer.getInteger("drain.rows", 150_000);
        Path dir = Files.createTempDirectory("dynalite-cost");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process node = new ProcessBuilder(
                        LocalCloudHome.node(),
                        LocalCloudHome.locate().dynaliteCli().toString(),
                        "--port",
                        Integer.toString(port),
                        "--path",
                        dir.resolve("db").toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("dynalite.log").toFile())
                .start();
        try (DynamoDbClient dynamo = DynamoDbClient.builder()
                .endpointOverride(URI.create("http://localhost:" + port))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build()) {
            awaitPort(port);
            StoreTables tables = StoreTables.defaults();
            tables.createMissing(dynamo);
            for (String round : List.of("1", "2")) {
                sink(node.pid(), dynamo, tables, ProfileRows.requests(rows, "sink-" + round));
                ceiling(node.pid(), dynamo, tables, ProfileRows.requests(rows, "ceiling-" + round));
            }
        } finally {
            node.destroy();
            node.waitFor();
        }
    }

    /** As the sink writes: 5,000-row batches through the store's writer, 4 at a time. */
    private static void sink(long pid, DynamoDbClient dynamo, StoreTables tables, List<List<TransactionEvent>> requests)
            throws Exception {
        List<List<TransactionEvent>> batches = new ArrayList<>();
        int rows = 0;
        for (int i = 0; i < requests.size(); i += 10) {
            List<TransactionEvent> batch = new ArrayList<>();
            requests.subList(i, Math.min(i + 10, requests.size())).forEach(batch::addAll);
            batches.add(batch);
            rows += batch.size();
        }
        InvoiceWriter writer = new InvoiceWriter(dynamo, tables, Duration.ofMinutes(1), n -> {});
        double[] cpu0 = cpu(pid);
        long t0 = System.nanoTime();
        ProfileRows.onThreads(4, batches.size(), i -> writer.write(batches.get(i)));
        print("sink (InvoiceWriter, 5,000-row batches, 4 threads)", pid, rows, t0, cpu0);
    }

    /** As the benchmark's ceiling: the same items, 25 a call, 4 threads. */
    private static void ceiling(
            long pid, DynamoDbClient dynamo, StoreTables tables, List<List<TransactionEvent>> requests)
            throws Exception {
        List<Map<String, List<WriteRequest>>> calls = ProfileRows.ceilingCalls(requests, tables);
        int rows = requests.stream().mapToInt(List::size).sum();
        double[] cpu0 = cpu(pid);
        long t0 = System.nanoTime();
        ProfileRows.putAll(dynamo, calls, 4);
        print(
                "ceiling (plain BatchWriteItem of " + ProfileRows.items(calls) + " items, 25 a call, 4 threads)",
                pid,
                rows,
                t0,
                cpu0);
    }

    private static void print(String what, long pid, int rows, long t0, double[] cpu0) throws Exception {
        double seconds = (System.nanoTime() - t0) / 1e9;
        Thread.sleep(3_000); // compaction the writes started, counted with them
        double[] cpu1 = cpu(pid);
        System.out.printf(
                Locale.ROOT,
                "DYNALITE %s: %,d rows in %.2f s; dynalite (LevelDB on disk) CPU %.1f µs a row in all, %.1f µs on its"
                        + " main thread, %.1f µs on its other threads (3 s after the writes included)%n",
                what,
                rows,
                seconds,
                (cpu1[0] - cpu0[0]) * 1e6 / rows,
                (cpu1[1] - cpu0[1]) * 1e6 / rows,
                ((cpu1[0] - cpu0[0]) - (cpu1[1] - cpu0[1])) * 1e6 / rows);
    }

    /** CPU seconds of the whole process and of its main thread. */
    private static double[] cpu(long pid) throws Exception {
        return new double[] {
            ticks(Path.of("/proc/" + pid + "/stat")), ticks(Path.of("/proc/" + pid + "/task/" + pid + "/stat"))
        };
    }

    private static double ticks(Path stat) throws Exception {
        String s = Files.readString(stat);
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    }

    private static void awaitPort(int port) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            try (Socket s = new Socket("localhost", port)) {
                return;
            } catch (java.io.IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("dynalite did not open port " + port);
    }
}
