package com.ecommerce.pipeline.dynamo;

import static org.assertj.core.api.Assumptions.assumeThat;

import com.ecommerce.pipeline.dynamostore.InvoiceWriter;
import com.ecommerce.pipeline.dynamostore.StoreTables;
import com.ecommerce.pipeline.localcloud.LocalCloudHome;
import com.ecommerce.pipeline.schema.input.TransactionJson;
import com.ecommerce.pipeline.schema.model.TransactionEvent;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

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
                        LocalCloudHome.locate().dynaliteMain().toString(),
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
            for (int round = 1; round <= Integer.getInteger("dynalite.rounds", 2); round++) {
                sink(node.pid(), dynamo, tables, ProfileRows.requests(rows, "sink-" + round));
                // both layouts, in turn first (the emulator's LevelDB grows, and slows, as it fills)
                boolean namedFirst = round % 2 == 0;
                ceiling(node.pid(), dynamo, tables, ProfileRows.requests(rows, "a-" + round), namedFirst);
                ceiling(node.pid(), dynamo, tables, ProfileRows.requests(rows, "b-" + round), !namedFirst);
            }
        } finally {
            node.destroy();
            node.waitFor();
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(f -> f.toFile().delete());
            }
        }
    }

    /** As the sink writes: 5,000-row batches through the store's writer, 4 at a time. */
    private static void sink(long pid, DynamoDbClient dynamo, StoreTables tables, List<List<TransactionEvent>> requests)
            throws Exception {
        List<List<TransactionEvent>> batches = ProfileRows.batches(requests, 10);
        int rows = requests.stream().mapToInt(List::size).sum();
        InvoiceWriter writer = new InvoiceWriter(dynamo, tables, Duration.ofMinutes(1), n -> {});
        double[] cpu0 = cpu(pid);
        long t0 = System.nanoTime();
        long client = ProfileRows.onThreads(4, batches.size(), i -> writer.write(batches.get(i)));
        print("sink (InvoiceWriter, 5,000-row batches, 4 threads)", pid, rows, t0, cpu0, client);
    }

    /**
     * As the benchmark's ceiling: the same items, 25 a call, 4 threads; {@code named}: with the lines written as
     * objects with one-letter names, as the store wrote them before it wrote them by position.
     */
    private static void ceiling(
            long pid, DynamoDbClient dynamo, StoreTables tables, List<List<TransactionEvent>> requests, boolean named)
            throws Exception {
        List<Map<String, List<WriteRequest>>> calls = ProfileRows.ceilingCalls(requests, tables);
        if (named) {
            calls = named(calls);
        }
        int rows = requests.stream().mapToInt(List::size).sum();
        double[] cpu0 = cpu(pid);
        long t0 = System.nanoTime();
        long client = ProfileRows.putAll(dynamo, calls, 4);
        print(
                "ceiling (plain BatchWriteItem of " + ProfileRows.items(calls) + " items, 25 a call, 4 threads, lines "
                        + (named ? "with names" : "by position") + ")",
                pid,
                rows,
                t0,
                cpu0,
                client);
    }

    /** The same calls with each item's lines as objects with one-letter names (the earlier layout). */
    private static List<Map<String, List<WriteRequest>>> named(List<Map<String, List<WriteRequest>>> calls) {
        JsonMapper json = TransactionJson.mapper();
        List<Map<String, List<WriteRequest>>> out = new ArrayList<>();
        for (Map<String, List<WriteRequest>> call : calls) {
            Map<String, List<WriteRequest>> copy = new LinkedHashMap<>();
            call.forEach((table, writes) -> copy.put(
                    table,
                    writes.stream()
                            .map(w -> {
                                Map<String, AttributeValue> item =
                                        new HashMap<>(w.putRequest().item());
                                AttributeValue lines = item.get("lines");
                                if (lines != null) {
                                    ArrayNode named = json.createArrayNode();
                                    for (JsonNode l : json.readTree(lines.s())) {
                                        ObjectNode o = named.addObject();
                                        BigDecimal price =
                                                new BigDecimal(l.get(5).asString());
                                        o.put("e", l.get(0).asString());
                                        o.put("r", l.get(1).asInt());
                                        o.put("s", l.get(2).asString());
                                        o.put("d", l.get(3).asString());
                                        o.put("q", l.get(4).asLong());
                                        o.put("p", price.toPlainString());
                                        o.put(
                                                "t",
                                                price.multiply(BigDecimal.valueOf(
                                                                l.get(4).asLong()))
                                                        .toPlainString());
                                        o.put("a", l.get(6).asString());
                                        if (!l.get(7).isNull()) {
                                            o.put("c", l.get(7).asString());
                                        }
                                        o.put("o", l.get(8).asString());
                                    }
                                    item.put("lines", AttributeValue.fromS(json.writeValueAsString(named)));
                                }
                                return WriteRequest.builder()
                                        .putRequest(r -> r.item(item))
                                        .build();
                            })
                            .toList()));
            out.add(copy);
        }
        return out;
    }

    private static void print(String what, long pid, int rows, long t0, double[] cpu0, long clientNanos)
            throws Exception {
        double seconds = (System.nanoTime() - t0) / 1e9;
        Thread.sleep(3_000); // compaction the writes started, counted with them
        double[] cpu1 = cpu(pid);
        System.out.printf(
                Locale.ROOT,
                "DYNALITE %s: %,d rows in %.2f s; the client threads' CPU %.1f µs a row; dynalite (LevelDB on disk)"
                        + " CPU %.1f µs a row in all, %.1f µs on its main thread, %.1f µs on its other threads (3 s"
                        + " after the writes included)%n",
                what,
                rows,
                seconds,
                clientNanos / 1e3 / rows,
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
